"""A recurrent network h_t = f(h_{t-1}, x_t; theta): the cyclic circuit, and the same circuit unfolded in time."""

from pipeline.figure_style import COLORS, INK, arrow, diagram, node, save

X, H = COLORS[0], COLORS[2]
fig, ax = diagram(9, 3.1, (-0.8, 9.4), (-0.5, 2.6))
# the cycle: h feeds itself through a one-step delay
node(ax, 0.4, 1.2, "$h$", H, width=0.8, height=0.6)
node(ax, 0.4, 0, "$x$", X, width=0.6, height=0.6, round_=True)
arrow(ax, (0.4, 0.3), (0.4, 0.9))
node(ax, 0.4, 2.2, "delay", INK, width=0.9, height=0.4)
ax.plot([0.8, 1.15, 1.15], [1.2, 1.2, 2.2], color=INK, linewidth=1.4)
arrow(ax, (1.15, 2.2), (0.85, 2.2))
ax.plot([-0.05, -0.4, -0.4], [2.2, 2.2, 1.2], color=INK, linewidth=1.4)
arrow(ax, (-0.4, 1.2), (0.0, 1.2))
ax.text(1.3, 1.7, "$f$", color=INK, va="center")
# unfolding
arrow(ax, (2.0, 1.2), (2.9, 1.2))
ax.text(2.45, 1.4, "unfold", color=INK, ha="center", fontsize=9)
labels = ("$h_{\\ldots}$", "$h_{t-1}$", "$h_t$", "$h_{t+1}$", "$h_{\\ldots}$")
for index, label in enumerate(labels):
    x = 3.4 + index * 1.45
    dotted = index in (0, len(labels) - 1)
    if not dotted:
        node(ax, x, 1.2, label, H, width=0.9, height=0.6)
        node(ax, x, 0, label.replace("h", "x"), X, width=0.8, height=0.6, round_=True)
        arrow(ax, (x, 0.3), (x, 0.9))
    else:
        ax.text(x, 1.2, "$\\cdots$", color=INK, ha="center", va="center")
    if index:
        arrow(ax, (x - 1.45 + 0.45, 1.2), (x - 0.45, 1.2))
        ax.text(x - 0.725, 1.35, "$f$", color=INK, ha="center")
save(fig)
