"""BPTT in a linear RNN: the gradient norm over time follows W_h's radius."""
import math

import matplotlib.pyplot as plt
import torch

torch.manual_seed(0)
d_h, T = 32, 40  # hidden size, time steps
radii = [0.5, 0.9, 1.1, 1.5]

# --8<-- [start:scale]
def with_radius(W, radius):
    """W scaled to spectral radius `radius` (its largest |eigenvalue|)."""
    return W * radius / torch.linalg.eigvals(W).abs().max()


W = torch.randn(d_h, d_h) / math.sqrt(d_h)  # one random matrix for all four
X = 0.1 * torch.randn(T, d_h)  # inputs W_x x_t (they do not change dL/dh_t)
v = torch.randn(d_h)  # the loss reads the last state only: L = v . h_T
# --8<-- [end:scale]

# --8<-- [start:bptt]
norms, slopes = {}, {}
print("radius  ||dL/dh_1||  per step back: factor  log(factor)  log(radius)")
for radius in radii:
    W_h = with_radius(W, radius).requires_grad_()  # a parameter
    h, hs = torch.zeros(d_h), []
    for t in range(T):
        h = W_h @ h + X[t]  # linear RNN: no tanh
        h.retain_grad()  # keep dL/dh_t, not only the leaves' gradients
        hs.append(h)
    loss = v @ h
    loss.backward()
    g = torch.stack([h_t.grad.norm() for h_t in hs])  # ||dL/dh_t||, t = 1..T
    # for a linear RNN, dL/dh_t = (W_h^T)^(T-t) v: a matrix power
    k = 10  # check one step: t = T - k
    power = torch.linalg.matrix_power(W_h.T, k) @ v
    assert torch.allclose(hs[T - 1 - k].grad, power, rtol=1e-4, atol=1e-6)
    back = torch.arange(T - 1, -1, -1.0)  # steps back from T: T - t
    slope = torch.cov(torch.stack([back, g.log()]))[0, 1] / back.var()
    norms[radius], slopes[radius] = g, slope.item()
    print(f"{radius:6.1f} {g[0]:12.2e} {math.exp(slope):19.3f}"
          f" {slope:12.3f} {math.log(radius):12.3f}")
# --8<-- [end:bptt]

fig, ax = plt.subplots(figsize=(4.5, 3), layout="constrained")
styles = [("#0072B2", "o"), ("#009E73", "s"), ("#E69F00", "^"),
          ("#D55E00", "D")]
for (radius, g), (color, marker) in zip(norms.items(), styles):
    ax.plot(range(1, T + 1), g, color=color, marker=marker, markersize=3,
            markevery=4, label=rf"$\rho$ = {radius}")
ax.set(xlabel=f"time step $t$ (the loss reads $h_{{{T}}}$)",
       ylabel=r"$\|\partial L / \partial h_t\|$", yscale="log")
ax.legend()
fig.savefig("bptt_norms.svg", metadata={"Date": None})

for radius, slope in slopes.items():
    assert abs(slope - math.log(radius)) < 0.05, \
        f"radius {radius}: the log-norm should fall by log(radius) a step"
assert norms[0.5][0] < 1e-8 < 1e6 < norms[1.5][0], "vanish and explode"
