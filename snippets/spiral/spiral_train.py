"""Classify a 3-class spiral: a linear model against a ReLU network."""
import os

import matplotlib.pyplot as plt
import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
quick = os.environ.get("DLCAMP_QUICK") == "1"  # tests: fewer steps

# --8<-- [start:data]
def make_spiral(n, num_classes=3):
    """n points per class, each class one arm of a spiral."""
    X, y = [], []
    for c in range(num_classes):
        r = torch.linspace(0.0, 1.0, n)  # radius grows along the arm
        t = torch.linspace(c * 4.0, (c + 1) * 4.0, n) + 0.2 * torch.randn(n)
        X.append(torch.stack([r * torch.sin(t), r * torch.cos(t)], dim=1))
        y.append(torch.full((n,), c))
    return torch.cat(X), torch.cat(y)


X, y = make_spiral(1000)  # X: (3000, 2), y: (3000,)
X_test, y_test = make_spiral(1000)  # fresh noise: a test set
print(f"X: {tuple(X.shape)}, y: {tuple(y.shape)}")
# --8<-- [end:data]

colors = ["#0072B2", "#E69F00", "#009E73"]  # Okabe-Ito
markers = ["o", "s", "^"]
fig, ax = plt.subplots(figsize=(3.8, 4.2), layout="constrained")
for c in range(3):
    ax.scatter(*X[y == c].T, s=6, color=colors[c], marker=markers[c],
               label=f"class {c}",
               rasterized=True)  # bitmap points: a small SVG
ax.set(xlabel="$x_1$", ylabel="$x_2$", aspect="equal")
fig.legend(loc="outside lower center", ncol=3)  # below: a wider plot
fig.savefig("spiral_data.svg", bbox_inches="tight", dpi=150)

# --8<-- [start:models]
linear = nn.Linear(2, 3)  # one affine map: scores = W x + b
relu_net = nn.Sequential(nn.Linear(2, 100), nn.ReLU(), nn.Linear(100, 3))
# --8<-- [end:models]

# --8<-- [start:train]
def train(model, num_steps, lr=1.0):
    """Full-batch gradient descent on the cross-entropy; returns the losses."""
    model.to(device)
    Xd, yd = X.to(device), y.to(device)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for step in range(num_steps):
        loss = loss_fn(model(Xd), yd)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def accuracy(model, X, y):
    with torch.no_grad():
        y_hat = model(X.to(device)).argmax(dim=1).cpu()
    return (y_hat == y).float().mean().item()


num_steps = 1_500 if quick else 10_000
history = {}
for name, model in [("linear", linear), ("relu", relu_net)]:
    history[name] = train(model, num_steps)
    losses = history[name]
    print(f"{name:6s} train acc {accuracy(model, X, y):.3f}  "
          f"test acc {accuracy(model, X_test, y_test):.3f}  "
          f"loss@1000 {losses[999]:.3f}  loss@{num_steps} {losses[-1]:.3f}")

# a pure memoriser: give each test point the label of its nearest
# training point
nearest = torch.cdist(X_test, X).argmin(dim=1)
acc_1nn = (y[nearest] == y_test).float().mean().item()
print(f"1-nearest-neighbour test acc {acc_1nn:.3f}")
# --8<-- [end:train]

# --8<-- [start:boundary]
ticks = torch.linspace(-1.2, 1.2, 300)
x1, x2 = torch.meshgrid(ticks, ticks, indexing="xy")  # (300, 300) each
grid = torch.stack([x1.flatten(), x2.flatten()], dim=1)  # (90000, 2)
fig, axes = plt.subplots(2, 1, figsize=(4.5, 8), sharex=True)  # stacked
for ax, model in zip(axes, [linear, relu_net]):
    with torch.no_grad():
        region = model(grid.to(device)).argmax(dim=1).cpu().reshape(x1.shape)
    ax.contourf(x1, x2, region, levels=[-0.5, 0.5, 1.5, 2.5], colors=colors,
                alpha=0.3, rasterized=True)
    for c in range(3):
        ax.scatter(*X[y == c].T, s=4, color=colors[c], marker=markers[c],
                   rasterized=True)
    ax.set(ylabel="$x_2$", aspect="equal")
axes[1].set_xlabel("$x_1$")
fig.savefig("spiral_boundaries.svg", bbox_inches="tight", dpi=150)
# --8<-- [end:boundary]

fig, ax = plt.subplots(figsize=(4.5, 3))
ax.plot(history["linear"], color=colors[0], linestyle="--", label="linear")
ax.plot(history["relu"], color=colors[2], label="ReLU network")
ax.axvline(1000, color="gray", linestyle=":", linewidth=1)
ax.set(xscale="log", yscale="log", xlabel="step",
       ylabel="training loss (cross-entropy)")
ax.legend()
fig.savefig("spiral_loss.svg", bbox_inches="tight")

# --8<-- [start:check]
acc_linear = accuracy(linear, X_test, y_test)
acc_relu = accuracy(relu_net, X_test, y_test)
assert acc_linear < 0.65, f"a linear model should fail: {acc_linear:.3f}"
assert acc_relu > 0.95, \
    f"the ReLU net should separate the arms: {acc_relu:.3f}"
relu_loss, linear_loss = history["relu"], history["linear"]
assert relu_loss[-1] < relu_loss[999], "training longer should lower the loss"
assert abs(linear_loss[-1] - linear_loss[999]) < 0.01, "linear should plateau"
# --8<-- [end:check]
