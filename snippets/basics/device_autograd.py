"""Moving tensors to a device, and a first backward()."""
import torch

# --8<-- [start:device]
device = "cuda" if torch.cuda.is_available() else "cpu"
x = torch.randn(3, 2)
x_dev = x.to(device)  # a copy on the device (no copy if already there)
print("x on", x.device, " x_dev on", x_dev.device, " x_dev is x:", x_dev is x)
w = torch.randn(2, device=device)  # or create it there directly
print("x_dev @ w on", (x_dev @ w).device)
# --8<-- [end:device]

# --8<-- [start:grad]
w = torch.tensor([2.0, -1.0], requires_grad=True)
x = torch.tensor([3.0, 4.0])
y = (w * x).sum() ** 2  # y = (w . x)^2 = (6 - 4)^2 = 4
y.backward()  # fills w.grad with dy/dw
print("y =", y.item(), " dy/dw =", w.grad.tolist())  # 2 (w . x) x = [12, 16]
first = w.grad.clone()
y = (w * x).sum() ** 2
y.backward()  # a second backward ADDS to w.grad
print("after a second backward, w.grad =", w.grad.tolist())
second = w.grad.clone()
w.grad = None  # what optimizer.zero_grad() does
# --8<-- [end:grad]

assert first.tolist() == [12.0, 16.0], "dy/dw should be 2 (w . x) x"
assert torch.equal(second, 2 * first), "gradients accumulate until zeroed"
