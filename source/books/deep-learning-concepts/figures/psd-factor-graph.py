"""Predictive sparse decomposition as a factor graph: input Y, code Z, and the three energy terms.

E(Y, Z) = ||Y - W_d Z||^2 + lambda sum_k |z_k| + ||Z - F(Y; W_e)||^2, with the
encoder F(Y; W_e) = G sigma(W_e Y) (a linear transform, a sigmoid, a diagonal gain).
"""

from pipeline.figure_style import COLORS, INK, arrow, diagram, node, save

V, F, C = COLORS[0], INK, COLORS[1]
fig, ax = diagram(8, 3.6, (-0.8, 9.2), (-1.4, 3.1))
node(ax, 0, 0.8, "$Y$", V, width=0.8, height=0.8, round_=True)
node(ax, 6.2, 0.8, "$Z$", V, width=0.8, height=0.8, round_=True)
# decoder and reconstruction energy
node(ax, 4.4, 2.3, "$W_d Z$", F, width=1.3, height=0.6)
node(ax, 1.7, 2.3, "$\\|Y - W_d Z\\|^2$", C, width=2.0, height=0.6)
arrow(ax, (6.0, 1.15), (5.05, 2.1))
arrow(ax, (3.75, 2.3), (2.7, 2.3))
arrow(ax, (0.2, 1.15), (0.9, 2.0))
# encoder and prediction energy
node(ax, 1.9, -0.7, "$F(Y) = G\\,\\sigma(W_e Y)$", F, width=2.6, height=0.6)
node(ax, 4.9, -0.7, "$\\|Z - F(Y)\\|^2$", C, width=1.9, height=0.6)
arrow(ax, (0.2, 0.45), (0.9, -0.4))
arrow(ax, (3.2, -0.7), (3.95, -0.7))
arrow(ax, (6.0, 0.45), (5.4, -0.4))
# sparsity energy
node(ax, 8.2, 0.8, "$\\lambda \\sum_k |z_k|$", C, width=1.6, height=0.6)
arrow(ax, (6.6, 0.8), (7.4, 0.8))
ax.text(0, -0.05, "input", color=INK, ha="center", fontsize=9)
ax.text(6.2, -0.05, "sparse code", color=INK, ha="center", fontsize=9)
save(fig)
