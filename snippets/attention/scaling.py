"""Why divide by sqrt(d): without it, the softmax saturates as d grows."""
import os

import matplotlib.pyplot as plt
import torch

torch.manual_seed(0)  # every run gives the same numbers and figures
device = "cuda" if torch.cuda.is_available() else "cpu"
quick = os.environ.get("DLCAMP_QUICK") == "1"  # tests: fewer samples
num_queries = 200 if quick else 2000
dims = [4, 16, 64, 256, 1024]
T = 16  # keys per query

# --8<-- [start:measure]
def softmax_stats(scores):
    """Mean largest weight, and mean Frobenius norm of the softmax's
    Jacobian diag(a) - a a^T (how much the weights respond to the scores)."""
    a = torch.softmax(scores, dim=-1)  # (num_queries, T)
    J = torch.diag_embed(a) - a[:, :, None] * a[:, None, :]  # (n, T, T)
    return a.max(-1).values.mean().item(), J.norm(dim=(1, 2)).mean().item()


stats, variances = {"unscaled": [], "scaled": []}, []
print("                 largest weight     Jacobian norm")
print("   d  var(q.k)  unscaled  scaled  unscaled  scaled")
for d in dims:
    q = torch.randn(num_queries, 1, d, device=device)  # unit variance
    k = torch.randn(num_queries, T, d, device=device)
    scores = (q * k).sum(-1)  # (num_queries, T): T dot products each
    variances.append(scores.var().item())
    stats["unscaled"].append(softmax_stats(scores))
    stats["scaled"].append(softmax_stats(scores / d ** 0.5))
    (m_u, j_u), (m_s, j_s) = stats["unscaled"][-1], stats["scaled"][-1]
    print(f"{d:4d}  {variances[-1]:8.1f}  {m_u:8.3f}  {m_s:6.3f}"
          f"  {j_u:8.4f}  {j_s:6.4f}")
# --8<-- [end:measure]

fig, axes = plt.subplots(2, 1, figsize=(4.5, 5.6), sharex=True,
                         layout="constrained")
for name, color, marker, style in (("unscaled", "#D55E00", "s", "--"),
                                   ("scaled", "#0072B2", "o", "-")):
    label = {"unscaled": "$q \\cdot k$", "scaled": "$q \\cdot k / \\sqrt{d}$"}
    for ax, values in zip(axes, zip(*stats[name])):
        ax.plot(dims, values, color=color, marker=marker, linestyle=style,
                label=label[name])
axes[0].axhline(1 / T, color="grey", linewidth=0.8, linestyle=":")
axes[0].set(ylabel="mean largest weight", ylim=(0, 1.05))
axes[1].set(xlabel="size $d$ of queries and keys", xscale="log",
            yscale="log", ylabel="softmax Jacobian norm", xticks=dims,
            xticklabels=[str(d) for d in dims])
axes[0].legend()
fig.savefig("softmax_saturation.svg", metadata={"Date": None})

(m_u, j_u), (m_s, j_s) = stats["unscaled"][-1], stats["scaled"][-1]
assert all(abs(v / d - 1) < 0.2 for v, d in zip(variances, dims)), \
    "var(q.k) should be about d for unit-variance entries"
assert m_u > 0.8 and m_s < 0.5, \
    f"at d = {dims[-1]} the unscaled softmax should be nearly one-hot"
assert j_u < j_s / 3, "a saturated softmax should pass back less gradient"
largest = [m for m, _ in stats["scaled"]]
spread = max(largest) - min(largest)
assert spread < 0.1, "with 1/sqrt(d) the weights should not depend on d"
