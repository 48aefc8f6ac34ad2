"""A minimum and a saddle: zero gradient at both; the Hessian tells apart."""
import matplotlib.pyplot as plt
import torch
from torch.autograd.functional import hessian


# --8<-- [start:critical]
def f(p):
    x, y = p
    return x ** 3 - 3 * x + y ** 2  # critical points at (1, 0) and (-1, 0)


kinds = {}
for point in [(1.0, 0.0), (-1.0, 0.0)]:
    p = torch.tensor(point, requires_grad=True)
    f(p).backward()
    eigenvalues = torch.linalg.eigvalsh(hessian(f, p.detach()))
    if (eigenvalues > 0).all():
        kinds[point] = "local minimum"
    elif (eigenvalues < 0).all():
        kinds[point] = "local maximum"
    else:
        kinds[point] = "saddle point"  # curves up one way, down another
    print(f"{point}: gradient {p.grad.tolist()}, "
          f"eigenvalues {eigenvalues.tolist()} -> {kinds[point]}")
# --8<-- [end:critical]

X, Y = torch.meshgrid(torch.linspace(-2.2, 2.2, 100),
                      torch.linspace(-2, 2, 100), indexing="ij")
fig, ax = plt.subplots(figsize=(4.5, 3.5))
cs = ax.contour(X, Y, f((X, Y)), levels=torch.linspace(-4, 6, 21),
                cmap="cividis", linewidths=0.8)
fig.colorbar(cs, ax=ax, label="$f(x, y)$")
ax.plot(1, 0, "o", color="#009E73", markersize=8, label="minimum (1, 0)")
ax.plot(-1, 0, "X", color="#D55E00", markersize=9, label="saddle (-1, 0)")
ax.set(xlabel="$x$", ylabel="$y$")
ax.legend(loc="lower left")
fig.savefig("critical_points.svg")

assert kinds == {(1.0, 0.0): "local minimum", (-1.0, 0.0): "saddle point"}, \
    f"the Hessian should tell the minimum from the saddle: {kinds}"
