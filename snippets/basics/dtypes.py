"""Mixing dtypes: element-wise ops promote, matrix products refuse."""
import torch

# --8<-- [start:mix]
W = torch.rand(2, 3)  # float32
v = torch.tensor([1, 2, 3])  # int64: Python ints give an integer tensor
print("W:", W.dtype, " v:", v.dtype)
print("W * v (element-wise) ->", (W * v).dtype)  # promoted to float32
try:
    W @ v  # matrix-vector product
except RuntimeError as err:
    print("W @ v raises RuntimeError:\n   ", err)
# --8<-- [end:mix]
try:  # checked: @ refuses the mix of types that * promotes
    W @ v
except RuntimeError:
    assert v.dtype == torch.int64 and (W * v).dtype == torch.float32
else:
    raise AssertionError("W @ v should refuse a float32 W and an int64 v")

# --8<-- [start:fix]
print("W @ v.float() ->", (W @ v.float()).shape)  # the fix: convert explicitly
v = torch.tensor([1.0, 2.0, 3.0])  # or create it as float in the first place
print("W @ v ->", (W @ v).dtype)
# --8<-- [end:fix]

# --8<-- [start:traps]
print("7 // 2 on int tensors:", torch.tensor(7) // 2,
      "  7 / 2:", torch.tensor(7) / 2)
print("uint8 overflow: 250 + 10 =",
      (torch.tensor(250, dtype=torch.uint8) + 10).item())
print("float32 keeps ~7 digits: 1e8 + 1 - 1e8 =",
      (torch.tensor(1e8) + 1 - 1e8).item())
# --8<-- [end:traps]

assert (W @ v).dtype == torch.float32
assert (torch.tensor(250, dtype=torch.uint8) + 10).item() == 4, \
    "uint8 wraps around"
