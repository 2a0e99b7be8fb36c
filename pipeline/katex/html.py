"""KaTeX's HTML for formulas, rendered server-side through Node.

For writers that publish a page with formulas already typeset (like the
original post): `render_html` returns KaTeX's HTML+MathML markup, which keeps
the TeX in its annotation so an HTML reader can get it back. One Node process
(render_html.js) serves every call; results are cached.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
from typing import Iterable, Sequence

from pipeline.errors import HandbookError
from pipeline.katex import node_modules

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "render_html.js")
BATCH = 500


class _HtmlRenderer:
    """A long-lived `node render_html.js`, started on first use."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None
        self._cache: dict[tuple[str, bool], str] = {}

    def _start(self) -> subprocess.Popen[str]:
        if self._process is None or self._process.poll() is not None:
            node = shutil.which("node")
            if node is None:
                raise HandbookError("Node.js is not installed: KaTeX needs `node` on PATH")
            self._process = subprocess.Popen(
                [node, SCRIPT], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                text=True, encoding="utf-8", env=dict(os.environ, NODE_PATH=str(node_modules())),
            )
        return self._process

    def render(self, items: Sequence[tuple[str, bool]]) -> list[str]:
        missing = list(dict.fromkeys(i for i in items if i not in self._cache))
        for start in range(0, len(missing), BATCH):
            batch = missing[start:start + BATCH]
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


_renderer = _HtmlRenderer()
atexit.register(_renderer.close)


def render_html(items: Iterable[tuple[str, bool]]) -> list[str]:
    """KaTeX HTML+MathML markup for (tex, display) pairs, in order."""
    return _renderer.render(list(items))
