"""Self-attention is permutation-equivariant; positional encodings break it."""
import math

import matplotlib.pyplot as plt
import torch
from torch import nn

torch.manual_seed(0)  # every run gives the same numbers and figures
device = "cuda" if torch.cuda.is_available() else "cpu"

# --8<-- [start:equivariant]
T, d = 6, 16
attn = nn.MultiheadAttention(d, num_heads=2, batch_first=True).to(device)


def self_attend(x):  # x: (1, T, d); queries, keys, values all from x
    return attn(x, x, x, need_weights=False)[0]


x = torch.randn(1, T, d, device=device)
perm = torch.randperm(T, device=device)
with torch.no_grad():
    moved = (self_attend(x[:, perm]) - self_attend(x)[:, perm]).abs().max()
print(f"no positions:   |attn(x[perm]) - attn(x)[perm]| = {moved:.1e}")
# --8<-- [end:equivariant]


# --8<-- [start:encoding]
def sinusoidal(T, d):
    """PE[t, 2i] = sin(t / 10000^(2i/d)), PE[t, 2i+1] = cos(same)."""
    t = torch.arange(T)[:, None]  # (T, 1)
    freq = torch.exp(-math.log(10000.0) * torch.arange(0, d, 2) / d)
    pe = torch.zeros(T, d)
    pe[:, 0::2], pe[:, 1::2] = torch.sin(t * freq), torch.cos(t * freq)
    return pe.to(device)  # (T, d)


pe = sinusoidal(T, d)
with torch.no_grad():  # the positions stay where they are: pe is not moved
    moved_pe = (self_attend(x[:, perm] + pe)
                - self_attend(x + pe)[:, perm]).abs().max()
print(f"with positions: |attn(x[perm]) - attn(x)[perm]| = {moved_pe:.1e}")
# --8<-- [end:encoding]

fig, ax = plt.subplots(figsize=(4.5, 3), layout="constrained")
im = ax.imshow(sinusoidal(88, 32).T.cpu(), aspect="auto", cmap="RdBu_r",
               vmin=-1, vmax=1, interpolation="nearest")
ax.set(xlabel="position $t$", ylabel="dimension $j$")
ax.grid(False)
fig.colorbar(im, ax=ax, label="$PE[t, j]$")
fig.savefig("positional_encoding.svg", metadata={"Date": None})

assert moved < 1e-5, "without positions, permuting the input should " \
    "only permute the output"
assert moved_pe > 1e-2, "with positions, the output should change"
