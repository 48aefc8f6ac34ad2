"""Delayed MNIST of lesson 15, read by a 2-layer Transformer."""
import math
import os
import statistics
import sys

import matplotlib.pyplot as plt
import torch
from torch import nn
from torchvision import datasets

device = "cuda" if torch.cuda.is_available() else "cpu"
quick = os.environ.get("DLCAMP_QUICK") == "1"  # tests: short, no delay
delays = [0] if quick else [60]  # quick: P = 0, to be fast
num_steps = 20 if quick else 600
seeds = [1, 2] if quick else [1, 2, 3]

root = os.environ.get("DLCAMP_DATA", "data")  # the folder with MNIST/raw/
try:
    train_set = datasets.MNIST(root, train=True, download=True)
    test_set = datasets.MNIST(root, train=False, download=True)
except RuntimeError as err:
    sys.exit(f"MNIST is not in {os.path.abspath(root)}/MNIST/raw and could "
             f"not be downloaded.\nConnect to the internet, or set "
             f"DLCAMP_DATA to a folder that holds MNIST/raw/.\nDetails: {err}")


def as_tensors(dataset, n):  # as in lesson 15: 28 rows of 28 pixels
    X = dataset.data[:n].float().div(255)  # (n, 28, 28)
    return X.to(device), dataset.targets[:n].to(device)


X_train, y_train = as_tensors(train_set, 1000 if quick else 10000)
X_test, y_test = as_tensors(test_set, 300 if quick else 2000)


# --8<-- [start:model]
def sinusoidal(T, d):  # the positional encoding of permutation.py
    t = torch.arange(T)[:, None]  # (T, 1)
    freq = torch.exp(-math.log(10000.0) * torch.arange(0, d, 2) / d)
    pe = torch.zeros(T, d)
    pe[:, 0::2], pe[:, 1::2] = torch.sin(t * freq), torch.cos(t * freq)
    return pe


class Block(nn.Module):  # the pre-norm block of multihead.py
    def __init__(self, d, h):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.attn = nn.MultiheadAttention(d, h, batch_first=True)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(),
                                 nn.Linear(4 * d, d))

    def forward(self, x, mask):
        z = self.ln1(x)  # weights (N, T, T) kept in eval mode only
        a, self.weights = self.attn(z, z, z, attn_mask=mask,
                                    need_weights=not self.training)
        x = x + a
        return x + self.mlp(self.ln2(x))


class Reader(nn.Module):
    """Reads 28 rows, then P blank rows; answers at the last position."""

    def __init__(self, d=32, h=4, num_layers=2, max_len=100):
        super().__init__()
        self.embed = nn.Linear(28, d)  # one row of pixels -> one token
        self.register_buffer("pe", sinusoidal(max_len, d))
        self.blocks = nn.ModuleList(Block(d, h) for _ in range(num_layers))
        self.ln = nn.LayerNorm(d)
        self.out = nn.Linear(d, 10)

    def forward(self, X, P):
        blanks = X.new_zeros(len(X), P, 28)  # (N, P, 28): nothing to see
        X = torch.cat([X, blanks], dim=1)  # (N, T, 28), T = 28 + P
        T = X.shape[1]
        mask = torch.ones(T, T, dtype=torch.bool, device=X.device)
        mask = mask.triu(1)  # True above the diagonal: no looking ahead
        H = self.embed(X) + self.pe[:T]  # (N, T, d)
        for block in self.blocks:
            H = block(H, mask)
        return self.out(self.ln(H[:, -1]))  # read the last position


model = Reader()
n_params = sum(p.numel() for p in model.parameters())
T = 28 + 60  # multiply-adds per image at P = 60 (weights, not biases):
per_token = sum(p.numel() for name, p in model.named_parameters()
                if p.dim() == 2 and not name.startswith("out."))
attention = 2 * 2 * T * T * 32  # 2 layers x (QK^T and AV), all T x T
head = 32 * 10  # the output layer, at the last position only
macs = T * per_token + attention + head  # per_token: at every position
lstm_macs = T * 4 * 64 * (28 + 64) + 64 * 10  # lesson 15's LSTM, d_h = 64
print(f"Transformer: {n_params:,d} parameters (lesson 15's LSTM: 24,714)")
print(f"multiply-adds per image at P = 60: {macs:,d}"
      f" (LSTM: {lstm_macs:,d})")
# --8<-- [end:model]


