"""Predictive sparse decomposition as a factor graph: input Y, code Z, and the three energy terms.

E(Y, Z) = ||Y - W_d Z||^2 + lambda sum_k |z_k| + ||Z - F(Y; W_e)||^2, with the
encoder F(Y; W_e) = G sigma(W_e Y) (a linear transform, a sigmoid, a diagonal gain).
Drawn top to bottom so each label reads on a phone: the input, its reconstruction energy
and the decoder above, the encoder and its prediction energy below, the sparse code right.
"""

from pipeline.figure_style import COLORS, INK, PHONE_WIDTH, arrow, diagram, node, save

V, F, C = COLORS[0], INK, COLORS[1]
fig, ax = diagram(PHONE_WIDTH, PHONE_WIDTH * 0.95, (-0.3, 6.4), (0.2, 6.1))
node(ax, 0.6, 3.0, "$Y$", V, width=0.8, height=0.8, round_=True)
node(ax, 3.9, 3.0, "$Z$", V, width=0.8, height=0.8, round_=True)
ax.text(1.15, 3.0, "input", color=INK, va="center")
ax.text(4.4, 2.75, "sparse code", color=INK, va="top")
# decoder and reconstruction energy (above)
node(ax, 3.9, 5.4, "$W_d Z$", F, width=1.3, height=0.6)
node(ax, 1.35, 5.4, "$\\|Y - W_d Z\\|^2$", C, width=2.5, height=0.6)
arrow(ax, (3.9, 3.4), (3.9, 5.1))
arrow(ax, (3.25, 5.4), (2.6, 5.4))
arrow(ax, (0.6, 3.4), (0.8, 5.1))
# encoder and prediction energy (below)
node(ax, 1.5, 0.9, "$F(Y) = G\\,\\sigma(W_e Y)$", F, width=3.0, height=0.6)
node(ax, 4.75, 0.9, "$\\|Z - F(Y)\\|^2$", C, width=2.3, height=0.6)
arrow(ax, (0.6, 2.6), (0.9, 1.2))
arrow(ax, (3.0, 0.9), (3.6, 0.9))
arrow(ax, (3.9, 2.6), (3.9, 1.2))
# sparsity energy
node(ax, 5.6, 3.9, "$\\lambda \\sum_k |z_k|$", C, width=1.5, height=0.6)
arrow(ax, (4.25, 3.2), (4.95, 3.65))
save(fig)
