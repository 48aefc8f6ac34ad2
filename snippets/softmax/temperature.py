"""Temperature: softmax(z / T) is sharper for T < 1 and flatter for T > 1."""
import matplotlib.pyplot as plt
import torch

# --8<-- [start:temperature]
z = torch.tensor([2.0, 1.0, 0.5, -1.0])
temperatures = [0.5, 1.0, 2.0, 5.0]
probs = {T: torch.softmax(z / T, dim=0) for T in temperatures}
for T, p in probs.items():
    entropy = -(p * p.log()).sum()
    rounded = [round(v, 3) for v in p.tolist()]
    print(f"T = {T:3.1f}: p = {rounded}  entropy {entropy:.3f}")
# --8<-- [end:temperature]

colors = ["#0072B2", "#E69F00", "#009E73", "#D55E00"]
hatches = ["", "//", "..", "xx"]
fig, ax = plt.subplots(figsize=(4.5, 3))
width = 0.2
for i, (T, p) in enumerate(probs.items()):
    ax.bar(torch.arange(len(z)) + (i - 1.5) * width, p, width, color=colors[i],
           hatch=hatches[i], edgecolor="black", linewidth=0.5,
           label=f"T = {T:g}")
ax.set_xticks(range(len(z)),
              [f"$z_{k}={v:g}$" for k, v in enumerate(z.tolist())])
ax.set(xlabel="class (logit)", ylabel="probability")
ax.legend()
fig.savefig("softmax_temperature.svg")

entropies = [-(p * p.log()).sum().item() for p in probs.values()]
assert entropies == sorted(entropies), \
    "a higher temperature should flatten softmax"
