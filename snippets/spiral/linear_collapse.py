"""Stacked linear layers collapse into one linear map; a ReLU prevents it."""
import torch
from torch import nn

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)  # only rounding separates the results

# --8<-- [start:collapse]
W1, W2 = torch.randn(100, 2), torch.randn(3, 100)  # 2 -> 100 -> 3, linear
x = torch.randn(2)
two_steps = W2 @ (W1 @ x)
one_step = (W2 @ W1) @ x  # W2 @ W1 is a single (3, 2) matrix
print(f"W2 @ W1 has shape {tuple((W2 @ W1).shape)}")
collapse_gap = (two_steps - one_step).abs().max().item()
print(f"max |W2(W1 x) - (W2 W1) x| = {collapse_gap:.1e}")
# --8<-- [end:collapse]

# --8<-- [start:layers]
deep = nn.Sequential(nn.Linear(2, 100), nn.Linear(100, 3))  # with biases
l1, l2 = deep
W = l2.weight @ l1.weight  # (3, 2)
b = l2.weight @ l1.bias + l2.bias  # (3,)
X = torch.randn(1000, 2)
with torch.no_grad():
    gap = (deep(X) - (X @ W.T + b)).abs().max().item()
print(f"two nn.Linear layers vs one affine map: max gap {gap:.1e}")
# --8<-- [end:layers]

# --8<-- [start:relu]
relu_net = nn.Sequential(nn.Linear(2, 100), nn.ReLU(), nn.Linear(100, 3))
a, c = torch.randn(2), torch.randn(2)
f = relu_net
with torch.no_grad():
    additivity = f(a + c) - f(a) - f(c) + f(torch.zeros(2))  # 0 for affine f
additivity_gap = additivity.abs().max().item()
print(f"ReLU network: |f(a+c) - f(a) - f(c) + f(0)| = {additivity_gap:.3f}")
# --8<-- [end:relu]

assert collapse_gap < 1e-12, \
    f"W2 (W1 x) should equal (W2 W1) x: {collapse_gap:.1e}"
assert gap < 1e-12, f"two linear layers should be one affine map: {gap:.1e}"
assert additivity_gap > 1e-3, "a ReLU network should not be affine"
# back to the default for the code after this
torch.set_default_dtype(torch.float32)
