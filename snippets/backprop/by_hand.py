"""Backpropagation by hand on a tiny two-layer net, checked by autograd."""
import torch

torch.manual_seed(0)
# so the comparison is limited only by rounding
torch.set_default_dtype(torch.float64)

x = torch.tensor([0.5, -1.0])  # one input with 2 features
y = torch.tensor(1.0)  # its target
W1, b1 = torch.randn(3, 2), torch.randn(3)  # hidden layer: 3 units
W2, b2 = torch.randn(3), torch.randn(())  # output layer: 1 unit

# --8<-- [start:forward]
z = W1 @ x + b1  # (3,) pre-activations
h = torch.sigmoid(z)  # (3,) hidden activations
y_hat = W2 @ h + b2  # () output
loss = (y_hat - y) ** 2
print(f"forward:  z = {z.numpy().round(4)}, h = {h.numpy().round(4)}")
print(f"          y_hat = {y_hat:.4f}, loss = {loss:.4f}")
# --8<-- [end:forward]

# --8<-- [start:backward]
d_y_hat = 2 * (y_hat - y)  # dloss/dy_hat
d_W2 = d_y_hat * h  # y_hat = W2 . h + b2, so dy_hat/dW2 = h
d_b2 = d_y_hat
d_h = d_y_hat * W2  # dy_hat/dh = W2
d_z = d_h * h * (1 - h)  # sigmoid'(z) = h (1 - h)
d_W1 = torch.outer(d_z, x)  # z = W1 x + b1, so dz_i/dW1_ij = x_j
d_b1 = d_z
print(f"backward: dloss/dy_hat = {d_y_hat:.4f}, "
      f"dloss/dz = {d_z.numpy().round(4)}")
# --8<-- [end:backward]

# --8<-- [start:autograd]
params = [p.requires_grad_() for p in (W1, b1, W2, b2)]
loss = ((W2 @ torch.sigmoid(W1 @ x + b1) + b2) - y) ** 2
loss.backward()
by_hand = [d_W1, d_b1, d_W2, d_b2]
for name, p, g in zip(["W1", "b1", "W2", "b2"], params, by_hand):
    print(f"{name}: largest |by hand - autograd| = "
          f"{(g - p.grad).abs().max():.1e}")
# --8<-- [end:autograd]

worst = max((g - p.grad).abs().max().item() for p, g in zip(params, by_hand))
assert worst < 1e-12, f"hand-derived gradients disagree with autograd: {worst}"
# back to the default for the code after this
torch.set_default_dtype(torch.float32)
