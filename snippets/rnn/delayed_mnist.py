"""Delayed MNIST: read a digit row by row, wait P blank steps, then answer."""
import os
import statistics
import sys

import matplotlib.pyplot as plt
import torch
from torch import nn
from torchvision import datasets

device = "cuda" if torch.cuda.is_available() else "cpu"
quick = os.environ.get("DLCAMP_QUICK") == "1"  # tests: short, small delays
delays = [0, 5] if quick else [0, 30, 60]
num_steps = 50 if quick else 600
seeds = [1, 2] if quick else [1, 2, 3]

# --8<-- [start:data]
root = os.environ.get("DLCAMP_DATA", "data")  # the folder with MNIST/raw/
try:
    train_set = datasets.MNIST(root, train=True, download=True)
    test_set = datasets.MNIST(root, train=False, download=True)
except RuntimeError as err:
    sys.exit(f"MNIST is not in {os.path.abspath(root)}/MNIST/raw and could "
             f"not be downloaded.\nConnect to the internet, or set "
             f"DLCAMP_DATA to a folder that holds MNIST/raw/.\nDetails: {err}")


def as_tensors(dataset, n):
    X = dataset.data[:n].float().div(255)  # (n, 28, 28): 28 rows of 28 pixels
    return X.to(device), dataset.targets[:n].to(device)


X_train, y_train = as_tensors(train_set, 1000 if quick else 10000)
X_test, y_test = as_tensors(test_set, 300 if quick else 2000)
print(f"training images {tuple(X_train.shape)}, test {tuple(X_test.shape)}")
share = torch.bincount(y_test, minlength=10) / len(y_test)  # per digit
print("digit         " + "".join(f"{d:6d}" for d in range(10)))
print("share of test " + "".join(f"{s:6.3f}" for s in share))
# --8<-- [end:data]


# --8<-- [start:model]
class Reader(nn.Module):
    """Reads 28 rows, then P blank rows; answers from the last hidden state."""

    def __init__(self, cell, d_h=64):
        super().__init__()
        self.rnn = cell(28, d_h, batch_first=True)  # nn.RNN or nn.LSTM
        self.out = nn.Linear(d_h, 10)
        if cell is nn.LSTM:  # forget-gate bias 1 (gate order i, f, g, o)
            with torch.no_grad():
                self.rnn.bias_ih_l0[d_h:2 * d_h] = 1.0
                self.rnn.bias_hh_l0[d_h:2 * d_h] = 0.0

    def forward(self, X, P):
        blanks = X.new_zeros(len(X), P, 28)  # (N, P, 28): nothing to see
        H, _ = self.rnn(torch.cat([X, blanks], dim=1))  # (N, 28 + P, d_h)
        return self.out(H[:, -1])


for cell in (nn.RNN, nn.LSTM):
    n = sum(p.numel() for p in Reader(cell).parameters())
    print(f"{cell.__name__}: {n:,d} parameters")
# --8<-- [end:model]


# --8<-- [start:train]
def train(cell, P, seed, lr=1e-2, batch_size=128):
    """Adam, the same steps and learning rate for both; clip both at 1."""
    torch.manual_seed(seed)
    model = Reader(cell).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for step in range(num_steps):
        idx = torch.randint(len(X_train), (batch_size,), device=device)
        loss = nn.functional.cross_entropy(model(X_train[idx], P),
                                           y_train[idx])
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
    with torch.no_grad():
        y_hat = model(X_test, P).argmax(dim=1)
    return (y_hat == y_test).float().mean().item()


acc = {}  # (cell name, P): test accuracy per seed
print("  P  model" + "".join(f"  seed {s}" for s in seeds) + "   mean ± sd")
for P in delays:
    for cell in (nn.RNN, nn.LSTM):
        runs = [train(cell, P, seed) for seed in seeds]
        acc[cell.__name__, P] = runs
        mean, sd = statistics.mean(runs), statistics.stdev(runs)
        seed_cols = "".join(f"{a:8.3f}" for a in runs)
        print(f"{P:3d}  {cell.__name__:5s}{seed_cols}"
              f"   {mean:.3f} ± {sd:.3f}")
print(f"(test accuracy; {num_steps} steps of 128 images; chance is 0.1)")
# --8<-- [end:train]

fig, ax = plt.subplots(figsize=(4.5, 3), layout="constrained")
for name, color, marker, style in (("RNN", "#0072B2", "o", "--"),
                                   ("LSTM", "#D55E00", "s", "-")):
    mean = [statistics.mean(acc[name, P]) for P in delays]
    ax.plot(delays, mean, color=color, marker=marker, linestyle=style,
            label=name)
    for P in delays:  # each seed as a small point
        ax.plot([P] * len(seeds), acc[name, P], color=color, marker=marker,
                linestyle="none", markersize=3, alpha=0.5)
ax.axhline(0.1, color="grey", linewidth=0.8, linestyle=":")
ax.set(xlabel="blank steps $P$ before the answer", ylabel="test accuracy",
       xticks=delays, ylim=(0, 1))
ax.legend()
fig.savefig("delayed_mnist.svg", metadata={"Date": None})


def gap_beyond_noise(a, b):
    """mean(a) - mean(b), and whether it exceeds twice the larger sd."""
    gap = statistics.mean(a) - statistics.mean(b)
    return gap, gap > 2 * max(statistics.stdev(a), statistics.stdev(b))


# the LSTM's cell path at the start: with x = 0 and h = 0, dc_1/dc_0 = f_1
lstm = Reader(nn.LSTM).rnn
c_0 = torch.zeros(1, 1, 64, requires_grad=True)  # (layers, N, d_h)
_, (_, c_1) = lstm(torch.zeros(1, 1, 28), (torch.zeros(1, 1, 64), c_0))
(f_1,) = torch.autograd.grad(c_1.sum(), c_0)
assert torch.allclose(f_1, torch.sigmoid(torch.tensor(1.0))), \
    "the forget gate should start at sigmoid(b_f) = sigmoid(1) = 0.731"
assert statistics.mean(acc["LSTM", 0]) > 0.3, \
    "the LSTM should learn to read undelayed digits (chance is 0.1)"
if not quick:  # the quick run is too short for these
    for P in (0, 30):
        gap, clear = gap_beyond_noise(acc["LSTM", P], acc["RNN", P])
        assert clear, f"P = {P}: LSTM ahead of RNN by {gap:.3f}, within noise"
    assert min(acc["LSTM", 30]) > max(acc["RNN", 30]), \
        "P = 30: every LSTM seed should beat every RNN seed"
    assert all(a < 0.2 for name in ("RNN", "LSTM") for a in acc[name, 60]), \
        "within this budget neither should bridge 60 blank steps"
