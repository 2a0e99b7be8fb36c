"""What every figure script shares: deterministic SVG output, one palette, sizes for a phone.

A script in source/books/SLUG/figures/ draws with matplotlib and calls `save(fig, path)`.
The SVG must be the same bytes for the same script (a fixed `svg.hashsalt`, no
date in the metadata) and need no font on the reader's side (glyphs as paths).

Read on a phone: the site and the cards show a figure at the column's width, about
340 px on a 390 px phone, so a figure is drawn at most `PHONE_WIDTH` inches wide,
its text `FONT_SIZE` points: at least 11 CSS px there (sub- and superscripts of a
formula at 70 %, as in any formula). Diagrams that would be wider are stacked.

Read in both modes: one colour cannot pass 4.5:1 on white and on a dark page alike,
so figures are drawn in dark ink and deep colours on a transparent ground, each at
least 4.5:1 on white, and dark mode shows them inverted with their hues kept
(`filter: invert(1) hue-rotate(180deg)`: Anki's night mode in the card CSS, the
site's dark scheme in handbook.css), where each is again at least 4.5:1. No grid
lines: a grid faint enough to stay behind the data fails that contrast, and at a
phone's size the ticks say enough. tests/test_figure_legibility.py measures it all.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("svg")

import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)

INK = "#555b63"  # text, axes and outlines
COLORS = ("#1565c0", "#b45309", "#2e7d32", "#c62828", "#7b1fa2", "#00796b", "#ad1457")
PHONE_WIDTH = 4.4  # inches: the widest a figure is drawn
FONT_SIZE = 11  # points, every label, tick and legend alike

plt.rcParams.update(
    {
        "svg.hashsalt": "handbook",
        "svg.fonttype": "path",
        "font.family": "DejaVu Sans",  # shipped with matplotlib, drawn as paths
        "font.size": FONT_SIZE,
        "axes.titlesize": FONT_SIZE,
        "axes.labelsize": FONT_SIZE,
        "xtick.labelsize": FONT_SIZE,
        "ytick.labelsize": FONT_SIZE,
        "legend.fontsize": FONT_SIZE,
        "text.color": INK,
        "axes.edgecolor": INK,
        "axes.labelcolor": INK,
        "axes.titlecolor": INK,
        "xtick.color": INK,
        "ytick.color": INK,
        "axes.grid": False,
        "axes.prop_cycle": matplotlib.cycler(color=COLORS),
        "legend.frameon": False,
        "figure.facecolor": "none",
        "axes.facecolor": "none",
        "savefig.transparent": True,
        "path.simplify": False,
    }
)


def save(fig: plt.Figure, path: str | Path | None = None) -> None:
    """Write `fig` as a deterministic SVG to `path` (default: the script's first argument)."""
    target = Path(path if path is not None else sys.argv[1])
    fig.savefig(target, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)


def node(
    ax: plt.Axes,
    x: float,
    y: float,
    label: str,
    color: str = INK,
    *,
    width: float = 0.7,
    height: float = 0.5,
    round_: bool = False,
) -> None:
    """A labelled box (or circle) for a diagram, outlined in `color`."""
    from matplotlib.patches import Ellipse, FancyBboxPatch

    if round_:
        ax.add_patch(Ellipse((x, y), width, height, fill=False, edgecolor=color, linewidth=1.6))
    else:
        ax.add_patch(
            FancyBboxPatch(
                (x - width / 2, y - height / 2),
                width,
                height,
                boxstyle="round,pad=0.02,rounding_size=0.08",
                fill=False,
                edgecolor=color,
                linewidth=1.6,
            )
        )
    ax.text(x, y, label, ha="center", va="center", color=color)


def arrow(
    ax: plt.Axes, start: tuple[float, float], end: tuple[float, float], color: str = INK, **options: object
) -> None:
    """An arrow between two points of a diagram."""
    ax.annotate(
        "",
        xy=end,
        xytext=start,
        arrowprops={
            "arrowstyle": "-|>",
            "color": color,
            "linewidth": 1.4,
            "shrinkA": 0,
            "shrinkB": 0,
            **options,
        },
    )


def diagram(width: float, height: float, xlim: tuple[float, float], ylim: tuple[float, float]):
    """A figure with one bare axes in data units (equal aspect), for boxes and arrows."""
    fig, ax = plt.subplots(figsize=(width, height))
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, ax
