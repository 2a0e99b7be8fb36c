"""The classical RNN design patterns, stacked so each reads on a phone: inputs x (bottom),
hidden states a, outputs y (top), one pattern a row."""

from pipeline.figure_style import COLORS, INK, PHONE_WIDTH, arrow, node, plt, save

X, A, Y = COLORS[0], INK, COLORS[1]
# name, inputs at steps, outputs at steps, steps
PATTERNS = (
    ("one-to-one", (0,), (0,), 1),
    ("one-to-many", (0,), (0, 1, 2), 3),
    ("many-to-one", (0, 1, 2), (2,), 3),
    ("many-to-many, $T_x = T_y$", (0, 1, 2), (0, 1, 2), 3),
    ("many-to-many, $T_x \\neq T_y$", (0, 1), (2, 3), 4),
)
STEPS = max(p[3] for p in PATTERNS)

fig, axes = plt.subplots(len(PATTERNS), 1, figsize=(PHONE_WIDTH * 0.8, 2.05 * len(PATTERNS)))
for ax, (name, inputs, outputs, steps) in zip(axes, PATTERNS, strict=True):
    ax.set_xlim(-0.6, STEPS - 0.4)
    ax.set_ylim(-0.45, 2.95)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(name, loc="left")
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
fig.tight_layout(h_pad=0.6)
save(fig)
