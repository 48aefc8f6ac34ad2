"""Exploding gradients, and gradient clipping with clip_grad_norm_."""
import math
import os

import matplotlib.pyplot as plt
import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
num_steps = 100 if os.environ.get("DLCAMP_QUICK") == "1" else 500


def make_spiral(n, num_classes=3):
    X, y = [], []
    for c in range(num_classes):
        r = torch.linspace(0.0, 1.0, n)
        t = torch.linspace(c * 4.0, (c + 1) * 4.0, n) + 0.2 * torch.randn(n)
        X.append(torch.stack([r * torch.sin(t), r * torch.cos(t)], dim=1))
        y.append(torch.full((n,), c))
    return torch.cat(X).to(device), torch.cat(y).to(device)


X, y = make_spiral(300)

# --8<-- [start:model]
def too_large_mlp(depth=20, width=64, gain=1.3):
    """A deep ReLU MLP, weights 30% above Kaiming's: gradients explode."""
    torch.manual_seed(1)
    layers, d_in = [], 2
    for _ in range(depth):
        linear = nn.Linear(d_in, width)
        nn.init.normal_(linear.weight, std=gain * math.sqrt(2 / d_in))
        nn.init.zeros_(linear.bias)
        layers += [linear, nn.ReLU()]
        d_in = width
    return nn.Sequential(*layers, nn.Linear(width, 3)).to(device)
# --8<-- [end:model]

# --8<-- [start:train]
runs = {}
for max_norm in [None, 1.0]:
    model = too_large_mlp()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    losses, norms = [], []
    for step in range(num_steps):
        loss = nn.functional.cross_entropy(model(X), y)
        optimizer.zero_grad()
        loss.backward()
        # inf: measure, never clip
        limit = max_norm if max_norm else float("inf")
        norms.append(
            nn.utils.clip_grad_norm_(model.parameters(), limit).item())
        optimizer.step()
        losses.append(loss.item())
    label = f"clipped at {max_norm}" if max_norm else "no clipping"
    runs[label] = (losses, norms)
    clipped = sum(n > max_norm for n in norms) if max_norm else 0
    print(f"{label:15s}: loss {losses[0]:.2f} -> {losses[-1]:.3f} "
          f"after {num_steps} steps")
    print(f"                 |grad| at step 0 {norms[0]:.1f}; "
          f"{clipped} steps clipped")
# --8<-- [end:train]

fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(4.5, 5.6), sharex=True,
                               layout="constrained")  # stacked: phones
for (label, (losses, norms)), color, style in zip(runs.items(),
                                                 ["#D55E00", "#0072B2"],
                                                 ["--", "-"]):
    ax1.plot(losses, color=color, linestyle=style, label=label)
    ax2.plot(norms, color=color, linestyle=style, label=label)
ax1.set(ylabel="training loss", yscale="log")
ax2.set(xlabel="step", ylabel="gradient norm (before clipping)", yscale="log")
ax1.legend()
fig.savefig("clipping.svg")

unclipped, clipped = runs["no clipping"][0], runs["clipped at 1.0"][0]
assert not math.isfinite(unclipped[-1]) or unclipped[-1] > unclipped[0], \
    "without clipping, training should blow up"
assert clipped[-1] < 1.0, \
    f"with clipping, the loss should fall: {clipped[-1]:.3f}"
