"""A recurrent network h_t = f(h_{t-1}, x_t; theta): the cyclic circuit (above), and the same
circuit unfolded in time (below), so each reads on a phone."""

from pipeline.figure_style import COLORS, INK, PHONE_WIDTH, arrow, diagram, node, save

X, H = COLORS[0], COLORS[2]
fig, ax = diagram(PHONE_WIDTH, PHONE_WIDTH * 0.95, (-0.9, 6.3), (-3.9, 2.9))
# the cycle: h feeds itself through a one-step delay
node(ax, 2.7, 1.2, "$h$", H, width=0.8, height=0.6)
node(ax, 2.7, 0, "$x$", X, width=0.6, height=0.6, round_=True)
arrow(ax, (2.7, 0.3), (2.7, 0.9))
node(ax, 2.7, 2.3, "delay", INK, width=1.3, height=0.5)
ax.plot([3.1, 3.6, 3.6], [1.2, 1.2, 2.3], color=INK, linewidth=1.4)
arrow(ax, (3.6, 2.3), (3.35, 2.3))
ax.plot([2.05, 1.8, 1.8], [2.3, 2.3, 1.2], color=INK, linewidth=1.4)
arrow(ax, (1.8, 1.2), (2.3, 1.2))
ax.text(3.75, 1.75, "$f$", color=INK, va="center")
# unfolding
arrow(ax, (2.7, -0.5), (2.7, -1.3))
ax.text(2.9, -0.9, "unfold", color=INK, va="center")
labels = ("$h_{\\ldots}$", "$h_{t-1}$", "$h_t$", "$h_{t+1}$", "$h_{\\ldots}$")
for index, label in enumerate(labels):
    x = -0.5 + index * 1.5
    dotted = index in (0, len(labels) - 1)
    if not dotted:
        node(ax, x, -2.1, label, H, width=1.0, height=0.6)
        node(ax, x, -3.4, label.replace("h", "x"), X, width=0.9, height=0.6, round_=True)
        arrow(ax, (x, -3.1), (x, -2.4))
    else:
        ax.text(x, -2.1, "$\\cdots$", color=INK, ha="center", va="center")
    if index:
        arrow(ax, (x - 1.5 + 0.5, -2.1), (x - 0.5, -2.1))
        ax.text(x - 0.75, -1.95, "$f$", color=INK, ha="center")
save(fig)
