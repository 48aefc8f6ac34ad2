"""Creating tensors, their shape, and indexing."""
import torch

torch.manual_seed(0)

# --8<-- [start:create]
# from Python lists; dtype inferred: int64
a = torch.tensor([[1, 2, 3], [4, 5, 6]])
z = torch.zeros(2, 3)  # float32 by default
o = torch.ones(2, 3)
e = torch.empty(2, 3)  # allocated, NOT initialised: any values at all
u = torch.rand(2, 3)  # uniform on [0, 1)
g = torch.randn(2, 3)  # standard normal
print("tensor:", a.dtype, " zeros:", z.dtype, " randn:", g.dtype)
print("rand in [0, 1):", bool((u >= 0).all() and (u < 1).all()))
# --8<-- [end:create]

# --8<-- [start:ranges]
print("arange(0, 1, 0.25): ", torch.arange(0, 1, 0.25))  # step; end excluded
print("linspace(0, 1, 5):  ", torch.linspace(0, 1, 5))  # count; end included
# --8<-- [end:ranges]

# --8<-- [start:shape]
x = torch.arange(24).reshape(2, 3, 4)  # (2, 3, 4)
print("shape:", x.shape, " size(1):", x.size(1), " numel:", x.numel(),
      " ndim:", x.ndim)
print("x[0, 1]       ->", x[0, 1])  # one row: shape (4,)
print("x[:, 1, 1:3] ->", x[:, 1, 1:3].tolist())  # shape (2, 2)
print("x[..., -1] shape:", tuple(x[..., -1].shape))  # last column of every row
# --8<-- [end:shape]

# --8<-- [start:view]
row = x[0, 0]  # basic indexing returns a view: it shares memory with x
row[0] = 100
print("after row[0] = 100, x[0, 0, 0] =", x[0, 0, 0].item())
picked = x[x > 20]  # boolean (advanced) indexing returns a copy
picked[0] = -1
print("after picked[0] = -1, any -1 in x?", bool((x == -1).any()))
# --8<-- [end:view]

assert torch.linspace(0, 1, 5)[-1] == 1 and torch.arange(0, 1, 0.25)[-1] < 1
assert x[0, 0, 0] == 100, "basic indexing should return a view"
assert not (x == -1).any(), "boolean indexing should return a copy"
