"""MAE, Huber (several deltas), log-cosh and quantile (several quantiles), then all in one plot.

Each loss is drawn against the error y - y^p, for one observation; two panels a row, so
each reads on a phone, the quantile loss and all the losses together across the whole width.
"""

import numpy as np

from pipeline.figure_style import PHONE_WIDTH, plt, save

error = np.linspace(-4, 4, 401)


def huber(e, delta):
    small = np.abs(e) <= delta
    return np.where(small, e**2 / 2, delta * np.abs(e) - delta**2 / 2)


def quantile(e, gamma):
    return np.where(e >= 0, gamma * e, (gamma - 1) * e)


def family(ax, loss, title, symbol, values):
    """One loss drawn for several values of its parameter, labelled with the parameter's symbol."""
    for value in values:
        ax.plot(error, loss(error, value), label=f"${symbol} = {value}$")
    ax.set_title(title)
    ax.legend(loc="upper center", handlelength=1, borderaxespad=0.2, labelspacing=0.2)


fig = plt.figure(figsize=(PHONE_WIDTH, 10.5))
grid = fig.add_gridspec(4, 2, height_ratios=(1, 1, 1, 1.6))
panels = iter(
    [
        *(fig.add_subplot(grid[row, column]) for row in range(2) for column in range(2)),
        fig.add_subplot(grid[2, :]),
    ]
)
ax = next(panels)
ax.plot(error, error**2)
ax.set_title("MSE ($L_2$)")
ax = next(panels)
ax.plot(error, np.abs(error))
ax.set_title("MAE ($L_1$)")
family(next(panels), huber, "Huber", "\\delta", (0.5, 1, 2))
ax = next(panels)
ax.plot(error, np.log(np.cosh(error)))
ax.set_title("log-cosh")
family(next(panels), quantile, "Quantile", "\\gamma", (0.25, 0.5, 0.75))
ax = fig.add_subplot(grid[3, :])
ax.plot(error, error**2, label="MSE")
ax.plot(error, np.abs(error), label="MAE")
ax.plot(error, huber(error, 1), label="Huber, $\\delta = 1$")
ax.plot(error, np.log(np.cosh(error)), label="log-cosh")
ax.plot(error, quantile(error, 0.25), label="quantile, $\\gamma = 0.25$")
ax.set_ylim(0, 6)
ax.set_title("All in one plot")
ax.set_xlabel("error $y - y^p$")
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=2, handlelength=1.2, labelspacing=0.2)
for panel in fig.axes:
    panel.set_xticks((-4, 0, 4))
    panel.set_ylabel("loss")
fig.tight_layout()
save(fig)
