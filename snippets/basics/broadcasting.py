"""Broadcasting, and the matrix product against the element-wise product."""
import textwrap

import torch

# --8<-- [start:broadcast]
X = torch.arange(6.0).reshape(3, 2)  # (3, 2): 3 samples, 2 features
mean = X.mean(dim=0)  # (2,)
print("X - mean:", (X - mean).tolist())  # (3, 2) - (2,) -> (3, 2)
col = torch.tensor([[10.0], [20.0], [30.0]])  # (3, 1)
row = torch.tensor([1.0, 2.0])  # (2,)
print("col + row shape:", tuple((col + row).shape))  # (3, 1) + (2,) -> (3, 2)
try:
    X + torch.ones(3)  # (3, 2) + (3,): trailing sizes 2 and 3 differ
except RuntimeError as err:
    print("(3, 2) + (3,) raises RuntimeError:")
    print(textwrap.indent(textwrap.fill(str(err), 60), "    "))
# --8<-- [end:broadcast]

# --8<-- [start:trap]
y = torch.tensor([1.0, 2.0, 3.0])  # targets, (3,)
y_hat = torch.tensor([[1.5], [2.5], [3.5]])  # model output, (3, 1)
print("shape of y_hat - y:", tuple((y_hat - y).shape))  # silently (3, 3)!
print("MSE with the shape bug:", ((y_hat - y) ** 2).mean().item())
print("MSE after squeeze:     ", ((y_hat.squeeze(1) - y) ** 2).mean().item())
# --8<-- [end:trap]

# --8<-- [start:products]
A = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
B = torch.tensor([[0.0, 1.0], [1.0, 0.0]])
print("A * B (element-wise):", (A * B).tolist())
print("A @ B (matrix product):", (A @ B).tolist())
# --8<-- [end:products]

assert (y_hat - y).shape == (3, 3), \
    "a (3, 1) - (3,) difference broadcasts to (3, 3)"
assert torch.equal(A @ B, A[:, [1, 0]]) and not torch.equal(A @ B, A * B)
