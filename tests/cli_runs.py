"""The `handbook` command run in this process, in a folder of its own, as a fresh process would run it.

A subprocess per run costs an interpreter, the imports and a new Node for KaTeX
(0.2-0.5 s); `run_handbook` costs only the command. It runs `pipeline.cli.main`
through click's CliRunner with the working directory and environment given,
both restored afterwards (pipeline.paths are relative to the working
directory). Where a run in this process could differ from a fresh one:

- the Markdown read cache (pipeline.site_layout) is emptied before each run;
- what depends only on its input is shared between runs: KaTeX's Node workers
  with their answers, and the repair of a snapshot's model (the slow step of
  `normalize` and `check`, done once per distinct model). A run whose `env`
  configures KaTeX gets Node workers of its own instead, started by the run,
  and repairs afresh, so a stalled or missing Node is met as it would be;
- warnings and log records reach stderr as in a fresh interpreter (its default
  warning filters, Python's last-resort log handler), not pytest's collectors;
- output is captured at the file descriptors, so a child's stderr counts too.

The real `handbook` executable is still run where the process is the point
(tests/test_bad_inputs.py: the entry point, a file-size limit).
"""

from __future__ import annotations

import contextlib
import logging
import sys
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

from click.testing import CliRunner

import pipeline.book
import pipeline.katex
from pipeline.cli import main
from pipeline.katex import NodeWorker
from pipeline.model import Handbook
from pipeline.repair import RepairLog, repair
from pipeline.site_layout import _read_once

KATEX_SETTINGS = ("HANDBOOK_NODE", "HANDBOOK_NODE_MODULES", "HANDBOOK_KATEX_TIMEOUT")
# What a fresh interpreter ignores without -W or PYTHONWARNINGS (the rest it prints to stderr).
SILENT_WARNINGS = (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning)


@dataclass(frozen=True)
class CliRun:
    """What `handbook ARGS` did: its exit code, its output, and what it raised (SystemExit for exit 1)."""

    args: tuple[str, ...]
    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None

    def assert_refused(self, *phrases: str) -> None:
        """Exit 1 through Click (no other exception: no traceback), one `Error: …` line naming `phrases`."""
        said = f"handbook {' '.join(self.args)}\nstdout: {self.stdout}\nstderr: {self.stderr}"
        assert self.exit_code == 1, said
        assert type(self.exception) is SystemExit, f"{said}\nraised: {self.exception!r}"
        assert self.stderr.startswith("Error: ") and self.stderr.count("\n") == 1, said
        assert "Traceback" not in self.stdout + self.stderr, said
        for phrase in phrases:
            assert phrase in self.stderr, said

    def assert_ok(self) -> None:
        assert self.exit_code == 0 and self.exception is None, (
            f"handbook {' '.join(self.args)}\nstdout: {self.stdout}\nstderr: {self.stderr}\nraised: {self.exception!r}"
        )


def run_handbook(cwd: Path, *args: str, env: Mapping[str, str | None] | None = None) -> CliRun:
    """`handbook ARGS` in `cwd`, with `env` over this process's environment (None unsets a variable)."""
    env = dict(env or {})
    _read_once.cache_clear()
    with contextlib.chdir(cwd), _shared_results(env), _fresh_interpreter_stderr():
        result = CliRunner(capture="fd").invoke(main, list(args), env=env, prog_name="handbook")
    return CliRun(tuple(args), result.exit_code, result.stdout, result.stderr, result.exception)


_REPAIRED: dict[Handbook, tuple[Handbook, RepairLog]] = {}


def _repaired(handbook: Handbook) -> tuple[Handbook, RepairLog]:
    """`repair`, once per distinct model (models are frozen: equal models repair alike)."""
    if handbook not in _REPAIRED:
        _REPAIRED[handbook] = repair(handbook)
    return _REPAIRED[handbook]


def shared_repairs() -> contextlib.AbstractContextManager:
    """While it lasts, `normalize` and `check` repair each distinct snapshot model once per process."""
    return mock.patch.object(pipeline.book, "repair", _repaired)


@contextlib.contextmanager
def _shared_results(env: Mapping[str, str | None]) -> Iterator[None]:
    """The session's KaTeX and repairs, or, when `env` configures KaTeX, neither."""
    if any(name in env for name in KATEX_SETTINGS):
        with _katex_of_its_own():
            yield
    else:
        with shared_repairs():
            yield


@contextlib.contextmanager
def _katex_of_its_own() -> Iterator[None]:
    """A new KaTeX worker for the run (same script, not started); the session's is put back after."""
    kept = pipeline.katex._mathml
    fresh = pipeline.katex._mathml = NodeWorker(kept._script, kept._batch)
    try:
        yield
    finally:
        fresh.close()
        pipeline.katex._mathml = kept


@contextlib.contextmanager
def _fresh_interpreter_stderr() -> Iterator[None]:
    """Warnings and log records printed to (the captured) stderr, as a fresh interpreter prints them."""
    root = logging.getLogger()
    collectors, root.handlers = root.handlers, []  # pytest's: without them, logging's last resort prints
    try:
        with warnings.catch_warnings():
            warnings.resetwarnings()
            for category in SILENT_WARNINGS:
                warnings.simplefilter("ignore", category)
            warnings.showwarning = _print_warning  # not to pytest's recorder: restored on exit
            yield
    finally:
        root.handlers = collectors


def _print_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: object = None,
    line: str | None = None,
) -> None:
    sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))
