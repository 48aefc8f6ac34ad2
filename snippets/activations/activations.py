"""Five activation functions and their derivatives."""
import matplotlib.pyplot as plt
import torch
from torch import nn

# --8<-- [start:derivatives]
activations = {"sigmoid": nn.Sigmoid(), "tanh": nn.Tanh(), "ReLU": nn.ReLU(),
               "Leaky ReLU": nn.LeakyReLU(0.1), "GELU": nn.GELU()}
x = torch.linspace(-5, 5, 1001, requires_grad=True)
values, slopes = {}, {}
for name, f in activations.items():
    y = f(x)
    # dy_i/dx_i, one input at a time
    (slope,) = torch.autograd.grad(y.sum(), x)
    values[name], slopes[name] = y.detach(), slope
    print(f"{name:10s}: largest derivative {slope.max():.4f} "
          f"at x = {x[slope.argmax()]:.2f}")
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
