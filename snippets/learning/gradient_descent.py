"""Fit y = b + w x by gradient descent, with three learning rates."""
import matplotlib.pyplot as plt
import torch

torch.manual_seed(0)

# --8<-- [start:model]
x = torch.rand(50) * 2 - 1  # 50 inputs in [-1, 1)
y = 1.0 + 2.0 * x + 0.3 * torch.randn(50)  # true b = 1, w = 2, plus noise


def loss_fn(b, w):
    y_hat = b + w * x  # step 1: a function with unknown parameters
    return ((y_hat - y) ** 2).mean()  # step 2: the loss (MSE)
# --8<-- [end:model]


# --8<-- [start:descent]
def descend(lr, num_steps=30):
    """Step 3: gradient descent from (b, w) = (-2, -2); returns the path."""
    p = torch.tensor([-2.0, -2.0], requires_grad=True)
    path = [p.detach().clone()]
    for _ in range(num_steps):
        loss = loss_fn(p[0], p[1])
        loss.backward()
        with torch.no_grad():
            p -= lr * p.grad  # move against the gradient
        p.grad = None
        path.append(p.detach().clone())
    return torch.stack(path)


H = torch.autograd.functional.hessian(lambda p: loss_fn(p[0], p[1]),
                                      torch.zeros(2))
print(f"largest curvature {torch.linalg.eigvalsh(H)[-1]:.3f}, "
      f"so GD diverges for lr > {2 / torch.linalg.eigvalsh(H)[-1]:.3f}")
paths = {lr: descend(lr) for lr in [0.05, 0.5, 1.05]}
start = loss_fn(-2.0, -2.0).item()
for lr, path in paths.items():
    b, w = path[-1]
    print(f"lr = {lr:4.2f}: loss {start:.3f} -> {loss_fn(b, w).item():10.3f}  "
          f"(b, w) = ({b:.2f}, {w:.2f})")
# --8<-- [end:descent]

B, W = torch.meshgrid(torch.linspace(-3, 5, 100), torch.linspace(-4, 8, 100),
                      indexing="ij")
L = ((B[..., None] + W[..., None] * x - y) ** 2).mean(-1)  # loss on a grid
fig, ax = plt.subplots(figsize=(4.5, 3.9), layout="constrained")
ax.contour(B, W, L, levels=torch.logspace(-1.3, 1.6, 12), colors="0.6",
           linewidths=0.8)
styles = {0.05: ("#0072B2", "o"), 0.5: ("#009E73", "s"),
          1.05: ("#D55E00", "^")}
for lr, path in paths.items():
    color, marker = styles[lr]
    ax.plot(path[:, 0], path[:, 1], color=color, marker=marker, markersize=3,
            linewidth=1, label=f"lr = {lr}")
ax.set(xlabel="$b$", ylabel="$w$", xlim=(-3, 5), ylim=(-4, 8))
fig.legend(loc="outside lower center", ncol=2)  # off the paths
fig.savefig("gd_paths.svg")

final = {lr: loss_fn(*path[-1]).item() for lr, path in paths.items()}
assert final[0.5] < final[0.05] < start, "a good lr should beat a tiny one"
b, w = paths[0.5][-1]
assert abs(b - 1) < 0.3 and abs(w - 2) < 0.3, \
    "lr = 0.5 should find b = 1, w = 2"
assert final[1.05] > start, \
    "a learning rate above 2 / curvature should diverge"
