"""The cost of the figures: drawing every SVG cold, and a build where none changed.

Cold: every script in source/books/SLUG/figures/ run into an empty folder (what a fresh
clone's first `normalize` pays). Warm: `update_figures` over the committed
SVGs, all up to date (what every unchanged `handbook build` pays), against
reading the handbook once, the work the same stage does anyway.

    .venv/bin/python benchmarks/bench_figures.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from pipeline.figures import figure_files, update_figures
from pipeline.model import handbook_images
from pipeline.readers.markdown import read_markdown
from tests.layout import BOOK

FIGURES_DIR = BOOK.figures_dir  # the real book's figure scripts


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    names = {image.name for image in handbook_images(read_markdown(BOOK.handbook_dir))}
    with tempfile.TemporaryDirectory() as scratch:
        cold = timed(lambda: figure_files(FIGURES_DIR, Path(scratch), names))
    read = min(timed(lambda: read_markdown(BOOK.handbook_dir)) for _ in range(5))
    warm = min(
        timed(lambda: update_figures(FIGURES_DIR, BOOK.handbook_dir / "figures", names)) for _ in range(5)
    )
    print(f"{len(names)} figures")
    print(f"cold, every figure drawn : {cold:7.2f} s ({cold / len(names):.2f} s per figure)")
    print(
        f"warm, none changed       : {warm * 1000:7.1f} ms (ratio {warm / read:.2f}x reading the Markdown once)"
    )


if __name__ == "__main__":
    main()
