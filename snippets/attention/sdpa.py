"""Scaled dot-product attention by hand, against PyTorch, with two masks."""
import math

import torch
import torch.nn.functional as F

torch.manual_seed(0)  # every run gives the same numbers
device = "cuda" if torch.cuda.is_available() else "cpu"

# --8<-- [start:attend]
N, T, d = 2, 5, 8  # batch, sequence length, size of a query/key/value
Q = torch.randn(N, T, d, device=device)  # one query per position
K = torch.randn(N, T, d, device=device)  # one key per position
V = torch.randn(N, T, d, device=device)  # one value per position


def attend(Q, K, V, mask=None):
    """softmax(Q K^T / sqrt(d)) V; mask: True where a query may look."""
    scores = Q @ K.transpose(-2, -1) / math.sqrt(Q.shape[-1])  # (N, T, T)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    A = torch.softmax(scores, dim=-1)  # each row: weights over the keys
    return A @ V, A  # (N, T, d), (N, T, T)


out, A = attend(Q, K, V)
gap = (out - F.scaled_dot_product_attention(Q, K, V)).abs().max().item()
print(f"no mask:  largest |by hand - PyTorch| = {gap:.1e}")
# --8<-- [end:attend]

# --8<-- [start:masks]
causal = torch.ones(T, T, dtype=torch.bool, device=device).tril()  # s <= t
out_c, A_c = attend(Q, K, V, causal)
gap_c = (out_c - F.scaled_dot_product_attention(Q, K, V, is_causal=True))
print(f"causal:   largest |by hand - PyTorch| = {gap_c.abs().max():.1e}")
print("causal weights of the first sequence:")
print("\n".join(" ".join(f"{a:.2f}" for a in row) for row in A_c[0]))

lengths = torch.tensor([5, 3], device=device)  # the second one is padded
keep = torch.arange(T, device=device) < lengths[:, None]  # (N, T)
pad = keep[:, None, :]  # (N, 1, T): every query ignores the padded keys
out_p, A_p = attend(Q, K, V, pad)
gap_p = out_p - F.scaled_dot_product_attention(Q, K, V, attn_mask=pad)
print(f"padding:  largest |by hand - PyTorch| = {gap_p.abs().max():.1e}")
print(f"weight on padded keys: {A_p[1, :, 3:].abs().max():.1f}, "
      f"row sums: {A_p[1].sum(-1).min():.4f} to {A_p[1].sum(-1).max():.4f}")
# --8<-- [end:masks]

ones = torch.ones(N, T, device=device)
assert max(gap, gap_c.abs().max(), gap_p.abs().max()) < 1e-5, \
    "the hand-written attention should match PyTorch's"
assert (A_c[:, ~causal] == 0).all(), "no query should see a later key"
assert (A_p[1, :, 3:] == 0).all(), "padded keys should get weight 0"
assert torch.allclose(A_p.sum(-1), ones) and torch.allclose(A.sum(-1), ones), \
    "each query's weights should sum to 1"
