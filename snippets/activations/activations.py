"""Five activation functions and their derivatives."""
import matplotlib.pyplot as plt
import torch
from torch import nn

# --8<-- [start:derivatives]
activations = {"sigmoid": nn.Sigmoid(), "tanh": nn.Tanh(), "ReLU": nn.ReLU(),
               "Leaky ReLU": nn.LeakyReLU(0.1), "GELU": nn.GELU()}
x = (torch.arange(-500, 501) / 100).requires_grad_()  # -5 to 5, step 0.01
values, slopes = {}, {}
for name, f in activations.items():
    y = f(x)
    # dy_i/dx_i, one input at a time
    (slope,) = torch.autograd.grad(y.sum(), x)
    values[name], slopes[name] = y.detach(), slope
    top = x[slope == slope.max()]  # every grid point where f' is largest
    where = (f"x = {top[0]:.2f}" if len(top) == 1
             else f"every grid point in [{top[0]:.2f}, {top[-1]:.2f}]")
    print(f"{name:10s}: largest derivative {slope.max():.4f} at {where}")
at_0 = {name: slopes[name][x == 0].item() for name in ("ReLU", "Leaky ReLU")}
print(f"autograd at x = 0 (no derivative there): ReLU {at_0['ReLU']:.1f}, "
      f"Leaky ReLU {at_0['Leaky ReLU']:.1f}")
# --8<-- [end:derivatives]

# --8<-- [start:product]
for n in [5, 10, 20, 50]:
    print(f"{n:2d} layers: product of sigmoid' factors <= 0.25^{n} = "
          f"{0.25 ** n:.1e}")
# --8<-- [end:product]

styles = ["-", "--", "-.", ":", "-"]
colors = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7"]
fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(4.5, 5.6), sharex=True,
                               layout="constrained")  # stacked: phones
for (name, y), style, color in zip(values.items(), styles, colors):
    ax1.plot(x.detach(), y, linestyle=style, color=color, label=name)
    ax2.plot(x.detach(), slopes[name], linestyle=style, color=color,
             label=name)
ax1.set(ylabel="$f(x)$", ylim=(-1.5, 3))
ax2.set(xlabel="$x$", ylabel="$f'(x)$", ylim=(-0.2, 1.2))
ax1.legend()
fig.savefig("activations.svg")

assert abs(slopes["sigmoid"].max() - 0.25) < 1e-6, \
    "sigmoid' should peak at 1/4"
assert abs(slopes["tanh"].max() - 1.0) < 1e-6, "tanh' should peak at 1"
relu = slopes["ReLU"]
assert (relu[x > 0] == 1).all() and (relu[x < 0] == 0).all(), \
    "ReLU' should be 1 for every x > 0 and 0 for every x < 0"
