"""One partition step of randomized quicksort: elements < x, the pivot x, elements > x."""

from pipeline.figure_style import COLORS, INK, PHONE_WIDTH, arrow, diagram, node, save

values = [7, 2, 9, 4, 5, 1, 8, 3, 6]
pivot_index = 4  # the pivot the random draw picked: x = 5
pivot = values[pivot_index]
less = [v for v in values if v < pivot]
greater = [v for v in values if v > pivot]


def color(value):
    return COLORS[2] if value == pivot else COLORS[0] if value < pivot else COLORS[1]


fig, ax = diagram(PHONE_WIDTH, PHONE_WIDTH * 0.42, (-0.6, 9.6), (-0.2, 4.0))
ax.text(-0.5, 3.3, "A", color=INK, ha="left")
for position, value in enumerate(values):
    node(ax, position + 0.5, 2.7, str(value), color(value), width=0.8, height=0.6)
ax.text(pivot_index + 0.5, 3.4, "pivot x", color=COLORS[2], ha="center")
layout = [*less, pivot, *greater]
for position, value in enumerate(layout):
    x = position + 0.5 + (position >= len(less)) * 0.4 + (position > len(less)) * 0.4
    node(ax, x - 0.4, 0.7, str(value), color(value), width=0.8, height=0.6)
arrow(ax, (4.5, 2.25), (4.5, 1.15))
ax.text(len(less) / 2 - 0.4 + 0.5, -0.1, "< x", color=COLORS[0], ha="center")
ax.text(len(less) + 0.5, -0.1, "x", color=COLORS[2], ha="center")
ax.text(len(less) + 1.3 + len(greater) / 2, -0.1, "> x", color=COLORS[1], ha="center")
save(fig)
