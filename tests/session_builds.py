"""The real book's expensive products, built once per test session and shared.

Shared also across pytest-xdist workers: the first worker to need one builds it
under a file lock in the session's temporary folder, the others wait and read
it (the pattern pytest-xdist documents). They are read-only: a test that
changes one works on a copy. The fixtures over these are in tests/conftest.py.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from filelock import FileLock

from tests.layout import ROOT

DECKS_SITE_URL = "https://example.org/hb/"  # the shared export's site links
DECKS_TIMESTAMP = 1_700_000_000  # and the time its notes carry (no state file yet)


def _session_dir(factory: pytest.TempPathFactory) -> Path:
    """The temporary folder every worker of this session shares (a worker's own is inside it)."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def once_per_session(
    factory: pytest.TempPathFactory, name: str, build: Callable[[Path], object]
) -> tuple[Path, object]:
    """`build(folder)` run by the first worker that asks; every worker gets the folder and its result."""
    folder = _session_dir(factory) / name
    result = folder.with_suffix(".pickle")
    with FileLock(str(folder.with_suffix(".lock"))):
        if not result.exists():
            folder.mkdir(exist_ok=True)  # a failed build's leftovers are replaced
            result.write_bytes(pickle.dumps(build(folder)))
    return folder, pickle.loads(result.read_bytes())


def _session_owner() -> int:
    """The session's main process: the xdist controller, or this process without xdist."""
    return os.getppid() if os.environ.get("PYTEST_XDIST_WORKER") else os.getpid()


_SERVERS: list[subprocess.Popen] = []


def serve(folder: Path) -> str:
    """Start tests.site_server on `folder` for the rest of the session; its address."""
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.site_server", str(folder), str(_session_owner())],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    _SERVERS.append(server)
    return f"http://127.0.0.1:{int(server.stdout.readline())}/"
