"""MSE loss for a true target of 100 and predictions from -10,000 to 10,000."""

import numpy as np

from pipeline.figure_style import PHONE_WIDTH, plt, save

target = 100
predictions = np.linspace(-10_000, 10_000, 401)
fig, ax = plt.subplots(figsize=(PHONE_WIDTH, 3.2))
ax.plot(predictions, (target - predictions) ** 2)
ax.axvline(target, linestyle=":", linewidth=1)
ax.set_xticks(range(-10_000, 10_001, 10_000))
ax.annotate(
    "minimum at\nprediction = 100",
    (target, 0),
    xytext=(target, 5e7),
    ha="center",
    arrowprops={"arrowstyle": "->", "color": plt.rcParams["text.color"]},
)
ax.set_xlabel("prediction")
ax.set_ylabel("MSE loss")
ax.set_title("MSE, true target 100")
save(fig)