# --8<-- [start:train]
def train(P, seed, lr=1e-2, batch_size=128):
    """Lesson 15's loop: Adam, 600 steps of 128, clipping at 1."""
    torch.manual_seed(seed)
    model = Reader().to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for step in range(num_steps):
        idx = torch.randint(len(X_train), (batch_size,), device=device)
        loss = nn.functional.cross_entropy(model(X_train[idx], P),
                                           y_train[idx])
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
    model.eval()
    with torch.no_grad():
        y_hat = model(X_test, P).argmax(dim=1)
    return model, (y_hat == y_test).float().mean().item()


acc, models = {}, {}
print("  P" + "".join(f"  seed {s}" for s in seeds) + "   mean ± sd")
for P in delays:
    runs = [train(P, seed) for seed in seeds]
    models[P], acc[P] = [m for m, _ in runs], [a for _, a in runs]
    print(f"{P:3d}" + "".join(f"{a:8.3f}" for a in acc[P])
          + f"   {statistics.mean(acc[P]):.3f}"
          f" ± {statistics.stdev(acc[P]):.3f}")
print(f"(test accuracy; {num_steps} steps of 128 images; chance is 0.1)")
# --8<-- [end:train]

# --8<-- [start:weights]
def last_row(model, P):
    """The last position's weights in each layer, averaged over the heads."""
    with torch.no_grad():
        model(X_test, P)  # each block keeps its weights (N, T, T)
    return [b.weights[:, -1].clone() for b in model.blocks]  # (N, T) each


P = delays[-1]
last = [last_row(model, P) for model in models[P]]  # [seed][layer]
shares = [[w[:, :28].sum(1).mean().item() for w in layers]
          for layers in zip(*last)]  # [layer][seed], mean over test images
print("  layer" + "".join(f"  seed {s}" for s in seeds) + "   uniform")
for layer, per_seed in enumerate(shares, 1):
    print(f"{layer:7d}" + "".join(f"{s:8.3f}" for s in per_seed)
          + f"{28 / (28 + P):10.3f}")
print("(share of the last position's weight on the 28 digit rows)")
# --8<-- [end:weights]

fig, axes = plt.subplots(2, 1, figsize=(4.5, 5.6), sharex=True,
                         layout="constrained")
for ax, w, layer in zip(axes, last[0], (1, 2)):  # seed 1
    im = ax.imshow(w[:8].cpu(), aspect="auto", cmap="viridis",
                   interpolation="nearest", vmin=0)
    ax.axvline(27.5, color="white", linestyle="--", linewidth=1)
    ax.set(ylabel=f"test image (layer {layer})", yticks=range(8),
           yticklabels=[str(int(y)) for y in y_test[:8]])
    ax.grid(False)
    fig.colorbar(im, ax=ax, label="attention weight")
axes[1].set(xlabel="position attended to (digit rows, then blanks)")
fig.savefig("delayed_attention.svg", metadata={"Date": None})

# --8<-- [start:reach]
torch.manual_seed(0)  # untrained: what the architecture alone allows
probe = Reader().to(device).eval()
lstm = nn.LSTM(28, 64, batch_first=True).to(device)  # lesson 15's LSTM
with torch.no_grad():
    lstm.bias_ih_l0[64:128], lstm.bias_hh_l0[64:128] = 1.0, 0.0  # forget
lstm_out = nn.Linear(64, 10).to(device)


def lstm_answer(X, P):  # lesson 15's Reader(nn.LSTM), untrained
    H, _ = lstm(torch.cat([X, X.new_zeros(len(X), P, 28)], dim=1))
    return lstm_out(H[:, -1])


X = X_test[:4].clone()
with torch.no_grad():
    before, before_lstm = probe(X, 60), lstm_answer(X, 60)
    X[:, 0] += 1.0  # change only row 1, 87 positions back
    reach = (probe(X, 60) - before).abs().max().item()
    reach_lstm = (lstm_answer(X, 60) - before_lstm).abs().max().item()
    first = probe.blocks[0].weights  # (N, T, T)
ahead = first.triu(1).abs().max().item()
print("untrained: change of the answer when only row 1 changes:")
print(f"Transformer {reach:.1e}, LSTM {reach_lstm:.1e}")
# --8<-- [end:reach]
assert reach > 1e-3, "the answer should depend on a row 87 positions back"
assert reach_lstm < reach / 100, "the LSTM's path from row 1 should fade"
assert ahead == 0, "no position should attend to a later one"
assert torch.allclose(first.sum(-1), first.new_ones(4, 88)), "rows sum to 1"
if not quick:  # 20 steps on stand-in digits are too few to learn them
    assert min(acc[60]) > 0.5, "every seed should bridge 60 blank steps"
    assert min(min(s) for s in shares) > 0.6, \
        "in every layer and seed, the last position should look at the digits"
