"""A naive softmax overflows on large logits; subtracting the max fixes it."""
import torch

# --8<-- [start:naive]
z = torch.tensor([1000.0, 1001.0, 1002.0])  # float32 logits
naive = torch.exp(z) / torch.exp(z).sum()  # exp(1000) is inf in float32
big = torch.exp(torch.tensor([88.0, 89.0, 1000.0]))
print(f"exp(88), exp(89), exp(1000) in float32: {big.tolist()}")
print(f"naive softmax:  {naive}")
# --8<-- [end:naive]

# --8<-- [start:stable]
def stable_softmax(z):
    e = torch.exp(z - z.max())  # the largest exponent is now exp(0) = 1
    return e / e.sum()


p = stable_softmax(z)
print(f"stable softmax: {p}")
print(f"torch.softmax:  {torch.softmax(z, dim=0)}")
# --8<-- [end:stable]

assert torch.isfinite(big[0]) and torch.isinf(big[1]), \
    "float32 exp overflows at 89"
assert torch.isnan(naive).all(), \
    "the naive softmax should give inf / inf = nan"
assert torch.allclose(p, torch.softmax(z, dim=0)), \
    "stable softmax should match torch"
assert torch.allclose(p, stable_softmax(z - 1000)), "softmax ignores a shift"
