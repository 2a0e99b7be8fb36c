"""KaTeX's HTML for formulas, rendered server-side through Node.

For writers that publish a page with formulas already typeset (like the
original post): `render_html` returns KaTeX's HTML+MathML markup, which keeps
the TeX in its annotation so an HTML reader can get it back. One Node process
(render_html.js) serves every call; results are cached.
"""

from __future__ import annotations

import atexit
from collections.abc import Iterable
from pathlib import Path

from pipeline.katex import NodeWorker

_renderer = NodeWorker(Path(__file__).with_name("render_html.js"), batch=500)
atexit.register(_renderer.close)


def render_html(items: Iterable[tuple[str, bool]]) -> list[str]:
    """KaTeX HTML+MathML markup for (tex, display) pairs, in order."""
    return _renderer.run(list(items))
