"""KaTeX, the renderer the site uses, called from Python through Node.

`mathml_texts` renders formulas and returns the text of KaTeX's MathML (what a
scrape of the rendered page keeps), or the parse error. One Node process is
started on first use and serves every later call; results are cached.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from pipeline.errors import HandbookError

PROJECT_ROOT = Path(__file__).resolve().parents[2]
BRIDGE = Path(__file__).with_name("bridge.js")
BATCH = 2000


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
        raise HandbookError(
            f"KaTeX is not installed in {path}: run `npm ci` in the project folder"
        )
    return path


def katex_dist() -> Path:
    """KaTeX's browser assets (katex.min.js, katex.min.css, fonts/)."""
    return node_modules() / "katex" / "dist"


class NodeWorker:
    """A long-lived `node <script>` that answers one JSON line per batch of (tex, display).

    Started on first use; results are cached per (tex, display).
    """

    def __init__(self, script: Path, batch: int = BATCH) -> None:
        self._script = script
        self._batch = batch
        self._process: subprocess.Popen[str] | None = None
        self._cache: dict[tuple[str, bool], Any] = {}

    def _start(self) -> subprocess.Popen[str]:
        if self._process is None or self._process.poll() is not None:
            node = shutil.which("node")
            if node is None:
                raise HandbookError("Node.js is not installed: KaTeX needs `node` on PATH")
            env = dict(os.environ, NODE_PATH=str(node_modules()))
            self._process = subprocess.Popen(
                [node, str(self._script)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                text=True, encoding="utf-8", env=env,
            )
        return self._process

    def run(self, items: Sequence[tuple[str, bool]]) -> list[Any]:
        missing = list(dict.fromkeys(i for i in items if i not in self._cache))
        for start in range(0, len(missing), self._batch):
            batch = missing[start:start + self._batch]
            process = self._start()
            assert process.stdin and process.stdout
            process.stdin.write(json.dumps(batch, ensure_ascii=False) + "\n")
            process.stdin.flush()
            line = process.stdout.readline()
            if not line:
                raise HandbookError("the KaTeX process stopped unexpectedly")
            self._cache.update(zip(batch, json.loads(line)))
        return [self._cache[i] for i in items]

    def close(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.stdin.close()  # type: ignore[union-attr]
            self._process.wait(timeout=5)

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
    return [(tex, r.error or "") for (tex, _), r in zip(items, mathml_texts(items)) if not r.ok]
