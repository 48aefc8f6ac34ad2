"""Multi-head attention by hand against nn.MultiheadAttention; a block."""
import torch
import torch.nn.functional as F
from torch import nn

torch.manual_seed(0)  # every run gives the same numbers
device = "cuda" if torch.cuda.is_available() else "cpu"

# --8<-- [start:heads]
N, T, d, h = 2, 5, 16, 4  # batch, length, model size, heads
mha = nn.MultiheadAttention(d, h, batch_first=True).to(device)
x = torch.randn(N, T, d, device=device)


def split(z):  # (N, T, d) -> (N, h, T, d/h): each head gets d/h features
    return z.view(N, T, h, d // h).transpose(1, 2)


W_q, W_k, W_v = mha.in_proj_weight.chunk(3)  # each (d, d), stacked q, k, v
b_q, b_k, b_v = mha.in_proj_bias.chunk(3)
Q, K, V = (split(x @ W.T + b)  # each (N, h, T, d/h)
           for W, b in [(W_q, b_q), (W_k, b_k), (W_v, b_v)])
A = torch.softmax(Q @ K.transpose(-2, -1) / (d // h) ** 0.5, dim=-1)
heads = (A @ V).transpose(1, 2).reshape(N, T, d)  # concatenate the heads
out = mha.out_proj(heads)  # (N, T, d): one more linear map mixes them

ref, ref_A = mha(x, x, x)  # its weights: averaged over the heads
gap = (out - ref).abs().max().item()
gap_A = (A.mean(1) - ref_A).abs().max().item()
print(f"largest |by hand - nn.MultiheadAttention|: output {gap:.1e}, "
      f"weights {gap_A:.1e}")
n_mha = sum(p.numel() for p in mha.parameters())
print(f"attention parameters: {n_mha} = 4 * d * d + 4 * d")
# --8<-- [end:heads]


# --8<-- [start:block]
class Block(nn.Module):
    """Pre-norm Transformer block: x + attn(LN(x)), then x + MLP(LN(x))."""

    def __init__(self, d, h, d_mlp):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.attn = nn.MultiheadAttention(d, h, batch_first=True)
        self.mlp = nn.Sequential(nn.Linear(d, d_mlp), nn.GELU(),
                                 nn.Linear(d_mlp, d))

    def forward(self, x, mask=None):  # mask: True where a query may NOT look
        z = self.ln1(x)
        x = x + self.attn(z, z, z, attn_mask=mask, need_weights=False)[0]
        return x + self.mlp(self.ln2(x))  # each position on its own


block = Block(d, h, 4 * d).to(device)
for name, part in block.named_children():
    print(f"{name:5s} {sum(p.numel() for p in part.parameters()):5d} "
          f"parameters")
with torch.no_grad():
    y = block(x)
print(f"block output {tuple(y.shape)}: the same shape as its input")

# PyTorch's own layer, pre-norm, with GELU and no dropout, and our weights
ref_block = nn.TransformerEncoderLayer(d, h, 4 * d, dropout=0.0,
                                       activation="gelu", batch_first=True,
                                       norm_first=True).to(device)
renames = [("ln1.", "norm1."), ("ln2.", "norm2."), ("attn.", "self_attn."),
           ("mlp.0.", "linear1."), ("mlp.2.", "linear2.")]  # ours, its


def pytorch_name(name):  # e.g. "mlp.0.weight" -> "linear1.weight"
    for ours, theirs in renames:
        if name.startswith(ours):
            return theirs + name.removeprefix(ours)


ref_block.load_state_dict({pytorch_name(name): value  # every name must fit
                           for name, value in block.state_dict().items()})
with torch.no_grad():
    gap_block = (ref_block(x) - y).abs().max().item()
print(f"largest |block - nn.TransformerEncoderLayer| = {gap_block:.1e}")
# --8<-- [end:block]

for p in block.attn.parameters():
    nn.init.zeros_(p)  # attention adds 0 ...
for p in block.mlp.parameters():
    nn.init.zeros_(p)  # ... and so does the MLP
with torch.no_grad():
    passed_on = (block(x) - x).abs().max().item()
assert gap < 1e-5 and gap_A < 1e-5, "by hand should match PyTorch"
assert n_mha == 4 * d * d + 4 * d, "W_q, W_k, W_v, W_o and their biases"
assert gap_block < 1e-5, "our block should be PyTorch's pre-norm layer"
assert passed_on == 0, "the residual path should pass x on unchanged"
