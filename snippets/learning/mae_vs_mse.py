"""MAE against MSE: the same line fitted with one outlier in the data."""
import matplotlib.pyplot as plt
import torch

torch.manual_seed(0)

# --8<-- [start:fit]
x = torch.linspace(0, 1, 20)
y = 1.0 + 2.0 * x + 0.1 * torch.randn(20)  # true b = 1, w = 2
y[-1] = -3.0  # one outlier: a mistyped label, say

losses = {"MAE": lambda r: r.abs().mean(), "MSE": lambda r: (r ** 2).mean()}
fits = {}
for name, loss_fn in losses.items():
    p = torch.zeros(2, requires_grad=True)  # (b, w)
    optimizer = torch.optim.SGD([p], lr=0.05)  # plain gradient descent
    for step in range(2000):
        loss = loss_fn(p[0] + p[1] * x - y)  # residuals r = y_hat - y
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    fits[name] = p.detach()
    print(f"{name} fit with the outlier:    b = {p[0]:.2f}, w = {p[1]:.2f}")
A = torch.stack([torch.ones(19), x[:-1]], dim=1)  # (19, 2): rows (1, x)
b_clean, w_clean = torch.linalg.lstsq(A, y[:-1, None]).solution.flatten()
print(f"MSE fit without the outlier: b = {b_clean:.2f}, w = {w_clean:.2f}")
# --8<-- [end:fit]

colors = {"MAE": "#0072B2", "MSE": "#D55E00"}
styles = {"MAE": "-", "MSE": "--"}
fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(4.5, 5.6),
                               layout="constrained")  # stacked: phones
r = torch.linspace(-3, 3, 200)
for name in losses:
    formula = "|r|" if name == "MAE" else "r²"
    ax1.plot(r, r.abs() if name == "MAE" else r ** 2, color=colors[name],
             linestyle=styles[name], label=f"{name}: {formula}")
ax1.set(xlabel="residual $r = \\hat{y} - y$", ylabel="loss of one sample",
        ylim=(0, 5))
ax1.legend()
ax2.scatter(x, y, color="black", s=12, label="data")
for name, (b, w) in fits.items():
    ax2.plot(x, b + w * x, color=colors[name], linestyle=styles[name],
             label=f"{name} fit")
ax2.set(xlabel="$x$", ylabel="$y$")
ax2.legend()
fig.savefig("mae_vs_mse.svg")

shift = {name: abs(fit[1] - w_clean).item() for name, fit in fits.items()}
assert shift["MAE"] < 0.1, "one outlier should hardly move the MAE fit"
assert shift["MSE"] > 1.0, "one outlier should drag the MSE fit"
