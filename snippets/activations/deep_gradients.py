"""Vanishing gradients in a 20-layer MLP: activation and init decide."""
import os

import matplotlib.pyplot as plt
import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
quick = os.environ.get("DLCAMP_QUICK") == "1"  # tests: a short run
num_steps = 100 if quick else 1000


def make_spiral(n, num_classes=3):
    X, y = [], []
    for c in range(num_classes):
        r = torch.linspace(0.0, 1.0, n)
        t = torch.linspace(c * 4.0, (c + 1) * 4.0, n) + 0.2 * torch.randn(n)
        X.append(torch.stack([r * torch.sin(t), r * torch.cos(t)], dim=1))
        y.append(torch.full((n,), c))
    return torch.cat(X).to(device), torch.cat(y).to(device)


X, y = make_spiral(300)  # (900, 2), (900,)

# --8<-- [start:model]
def deep_mlp(activation, init, depth=20, width=64):
    layers, d_in = [], 2
    for _ in range(depth):
        # PyTorch's default init unless changed:
        linear = nn.Linear(d_in, width)
        if init == "Xavier":
            # Var(w) = 2 / (fan_in + fan_out)
            nn.init.xavier_normal_(linear.weight)
        elif init == "Kaiming":
            nn.init.kaiming_normal_(linear.weight,
                                    nonlinearity="relu")  # 2 / fan_in
        layers += [linear, activation()]
        d_in = width
    return nn.Sequential(*layers, nn.Linear(width, 3)).to(device)


w = nn.Linear(64, 64).weight
print(f"default init: Var(w) * fan_in = {w.var().item() * 64:.3f} "
      f"(Kaiming for ReLU: 2)")


def weight_grad_norms(model):
    model.zero_grad()
    nn.functional.cross_entropy(model(X), y).backward()
    return [m.weight.grad.norm().item() for m in model
            if isinstance(m, nn.Linear)]
# --8<-- [end:model]

# --8<-- [start:train]
configs = [(nn.Sigmoid, "default"), (nn.Sigmoid, "Xavier"),
           (nn.ReLU, "default"), (nn.ReLU, "Kaiming")]
results = {}
print(f"after {num_steps} steps of SGD with momentum")
print("config             |grad| layer 1 / layer 20 at init   loss   accuracy")
for activation, init in configs:
    torch.manual_seed(1)
    model = deep_mlp(activation, init)
    at_init = weight_grad_norms(model)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.02, momentum=0.9)
    for step in range(num_steps):
        loss = nn.functional.cross_entropy(model(X), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    accuracy = (model(X).argmax(dim=1) == y).float().mean().item()
    name = f"{activation.__name__} + {init}"
    results[name] = (at_init, weight_grad_norms(model), loss.item())
    print(f"{name:17s}  {at_init[0] / at_init[19]:30.1e}  {loss.item():5.3f}  "
          f"{accuracy:9.3f}")
# --8<-- [end:train]

styles = {"Sigmoid + default": ("#0072B2", "o", "-"),
          "Sigmoid + Xavier": ("#56B4E9", "s", "--"),
          "ReLU + default": ("#D55E00", "^", "-."),
          "ReLU + Kaiming": ("#009E73", "D", ":")}
fig, axes = plt.subplots(2, 1, figsize=(4.5, 5.6), sharey=True,
                         layout="constrained")  # stacked: phones
for ax, when, idx in [(axes[0], "at initialisation", 0),
                      (axes[1], f"after {num_steps} steps", 1)]:
    for name, res in results.items():
        color, marker, style = styles[name]
        ax.plot(range(1, 22), res[idx], color=color, marker=marker,
                markersize=3, linestyle=style, label=name)
    ax.set(xlabel=f"layer ({when})", yscale="log", xticks=[1, 5, 10, 15, 20])
for ax in axes:
    ax.set(ylabel="gradient norm of the weights")
fig.legend(*axes[1].get_legend_handles_labels(), ncol=2,
           loc="outside upper center")  # above the panels, off the curves
fig.savefig("deep_gradients.svg")

assert abs(w.var().item() * 64 - 1 / 3) < 0.05, \
    "default init: Var(w) = 1 / (3 fan_in)"
ratio = {name: res[0][0] / res[0][19] for name, res in results.items()}
assert (ratio["Sigmoid + default"] < 1e-8
        and ratio["Sigmoid + Xavier"] < 1e-8), \
    "sigmoid gradients should vanish towards the input"
assert ratio["ReLU + default"] < 1e-4, \
    "PyTorch's default init is too small for ReLU"
assert ratio["ReLU + Kaiming"] > 1e-2, \
    "Kaiming init should keep ReLU gradients alive"
if not quick:  # after 100 steps, whether any net learns depends on threads
    others = [res[2] for name, res in results.items()
              if name != "ReLU + Kaiming"]
    assert results["ReLU + Kaiming"][2] < min(others) - 0.1, \
        "only ReLU + Kaiming learns"
