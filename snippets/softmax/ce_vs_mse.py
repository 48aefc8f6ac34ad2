"""Confidently wrong: cross-entropy still pushes, MSE on probabilities not."""
import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

# --8<-- [start:grads]
y = torch.tensor([1.0, 0.0])  # the correct class is 0
# logit of the wrong class minus the right one
margins = torch.linspace(-10, 10, 201)
grad_ce, grad_mse = [], []
for d in margins:
    z = torch.tensor([0.0, d.item()], requires_grad=True)
    F.cross_entropy(z[None], torch.tensor([0])).backward()  # z[None]: (1, 2)
    grad_ce.append(z.grad.norm().item())
    z.grad = None
    F.mse_loss(torch.softmax(z, dim=0), y, reduction="sum").backward()
    grad_mse.append(z.grad.norm().item())
i = len(margins) - 1  # d = 10: the wrong class wins by 10
print(f"confidently wrong (d = {margins[i]:.0f}): p(correct) = "
      f"{torch.softmax(torch.tensor([0.0, margins[i]]), 0)[0]:.1e}")
print(f"  |grad| cross-entropy {grad_ce[i]:.3f}   "
      f"MSE on probabilities {grad_mse[i]:.1e}")
# --8<-- [end:grads]

fig, ax = plt.subplots(figsize=(4.5, 3))
ax.plot(margins, grad_ce, color="#0072B2", label="cross-entropy")
ax.plot(margins, grad_mse, color="#D55E00", linestyle="--",
        label="MSE on softmax")
ax.set(xlabel="$z_{wrong} - z_{right}$ (positive: confidently wrong)",
       ylabel="gradient norm w.r.t. logits")
ax.legend()
fig.savefig("ce_vs_mse_gradient.svg")

assert grad_ce[i] > 1.4, \
    "cross-entropy should keep a large gradient when wrong"
assert grad_mse[i] < 1e-3, \
    "MSE on probabilities should nearly vanish when wrong"
