"""Reverse mode is cheap: one backward pass costs a few forward passes."""
import os
import statistics
import time

import matplotlib.pyplot as plt
import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
quick = os.environ.get("DLCAMP_QUICK") == "1"

def median_time(fn, min_time=0.2):
    """Median seconds per call of fn(), after a warm-up."""
    fn()
    times = []
    while sum(times) < min_time:
        start = time.perf_counter()
        fn()
        if device == "cuda":
            torch.cuda.synchronize()  # GPU work is asynchronous: wait for it
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# --8<-- [start:time]
widths = [32, 64, 128] if quick else [32, 64, 128, 256, 512, 1024]
X = torch.randn(64, 100, device=device)  # a batch of 64 inputs
rows = []
print("   params  forward (us)  backward (us)  ratio  finite differences (s)")
for width in widths:
    model = nn.Sequential(nn.Linear(100, width), nn.ReLU(),
                          nn.Linear(width, width), nn.ReLU(),
                          nn.Linear(width, 1)).to(device)
    n_params = sum(p.numel() for p in model.parameters())
    t_fwd = median_time(lambda: model(X).sum())
    t_bwd = median_time(lambda: model(X).sum().backward()) - t_fwd
    # finite differences: one extra forward per parameter
    t_fd = n_params * t_fwd
    rows.append((n_params, t_fwd, t_bwd, t_fd))
    print(f"{n_params:9,d}  {t_fwd * 1e6:12.1f}  {t_bwd * 1e6:13.1f}  "
          f"{t_bwd / t_fwd:5.1f}  {t_fd:22.3f}")
# --8<-- [end:time]

# --8<-- [start:check]
model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1)).double()
x = torch.randn(5, 3, dtype=torch.float64)
model(x).sum().backward()
w, eps = model[0].weight, 1e-6
with torch.no_grad():
    w[0, 0] += eps
    up = model(x).sum()
    w[0, 0] -= 2 * eps
    down = model(x).sum()
    w[0, 0] += eps
# central difference for ONE parameter: 2 forwards
numeric = (up - down) / (2 * eps)
print(f"one weight: autograd {w.grad[0, 0]:.8f}, "
      f"finite difference {numeric:.8f}")
# --8<-- [end:check]

n, fwd, bwd, fd = map(list, zip(*rows))
fig, ax = plt.subplots(figsize=(4.5, 3.6), layout="constrained")
ax.plot(n, fwd, "o-", color="#0072B2", label="one forward pass")
ax.plot(n, bwd, "s--", color="#009E73",
        label="one backward pass (all gradients)")
ax.plot(n, fd, "^:", color="#D55E00",
        label="finite differences (all gradients)")
ax.set(xscale="log", yscale="log", xlabel="number of parameters",
       ylabel="time (s)")
fig.legend(loc="outside lower center")  # off the points
fig.savefig("backprop_cost.svg")

assert abs(w.grad[0, 0] - numeric) < 1e-6, \
    "finite differences should match autograd"
assert all(b < 10 * f for f, b in zip(fwd, bwd)), \
    "backward should cost a few forwards"
assert fd[-1] > 100 * bwd[-1], "finite differences should be far slower"
