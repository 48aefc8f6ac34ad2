"""Deeper or wider? Two ReLU networks with the same number of parameters."""
import math
import os
import statistics

import torch
from torch import nn

device = "cuda" if torch.cuda.is_available() else "cpu"
quick = os.environ.get("DLCAMP_QUICK") == "1"
num_steps = 300 if quick else 3000
seeds = [1, 2] if quick else [1, 2, 3, 4, 5]


def make_spiral(n, num_classes=3, turns=2.0):
    """A harder spiral than in the other lessons: each arm winds twice."""
    X, y = [], []
    for c in range(num_classes):
        r = torch.linspace(0.05, 1.0, n)
        t = (torch.linspace(0, 2 * math.pi * turns, n)
             + 2 * math.pi * c / num_classes + 0.1 * torch.randn(n))
        X.append(torch.stack([r * torch.sin(t), r * torch.cos(t)], dim=1))
        y.append(torch.full((n,), c))
    return torch.cat(X).to(device), torch.cat(y).to(device)


torch.manual_seed(0)
X, y = make_spiral(500)
X_test, y_test = make_spiral(1000)

# --8<-- [start:models]
def wide():  # one hidden layer of 65 units
    return nn.Sequential(nn.Linear(2, 65), nn.ReLU(), nn.Linear(65, 3))


def deep():  # four hidden layers of 10 units
    return nn.Sequential(nn.Linear(2, 10), nn.ReLU(),
                         nn.Linear(10, 10), nn.ReLU(),
                         nn.Linear(10, 10), nn.ReLU(),
                         nn.Linear(10, 10), nn.ReLU(),
                         nn.Linear(10, 3))


def n_params(model):
    return sum(p.numel() for p in model.parameters())


print(f"parameters: wide {n_params(wide()):,d}, deep {n_params(deep()):,d}")
# --8<-- [end:models]

# --8<-- [start:train]
def test_accuracy(make_model, seed, lr=0.01):
    torch.manual_seed(seed)
    model = make_model().to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for step in range(num_steps):  # full-batch Adam, the same budget for both
        loss = nn.functional.cross_entropy(model(X), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        return (model(X_test).argmax(dim=1) == y_test).float().mean().item()


accuracy = {}
for name, make_model in [("wide", wide), ("deep", deep)]:
    accuracy[name] = [test_accuracy(make_model, seed) for seed in seeds]
    print(f"{name}: test accuracy {statistics.mean(accuracy[name]):.3f} "
          f"± {statistics.stdev(accuracy[name]):.3f}, "
          f"worst {min(accuracy[name]):.3f}, {len(seeds)} seeds")
# --8<-- [end:train]

assert abs(n_params(wide()) - n_params(deep())) / n_params(deep()) < 0.01, \
    "both networks should have the same number of parameters"
mean = {name: statistics.mean(a) for name, a in accuracy.items()}
assert quick or mean["deep"] <= mean["wide"] + 0.01, \
    "here depth should not help"
spread = {name: statistics.stdev(a) for name, a in accuracy.items()}
assert quick or spread["deep"] > spread["wide"], \
    "the deep network should vary more between seeds"
