"""SE of lesson 12 as attention over channels, next to attention over
positions."""
import torch
from torch import nn

torch.manual_seed(0)  # every run gives the same numbers
device = "cuda" if torch.cuda.is_available() else "cpu"


# --8<-- [start:se]
class SE(nn.Module):  # lesson 12's squeeze-and-excitation
    def __init__(self, channels, r=4):
        super().__init__()
        self.fc1 = nn.Linear(channels, channels // r)
        self.fc2 = nn.Linear(channels // r, channels)

    def forward(self, x):  # x: (N, C, H, W)
        s = x.mean(dim=(2, 3))  # squeeze: (N, C)
        w = torch.sigmoid(self.fc2(torch.relu(self.fc1(s))))  # (N, C)
        return x * w[:, :, None, None], w


N, C, H, W = 2, 16, 7, 7
x = torch.randn(N, C, H, W, device=device)
se = SE(C).to(device)
attn = nn.MultiheadAttention(C, 1, batch_first=True).to(device)
with torch.no_grad():
    _, gates = se(x)  # one weight per channel
    tokens = x.flatten(2).transpose(1, 2)  # (N, H*W, C): positions as tokens
    _, A = attn(tokens, tokens, tokens)  # one weight per pair of positions
print(f"SE weights {tuple(gates.shape)}: one per channel, "
      f"sum {gates[0].sum():.2f}")
print(f"attention weights {tuple(A.shape)}: one per pair of positions,"
      f" row sums {A[0].sum(-1).min():.2f} to {A[0].sum(-1).max():.2f}")

x2 = x.clone()
x2[:, 0] += 1.0  # channel 0 only, brighter everywhere
with torch.no_grad():
    moved = (se(x2)[1] - gates).abs()[:, 1:].max().item()
print(f"channel 0 changed: other channels' gates moved by up to "
      f"{moved:.3f}")
# --8<-- [end:se]

assert gates.shape == (N, C) and A.shape == (N, H * W, H * W), "shapes"
assert ((gates > 0) & (gates < 1)).all(), "SE's weights are sigmoid gates"
assert not torch.allclose(gates.sum(1), torch.ones(N, device=device)), \
    "SE's gates need not sum to 1; attention's weights do"
assert torch.allclose(A.sum(-1), torch.ones(N, H * W, device=device))
assert moved > 1e-3, "each gate should depend on the whole input"
