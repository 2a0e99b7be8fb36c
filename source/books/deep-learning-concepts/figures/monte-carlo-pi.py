"""The answer's own estimate of pi, with a fixed seed: points in the square, those in the circle.

The loop is the answer's code (drawing fewer points, so that each one shows).
"""

import random

from pipeline.figure_style import COLORS, INK, PHONE_WIDTH, plt, save

random.seed(2019)
INTERVAL = 40

circle_points, square_points = 0, 0
inside, outside = [], []
for _ in range(INTERVAL**2):
    rand_x = random.uniform(-1, 1)
    rand_y = random.uniform(-1, 1)
    origin_dist = rand_x**2 + rand_y**2
    if origin_dist <= 1:
        circle_points += 1
        inside.append((rand_x, rand_y))
    else:
        outside.append((rand_x, rand_y))
    square_points += 1
    pi = 4 * circle_points / square_points

fig, ax = plt.subplots(figsize=(PHONE_WIDTH * 0.85, PHONE_WIDTH * 0.95))
ax.scatter(*zip(*inside, strict=True), s=4, color=COLORS[0], label=f"inside the circle: {circle_points}")
ax.scatter(
    *zip(*outside, strict=True), s=4, color=COLORS[1], label=f"outside: {square_points - circle_points}"
)
ax.add_patch(plt.Circle((0, 0), 1, fill=False, color=INK, linewidth=1.4))
ax.add_patch(plt.Rectangle((-1, -1), 2, 2, fill=False, color=INK, linewidth=1.4))
ax.set_aspect("equal")
ax.set_xlim(-1.05, 1.05)
ax.set_ylim(-1.05, 1.05)
ax.set_title(f"{square_points} points:\n$\\pi \\approx 4 \\cdot {circle_points}/{square_points} = {pi:.4f}$")
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.06), ncol=1, markerscale=3)
save(fig)
