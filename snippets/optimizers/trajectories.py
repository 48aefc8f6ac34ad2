"""SGD, momentum and Adam on an ill-conditioned 2-D quadratic."""
import matplotlib.pyplot as plt
import torch


# --8<-- [start:run]
def f(p):
    # curvature 100 along y, 1 along x
    return 0.5 * (p[0] ** 2 + 100 * p[1] ** 2)


def trajectory(make_optimizer, num_steps=100):
    p = torch.tensor([-4.0, 0.5], requires_grad=True)
    optimizer = make_optimizer([p])
    path = [p.detach().clone()]
    for _ in range(num_steps):
        optimizer.zero_grad()
        f(p).backward()
        optimizer.step()
        path.append(p.detach().clone())
    return torch.stack(path)


optimizers = {
    "SGD": lambda ps, lr: torch.optim.SGD(ps, lr=lr),
    "momentum 0.9": lambda ps, lr: torch.optim.SGD(ps, lr=lr, momentum=0.9),
    "Adam": lambda ps, lr: torch.optim.Adam(ps, lr=lr),
}
# 0.001 to 3.16, 4 per decade
lrs = [round(10 ** (k / 4), 4) for k in range(-12, 3)]
paths = {}
# each optimizer gets its best learning rate
for name, make in optimizers.items():
    runs = {lr: trajectory(lambda ps: make(ps, lr)) for lr in lrs}
    best = min(lrs, key=lambda lr: f(runs[lr][-1]).nan_to_num(float("inf")))
    paths[f"{name}, lr {best}"] = runs[best]
    print(f"{name:12s}: best lr {best:6}, "
          f"f after 20 steps {f(runs[best][20]):6.3f}, "
          f"after 100 {f(runs[best][-1]):.1e}")
# --8<-- [end:run]

X, Y = torch.meshgrid(torch.linspace(-4.5, 2, 100),
                      torch.linspace(-1.2, 1.2, 100), indexing="ij")
fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(4.5, 5.6),
                               layout="constrained")  # stacked: phones
ax1.contour(X, Y, f((X, Y)), levels=torch.logspace(-2, 1.7, 10), colors="0.7",
            linewidths=0.8)
styles = [("#0072B2", "o", "-"), ("#D55E00", "s", "--"), ("#009E73", "^", ":")]
for (name, path), (color, marker, style) in zip(paths.items(), styles):
    ax1.plot(path[:31, 0], path[:31, 1], color=color, marker=marker,
             markersize=3, linewidth=1, label=name)  # the first 30 steps
    ax2.plot([f(p).item() for p in path], color=color, linestyle=style,
             label=name)
ax1.plot(0, 0, "k*", markersize=10)
ax1.set(xlabel="$x$", ylabel="$y$")
ax2.set(xlabel="step", ylabel="$f(x, y)$", yscale="log",
        ylim=(None, 1e4))  # room for the legend above the curves
ax2.legend(loc="upper right")
fig.savefig("trajectories.svg")

final = [f(path[-1]).item() for path in paths.values()]  # SGD, momentum, Adam
assert final[1] < final[0] / 10, \
    "momentum should beat plain SGD on a narrow valley"
adam = list(paths.values())[2]
dx, dy = (adam[1] - adam[0]).abs()  # Adam's first step, gradient (-4, 50)
assert abs(dx / dy - 1) < 0.01, \
    "Adam should step as far along x as along y (per-coordinate scaling)"
assert f(adam[20]) < min(f(p[20]) for p in paths.values() if p is not adam), \
    "Adam should fall fastest in the first 20 steps"
