"""Overfitting: polynomials of rising degree, training vs validation error."""
import matplotlib.pyplot as plt
import torch

torch.manual_seed(0)


def noisy_sine(x):
    return torch.sin(3 * x) + 0.2 * torch.randn(len(x), dtype=torch.float64)


# --8<-- [start:fit]
x_train = torch.linspace(-1, 1, 15, dtype=torch.float64)
y_train = noisy_sine(x_train)
# fresh samples, never fitted
x_val = torch.rand(1000, dtype=torch.float64) * 2 - 1
y_val = noisy_sine(x_val)


def features(x, degree):
    return torch.stack([x ** k for k in range(degree + 1)],
                       dim=1)  # (n, degree + 1)


def fit(x, y, degree):
    """Least squares: the weights that minimise the training MSE exactly."""
    return torch.linalg.lstsq(features(x, degree), y[:, None]).solution


def mse(w, x, y):
    return ((features(x, len(w) - 1) @ w).squeeze(1) - y).pow(2).mean().item()


degrees = range(15)  # degree 14: 15 weights for 15 points
train_err, val_err = [], []
for d in degrees:
    w = fit(x_train, y_train, d)
    train_err.append(mse(w, x_train, y_train))
    val_err.append(mse(w, x_val, y_val))
    print(f"degree {d:2d}: train MSE {train_err[-1]:.4f}   "
          f"validation MSE {val_err[-1]:9.4f}")
best = min(degrees, key=lambda d: val_err[d])
print(f"lowest validation error at degree {best}")
# --8<-- [end:fit]

fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(4.5, 5.6),
                               layout="constrained")  # stacked: phones
grid = torch.linspace(-1, 1, 200, dtype=torch.float64)
ax1.scatter(x_train, y_train, color="black", s=12, label="training data",
            zorder=3)
for d, color, style in [(1, "#0072B2", "-"), (best, "#009E73", "--"),
                        (14, "#D55E00", ":")]:
    ax1.plot(grid, features(grid, d) @ fit(x_train, y_train, d), color=color,
             linestyle=style, label=f"degree {d}")
ax1.set(xlabel="$x$", ylabel="$y$", ylim=(-2, 2), xticks=[-1, -0.5, 0, 0.5, 1])
ax1.legend(loc="lower center", bbox_to_anchor=(0.5, 1), ncol=2)  # above
ax2.plot(degrees, train_err, "o-", color="#0072B2", label="training")
ax2.plot(degrees, val_err, "s--", color="#D55E00", label="validation")
ax2.set(xlabel="polynomial degree", ylabel="MSE", yscale="log",
        xticks=range(0, 15, 2),
        ylim=(1e-3, 20))  # degree 14: training MSE ~0, below the axis
ax2.legend()
fig.savefig("polynomial_fit.svg")

assert all(a >= b - 1e-9 for a, b in zip(train_err, train_err[1:])), \
    "a higher degree can only lower the training error"
assert val_err[14] > 2 * val_err[best], "degree 14 should overfit"
