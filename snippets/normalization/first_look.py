"""One line: what this snippet shows."""
import os

import matplotlib.pyplot as plt
import torch

torch.manual_seed(0)  # every run gives the same numbers and figures
device = "cuda" if torch.cuda.is_available() else "cpu"
quick = os.environ.get("DLCAMP_QUICK") == "1"  # the tests: a smaller run
num_steps = 20 if quick else 200

# --8<-- [start:train]
w = torch.zeros(1, device=device, requires_grad=True)
optimizer = torch.optim.SGD([w], lr=0.1)
losses = []
for step in range(num_steps):
    loss = (w - 3.0).pow(2).sum()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
print(f"final loss: {losses[-1]:.4f}")  # labelled, fixed precision, ASCII
# --8<-- [end:train]

fig, ax = plt.subplots(figsize=(4.5, 3))
ax.plot(losses)
ax.set(xlabel="step", ylabel="training loss")  # every axis labelled, no title
fig.savefig("loss.svg")  # explicit name, current folder
assert losses[-1] < losses[0], "the loss should fall"  # the lesson's claim
