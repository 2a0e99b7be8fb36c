"""Figures: the Image block through every reader and writer, and SVGs drawn from scripts by digest."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import HandbookError
from pipeline.figures import figure_files, update_figures
from pipeline.formats import FIGURE_STAMP
from pipeline.model import Handbook
from pipeline.readers.html_fragment import fragment_blocks
from pipeline.readers.markdown import PARSER, _blocks, read_markdown
from pipeline.writers.html import SITE_STYLE, blocks_html
from pipeline.writers.markdown import blocks_markdown, write_markdown
from tests.builders import figure, one_answer, para
from tests.generators.text_dump import write_text_dump
from tests.layout import BOOK

SCRIPTS = BOOK.figures_dir
SVGS = BOOK.handbook_dir / "figures"
IMAGE = figure("mse-loss", 'a *b* $c$ "q" <x>', 'A "cap" <b> \\ x')
BLOCKS = (para("Below is a plot."), IMAGE)


def handbook(blocks=BLOCKS) -> Handbook:
    return one_answer(*blocks)


def test_image_round_trips_through_markdown() -> None:
    text = blocks_markdown(BLOCKS)
    assert '![a \\*b\\* \\$c\\$ "q" \\<x\\>](figures/mse-loss.svg "A \\"cap\\" <b> \\\\ x")' in text
    assert tuple(_blocks(PARSER.parse(text))) == BLOCKS


def test_image_round_trips_through_html_escaped() -> None:
    html = blocks_html(BLOCKS, SITE_STYLE)
    assert '<img src="figures/mse-loss.svg" alt="a *b* $c$ &quot;q&quot; &lt;x&gt;">' in html
    assert '<figcaption>A "cap" &lt;b&gt; \\ x</figcaption>' in html
    assert fragment_blocks(html) == BLOCKS
    deck = blocks_html(
        BLOCKS,
        SITE_STYLE.__class__(
            SITE_STYLE.inline_math,
            SITE_STYLE.display_math,
            SITE_STYLE.code_block,
            lambda name: f"{name}.0123456789ab.svg",
        ),
    )
    assert fragment_blocks(deck) == BLOCKS  # a deck's media name reads back as the figure


def test_a_text_dump_keeps_only_the_caption() -> None:
    dump = write_text_dump(handbook())
    assert IMAGE.caption in dump and "mse-loss.svg" not in dump and IMAGE.alt not in dump


@pytest.mark.parametrize("src", ["https://example.com/x.svg", "figures/../x.svg", "x.svg", "figures/X.png"])
def test_only_our_figures_may_be_shown(src: str) -> None:
    with pytest.raises(HandbookError, match="a figure must be figures/<name>.svg"):
        tuple(_blocks(PARSER.parse(f"![alt]({src})")))


def test_the_markdown_folder_needs_each_svg_and_holds_nothing_else(tmp_path: Path) -> None:
    folder = tmp_path / "handbook"
    write_markdown(handbook(), folder)
    with pytest.raises(HandbookError, match="mse-loss.svg is missing"):
        read_markdown(folder)
    write_markdown(handbook(), folder, figures={"mse-loss.svg": (SVGS / "mse-loss.svg").read_bytes()})
    assert read_markdown(folder) == handbook()
    (folder / "figures" / "notes.txt").write_text("x")
    with pytest.raises(HandbookError, match="is not a figure"):
        read_markdown(folder)


def tiny_script(label: str) -> str:
    """A figure script without matplotlib: what is drawn when is the point here. That the real
    scripts draw the committed SVGs byte for byte is the golden test's (tests/test_normalize.py)."""
    return f"import sys\nopen(sys.argv[1], 'w').write('<svg>{label}</svg>')\n"


def test_svgs_are_drawn_only_when_their_script_changes(tmp_path: Path) -> None:
    scripts, svgs = tmp_path / "scripts", tmp_path / "svgs"
    scripts.mkdir()
    names = {"quicksort-partition", "mse-loss"}
    for name in names:
        (scripts / f"{name}.py").write_text(tiny_script(name))
    first = update_figures(scripts, svgs, names)
    assert sorted(first.drawn) == sorted(names) and not first.kept
    for name in names:
        assert (svgs / f"{name}.svg").read_text() == f"<svg>{name}</svg>"
    again = update_figures(scripts, svgs, names)
    assert again.drawn == () and sorted(again.kept) == sorted(names)
    (scripts / "mse-loss.py").write_text(tiny_script("MSE (target 100)"))
    changed = update_figures(scripts, svgs, names)
    assert changed.drawn == ("mse-loss",) and changed.kept == ("quicksort-partition",)
    assert (svgs / "mse-loss.svg").read_text() == "<svg>MSE (target 100)</svg>"
    assert "mse-loss" in (svgs / FIGURE_STAMP).read_text()


def test_a_failing_or_missing_script_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("raise SystemExit('no data')\n")
    with pytest.raises(HandbookError, match="broken.py failed: no data"):
        figure_files(tmp_path, None, {"broken"})
    with pytest.raises(HandbookError, match="has no absent.py"):
        figure_files(tmp_path, None, {"absent"})


def test_every_svg_is_self_contained() -> None:
    for svg in SVGS.glob("*.svg"):
        text = svg.read_text(encoding="utf-8")
        assert "<text" not in text and "font-family" not in text, svg  # glyphs are paths
        assert "dc:date" not in text and "http://" not in text.split("<svg", 1)[1].replace(
            "http://www.w3.org", ""
        ).replace("http://purl.org", "").replace("http://creativecommons.org", ""), svg
