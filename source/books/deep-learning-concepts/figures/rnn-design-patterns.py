"""The classical RNN design patterns: inputs x (bottom), hidden states a, outputs y (top)."""

from pipeline.figure_style import COLORS, INK, arrow, node, plt, save

X, A, Y = COLORS[0], INK, COLORS[1]
# name, inputs at steps, outputs at steps, steps
PATTERNS = (
    ("one-to-one", (0,), (0,), 1),
    ("one-to-many", (0,), (0, 1, 2), 3),
    ("many-to-one", (0, 1, 2), (2,), 3),
    ("many-to-many, $T_x = T_y$", (0, 1, 2), (0, 1, 2), 3),
    ("many-to-many, $T_x \\neq T_y$", (0, 1), (2, 3), 4),
)

fig, axes = plt.subplots(
    1, len(PATTERNS), figsize=(13, 3.1), gridspec_kw={"width_ratios": [p[3] + 0.6 for p in PATTERNS]}
)
for ax, (name, inputs, outputs, steps) in zip(axes, PATTERNS, strict=True):
    ax.set_xlim(-0.6, steps - 0.4)
    ax.set_ylim(-0.5, 3.1)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(name, fontsize=11)
    for t in range(steps):
        node(ax, t, 1.25, "a", A, width=0.56, height=0.5)
        if t:
            arrow(ax, (t - 0.72, 1.25), (t - 0.28, 1.25))
        if t in inputs:
            node(ax, t, 0, "x", X, width=0.5, height=0.5, round_=True)
            arrow(ax, (t, 0.25), (t, 1.0))
        if t in outputs:
            node(ax, t, 2.5, "y", Y, width=0.5, height=0.5, round_=True)
            arrow(ax, (t, 1.5), (t, 2.25))
fig.tight_layout()
save(fig)
