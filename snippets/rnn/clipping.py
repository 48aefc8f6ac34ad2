"""Gradient clipping for a vanilla RNN: by norm vs by value, and its limits."""
import math
import os
import statistics
import sys

import matplotlib.pyplot as plt
import torch
from torch import nn
from torchvision import datasets

device = "cuda" if torch.cuda.is_available() else "cpu"
quick = os.environ.get("DLCAMP_QUICK") == "1"  # tests: a few steps
num_steps = 60 if quick else 400
seeds = [1, 2, 3]
clip_at = 0.1 if quick else 1.0  # quick: the test data's gradients stay < 1

# --8<-- [start:example]
def clipped(g, how):
    p = nn.Parameter(torch.zeros_like(g))
    p.grad = g.clone()
    if how == "norm":
        nn.utils.clip_grad_norm_([p], max_norm=1.0)  # g * 1 / ||g|| if > 1
    else:
        nn.utils.clip_grad_value_([p], clip_value=1.0)  # each into [-1, 1]
    return p.grad


def angle(a, b):  # in degrees
    return math.degrees(math.acos(min(1.0, (a @ b / a.norm() / b.norm()))))


g = torch.tensor([3.0, 0.4])
for how in ("norm", "value"):
    c = clipped(g, how)
    print(f"clip by {how:5s}: ({c[0]:.3f}, {c[1]:.3f}), norm {c.norm():.3f}, "
          f"turned by {angle(g, c):.1f} degrees")
tiny = clipped(1e-6 * g, "norm")
print(f"a tiny gradient, clipped by norm: ({tiny[0]:.1e}, {tiny[1]:.1e})")
# --8<-- [end:example]

root = os.environ.get("DLCAMP_DATA", "data")  # the folder with MNIST/raw/
try:
    train_set = datasets.MNIST(root, train=True, download=True)
    test_set = datasets.MNIST(root, train=False, download=True)
except RuntimeError as err:
    sys.exit(f"MNIST is not in {os.path.abspath(root)}/MNIST/raw and could "
             f"not be downloaded.\nConnect to the internet, or set "
             f"DLCAMP_DATA to a folder that holds MNIST/raw/.\nDetails: {err}")
n_train, n_test = (1000, 500) if quick else (10000, 2000)
X_train = train_set.data[:n_train].float().div(255).to(device)  # (n, 28, 28)
y_train = train_set.targets[:n_train].to(device)
X_test = test_set.data[:n_test].float().div(255).to(device)
y_test = test_set.targets[:n_test].to(device)


# --8<-- [start:train]
class RowReader(nn.Module):
    """A tanh RNN reads the 28 rows; a linear layer reads its last state."""

    def __init__(self, d_h=64):
        super().__init__()
        self.rnn = nn.RNN(28, d_h, batch_first=True)
        self.out = nn.Linear(d_h, 10)

    def forward(self, X):  # (N, 28, 28)
        return self.out(self.rnn(X)[0][:, -1])


def train(max_norm, seed, lr=0.5, batch_size=128):
    """Plain SGD; max_norm=None: measure the gradient norm, never clip."""
    torch.manual_seed(seed)
    model = RowReader().to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses, norms = [], []
    for step in range(num_steps):
        idx = torch.randint(len(X_train), (batch_size,), device=device)
        loss = nn.functional.cross_entropy(model(X_train[idx]), y_train[idx])
        optimizer.zero_grad()
        loss.backward()
        limit = max_norm or math.inf  # returns the norm before clipping
        norms.append(nn.utils.clip_grad_norm_(model.parameters(), limit))
        optimizer.step()
        losses.append(loss.item())
    with torch.no_grad():
        acc = (model(X_test).argmax(dim=1) == y_test).float().mean().item()
    return losses, torch.stack(norms).tolist(), acc


runs = {label: [train(limit, seed) for seed in seeds]
        for label, limit in (("no clipping", None),
                             (f"clipped at {clip_at:g}", clip_at))}
print("              test accuracy  loss, last 50  largest |grad|"
      f"  |grad| > {clip_at:g}")
for label, results in runs.items():
    losses, norms, acc = zip(*results)  # one entry per seed
    last = statistics.mean(statistics.mean(run[-50:]) for run in losses)
    peak = max(max(run) for run in norms)
    over = statistics.mean(sum(x > clip_at for x in run) / len(run)
                           for run in norms)
    mean, sd = statistics.mean(acc), statistics.stdev(acc)
    print(f"{label:12s} {mean:7.3f} ± {sd:.3f} {last:10.2f} {peak:15.1f}"
          f" {over:12.0%}")
print(f"(SGD, lr 0.5, {num_steps} steps of 128 images, {len(seeds)} seeds;\n"
      f" |grad| > {clip_at:g}: the share of steps that clipping shortens)")
# --8<-- [end:train]

fig, axes = plt.subplots(2, 1, figsize=(4.5, 5.6), sharex=True,
                         layout="constrained")
for (label, results), color, style in zip(runs.items(), ("#D55E00", "#0072B2"),
                                          ("--", "-")):
    losses, norms, _ = results[0]  # the first seed
    axes[0].plot(norms, color=color, linestyle=style, linewidth=1, label=label)
    axes[1].plot(losses, color=color, linestyle=style, linewidth=1)
axes[0].axhline(clip_at, color="grey", linewidth=0.8, linestyle=":")
axes[0].set(ylabel="gradient norm (before clipping)", yscale="log")
axes[1].set(ylabel="training loss", xlabel="step (batch of 128)",
            yscale="log")
axes[0].legend()
fig.savefig("clipping.svg", metadata={"Date": None})

by_norm, by_value = clipped(g, "norm"), clipped(g, "value")
assert angle(g, by_norm) < 0.01, "clipping by norm keeps the direction"
assert angle(g, by_value) > 10, "clipping by value turns the gradient"
assert torch.equal(tiny, 1e-6 * g), "a small gradient passes unchanged"
# the first seed with and without clipping: the same start, the same batches
free, norms, _ = runs["no clipping"][0]  # losses and gradient norms
clip = runs[f"clipped at {clip_at:g}"][0][0]  # losses
over = [step for step, x in enumerate(norms) if x > clip_at]
assert over and over[0] < num_steps - 1, "the limit should be reached"
first = over[0]  # the first step that clipping shortens
assert clip[:first + 1] == free[:first + 1], \
    "below the limit, clipping should change nothing"
assert clip[first + 1] != free[first + 1], \
    f"step {first}: a gradient above the limit should have been shortened"
if not quick:  # a few steps are too short to diverge
    acc = {label: [a for _, _, a in res] for label, res in runs.items()}
    gap = statistics.mean(acc["clipped at 1"]) - statistics.mean(
        acc["no clipping"])
    noise = max(statistics.stdev(a) for a in acc.values())
    assert gap > 2 * noise, f"clipping should help beyond noise: {gap:.3f}"
    assert max(acc["no clipping"]) < min(acc["clipped at 1"])
