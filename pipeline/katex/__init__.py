"""KaTeX, the renderer the site uses, called from Python through Node.

`mathml_texts` renders formulas and returns the text of KaTeX's MathML (what a
scrape of the rendered page keeps), or the parse error. One Node process is
started on first use and serves every later call; results are cached.

Node is `node` on PATH, or $HANDBOOK_NODE. Each answer must come within
$HANDBOOK_KATEX_TIMEOUT seconds (default 60; a batch takes about a second); a
worker that stalls or dies is restarted once, and a second failure is an error.
"""

from __future__ import annotations

import atexit
import json
import os
import queue
import shutil
import subprocess
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import HandbookError
from pipeline.inputs import env_number

PROJECT_ROOT = Path(__file__).resolve().parents[2]
BRIDGE = Path(__file__).with_name("bridge.js")
BATCH = 2000
TIMEOUT = 60.0  # seconds for one answer


@dataclass(frozen=True)
class Rendered:
    """KaTeX's MathML text for a formula, or its error message."""

    text: str | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def node_modules() -> Path:
    """The node_modules holding katex (project root, or $HANDBOOK_NODE_MODULES)."""
    configured = os.environ.get("HANDBOOK_NODE_MODULES")
    path = Path(configured) if configured else PROJECT_ROOT / "node_modules"
    if not (path / "katex" / "package.json").exists():
        raise HandbookError(f"KaTeX is not installed in {path}: run `npm ci` in the project folder")
    return path


def katex_dist() -> Path:
    """KaTeX's browser assets (katex.min.js, katex.min.css, fonts/)."""
    return node_modules() / "katex" / "dist"


def node_executable() -> str:
    """The Node.js to run: $HANDBOOK_NODE, else `node` on PATH."""
    node = os.environ.get("HANDBOOK_NODE") or shutil.which("node")
    if node is None:
        raise HandbookError("Node.js is not installed: KaTeX needs `node` on PATH")
    return node


def answer_timeout() -> float:
    """$HANDBOOK_KATEX_TIMEOUT: seconds, finite and within bounds (pipeline.inputs.env_number)."""
    return env_number("HANDBOOK_KATEX_TIMEOUT", TIMEOUT, low=0.001, high=3600)


class _Failed(Exception):
    """The worker did not give a usable answer (worth one restart)."""


class NodeWorker:
    """A long-lived `node <script>` that answers one JSON line per batch of (tex, display).

    Started on first use; results are cached per (tex, display). A worker that
    stalls or dies is replaced once per batch, then the batch fails.
    """

    def __init__(self, script: Path, batch: int = BATCH) -> None:
        self._script = script
        self._batch = batch
        self._process: subprocess.Popen[str] | None = None
        self._cache: dict[tuple[str, bool], Any] = {}

    def _start(self, node: str) -> subprocess.Popen[str]:
        if self._process is None or self._process.poll() is not None:
            env = dict(os.environ, NODE_PATH=str(node_modules()))
            try:
                self._process = subprocess.Popen(
                    [node, str(self._script)],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    text=True,
                    encoding="utf-8",
                    env=env,
                )
            except OSError as error:
                raise HandbookError(
                    f"cannot start Node ({node}) for KaTeX: {error.strerror or error}"
                ) from None
        return self._process

    def run(self, items: Sequence[tuple[str, bool]]) -> list[Any]:
        missing = list(dict.fromkeys(i for i in items if i not in self._cache))
        for start in range(0, len(missing), self._batch):
            batch = missing[start : start + self._batch]
            self._cache.update(zip(batch, self._answer(batch), strict=True))
        return [self._cache[i] for i in items]

    def _answer(self, batch: list[tuple[str, bool]]) -> list[Any]:
        node, timeout = node_executable(), answer_timeout()
        payload = json.dumps(batch, ensure_ascii=False) + "\n"
        reasons = []
        for _ in range(2):
            try:
                return self._exchange(self._start(node), payload, len(batch), timeout)
            except _Failed as reason:
                reasons.append(str(reason))
                self._kill()
        raise HandbookError(
            f"Node ({node}) failed to answer KaTeX twice ({reasons[0]}; after a restart, {reasons[1]}): "
            "check that `node --version` works and run `npm ci`"
        )

    @staticmethod
    def _exchange(process: subprocess.Popen[str], payload: str, count: int, timeout: float) -> list[Any]:
        """Send one batch and wait at most `timeout` s for its line (writing can block too)."""
        box: queue.Queue[str] = queue.Queue()

        stdin, stdout = process.stdin, process.stdout  # both pipes: _start asks for them
        assert stdin is not None and stdout is not None

        def talk() -> None:
            try:
                stdin.write(payload)
                stdin.flush()
                box.put(stdout.readline())
            except (OSError, ValueError):
                box.put("")

        threading.Thread(target=talk, daemon=True).start()
        try:
            line = box.get(timeout=timeout)
        except queue.Empty:
            raise _Failed(f"no answer within {timeout:g} s") from None
        if not line:
            raise _Failed("it stopped unexpectedly")
        try:
            results = json.loads(line)
        except ValueError:
            raise _Failed("its answer was not JSON") from None
        if not isinstance(results, list) or len(results) != count:
            raise _Failed("its answer did not match the question")
        return results

    def _kill(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None

    def close(self) -> None:
        if self._process is not None and self._process.poll() is None:
            try:
                if self._process.stdin is not None:
                    self._process.stdin.close()
                self._process.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self._kill()

    def reset(self) -> None:
        """Stop the process and forget every result (benchmarks start cold)."""
        self.close()
        self._cache.clear()


_mathml = NodeWorker(BRIDGE)
atexit.register(_mathml.close)


def mathml_texts(items: Iterable[tuple[str, bool]]) -> list[Rendered]:
    """Render (tex, display) pairs with KaTeX (throwOnError) and return their MathML text."""
    return [Rendered(r.get("text"), r.get("error")) for r in _mathml.run(list(items))]


def formula_errors(items: Iterable[tuple[str, bool]]) -> list[tuple[str, str]]:
    """(tex, error) for every formula KaTeX refuses."""
    items = list(items)
    return [(tex, r.error or "") for (tex, _), r in zip(items, mathml_texts(items), strict=True) if not r.ok]
