"""LayerNorm by hand against nn.LayerNorm; each sample on its own."""
import torch
from torch import nn

torch.manual_seed(0)

# --8<-- [start:ln]
N, T, d = 4, 6, 8  # sequences, tokens per sequence, features per token
X = 3 + 2 * torch.randn(N, T, d)  # (N, T, d)
ln = nn.LayerNorm(d)  # normalizes over the last dimension
with torch.no_grad():
    ln.weight.uniform_(0.5, 1.5)
    ln.bias.uniform_(-0.5, 0.5)

mean = X.mean(dim=-1, keepdim=True)  # (N, T, 1): one per token
var = X.var(dim=-1, unbiased=False, keepdim=True)
Y_hand = ln.weight * (X - mean) / (var + ln.eps).sqrt() + ln.bias
gap = (Y_hand - ln(X)).abs().max().item()
print(f"largest |by hand - nn.LayerNorm|: {gap:.1e}")
print(f"buffers (running statistics): {len(list(ln.buffers()))}")
# --8<-- [end:ln]

# --8<-- [start:alone]
bn = nn.BatchNorm1d(d)  # for (N, d, T): statistics over N and T
x, mates = X[:1], torch.randn(3, T, d)  # one sequence, other batch-mates


def change_with_mates(norm, x, mates):
    alone = norm(x.repeat(2, 1, 1))[0]  # x next to a copy of itself
    with_mates = norm(torch.cat([x, mates]))[0]
    return (alone - with_mates).abs().max().item()


ln_change = change_with_mates(ln, x, mates)
bn_change = change_with_mates(lambda z: bn(z.transpose(1, 2)), x, mates)
print(f"change with batch-mates: LayerNorm {ln_change:.1e}, "
      f"BatchNorm (train mode) {bn_change:.2f}")
# --8<-- [end:alone]

assert gap < 1e-5, f"the hand-written LayerNorm should match: {gap:.1e}"
assert ln_change == 0, "LayerNorm should not look at other samples"
assert bn_change > 0.1, "BatchNorm in train mode should"
