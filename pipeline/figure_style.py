"""What every figure script shares: deterministic SVG output and one palette.

A script in source/books/SLUG/figures/ draws with matplotlib and calls `save(fig, path)`.
The SVG must be the same bytes for the same script (a fixed `svg.hashsalt`, no
date in the metadata), need no font on the reader's side (glyphs as paths) and
read on the site's light and dark palettes and in Anki's night mode: a
transparent background, mid-grey ink and saturated colours that hold on both.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("svg")

import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)

INK = "#8a8f98"  # text, axes and outlines: readable on white and on #1e2129
COLORS = ("#1f77d0", "#e8710a", "#2ca02c", "#d62728", "#9467bd", "#17a2b8", "#c2185b")

plt.rcParams.update(
    {
        "svg.hashsalt": "handbook",
        "svg.fonttype": "path",
        "font.family": "DejaVu Sans",  # shipped with matplotlib, drawn as paths
        "font.size": 11,
        "text.color": INK,
        "axes.edgecolor": INK,
        "axes.labelcolor": INK,
        "axes.titlecolor": INK,
        "xtick.color": INK,
        "ytick.color": INK,
        "grid.color": INK,
        "grid.alpha": 0.3,
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
