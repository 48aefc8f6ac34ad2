"""A fair comparison on the spiral data: tuned learning rates, 5 seeds."""
import os
import statistics

import matplotlib.pyplot as plt
import torch
from torch import nn

device = "cuda" if torch.cuda.is_available() else "cpu"
quick = os.environ.get("DLCAMP_QUICK") == "1"
num_steps = 200 if quick else 3000
seeds = [1, 2] if quick else [1, 2, 3, 4, 5]


def make_spiral(n, num_classes=3):
    X, y = [], []
    for c in range(num_classes):
        r = torch.linspace(0.0, 1.0, n)
        t = torch.linspace(c * 4.0, (c + 1) * 4.0, n) + 0.2 * torch.randn(n)
        X.append(torch.stack([r * torch.sin(t), r * torch.cos(t)], dim=1))
        y.append(torch.full((n,), c))
    return torch.cat(X).to(device), torch.cat(y).to(device)


torch.manual_seed(0)
X, y = make_spiral(300)  # training set, (900, 2)
X_val, y_val = make_spiral(300)  # for choosing the learning rate
X_test, y_test = make_spiral(1000)  # touched once, for the final numbers

# --8<-- [start:train]
optimizers = {
    "SGD": (lambda ps, lr: torch.optim.SGD(ps, lr=lr), [0.1, 0.3, 1.0, 3.0]),
    "momentum": (lambda ps, lr: torch.optim.SGD(ps, lr=lr, momentum=0.9),
                 [0.01, 0.03, 0.1, 0.3]),
    "Adam": (lambda ps, lr: torch.optim.Adam(ps, lr=lr),
             [0.001, 0.003, 0.01, 0.03]),
}


def train(make_optimizer, lr, seed, batch_size=64):
    """Minibatch training; returns the model, full-set loss every 50 steps."""
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 64),
                          nn.ReLU(), nn.Linear(64, 3)).to(device)
    optimizer = make_optimizer(model.parameters(), lr)
    loss_fn = nn.CrossEntropyLoss()
    curve = []
    for step in range(num_steps):
        idx = torch.randint(len(X), (batch_size,), device=device)
        loss = loss_fn(model(X[idx]), y[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step % 50 == 0:
            with torch.no_grad():
                curve.append(loss_fn(model(X), y).item())
    return model, curve


def evaluate(model, X, y):
    with torch.no_grad():
        logits = model(X)
    return nn.functional.cross_entropy(logits, y).item(), \
        (logits.argmax(dim=1) == y).float().mean().item()
# --8<-- [end:train]

# --8<-- [start:compare]
print(f"{num_steps} steps, batch size 64, {len(seeds)} seeds per optimizer")
curves, results = {}, {}
for name, (make, lrs) in optimizers.items():
    val_loss = {lr: evaluate(train(make, lr, seed=0)[0], X_val, y_val)[0]
                for lr in lrs}
    best = min(lrs, key=val_loss.get)  # tuned on validation data, with seed 0
    # fresh seeds for the report
    runs = [train(make, best, seed) for seed in seeds]
    # (seeds, points)
    curves[name] = torch.tensor([curve for _, curve in runs])
    acc = [evaluate(model, X_test, y_test)[1] for model, _ in runs]
    results[name] = acc
    print(f"{name:8s}: lr {best:<5} test accuracy {statistics.mean(acc):.3f} "
          f"± {statistics.stdev(acc):.3f} (worst {min(acc):.3f})")
    print(f"          final training loss {curves[name][:, -1].mean():.3f}")
quarter = {name: c[:, c.shape[1] // 4]
           for name, c in curves.items()}  # (seeds,)
early = {name: loss.mean().item() for name, loss in quarter.items()}
print("training loss after a quarter of the steps:\n  " + ", ".join(
    f"{name} {loss.mean():.3f} ± {loss.std():.3f}"
    for name, loss in quarter.items()))
# --8<-- [end:compare]

fig, ax = plt.subplots(figsize=(4.5, 3.4), layout="constrained")
steps = torch.arange(curves["SGD"].shape[1]) * 50
for (name, c), color, style in zip(curves.items(),
                                   ["#0072B2", "#D55E00", "#009E73"],
                                   ["-", "--", ":"]):
    ax.plot(steps, c.mean(0), color=color, linestyle=style, label=name)
    ax.fill_between(steps, c.min(0).values, c.max(0).values, color=color,
                    alpha=0.2)
ax.set(xlabel="step", ylabel="training loss (full set)", yscale="log")
fig.legend(loc="outside lower center", ncol=3)  # off the curves
fig.savefig("optimizer_curves.svg")

assert early["Adam"] < min(early["momentum"], early["SGD"]), \
    "Adam should be fastest"
target = 0.8 if quick else 0.95  # the quick profile trains for 200 steps only
assert all(statistics.mean(a) > target for a in results.values()), \
    "with a tuned learning rate every optimizer should solve the spiral"
assert all((c[1:] != c[0]).any() for c in curves.values()), \
    "each seed should give a run of its own"
