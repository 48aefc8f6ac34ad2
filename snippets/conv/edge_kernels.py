"""Hand-made kernels on a real MNIST digit: what a convolution picks out."""
import os
import sys

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from torchvision import datasets

# --8<-- [start:data]
# the folder that holds MNIST/raw/
root = os.environ.get("DLCAMP_DATA", "data")
try:
    test_set = datasets.MNIST(root, train=False,
                              download=True)  # only if missing
except RuntimeError as err:
    sys.exit(f"MNIST is not in {os.path.abspath(root)}/MNIST/raw and could "
             f"not be downloaded.\nConnect to the internet, or set "
             f"DLCAMP_DATA to a folder that holds MNIST/raw/.\n"
             f"Details: {err}")
digit = test_set.data[0].float() / 255  # (28, 28), values in [0, 1]
print(f"test image 0: label {test_set.targets[0].item()}, "
      f"shape {tuple(digit.shape)}")
# --8<-- [end:data]

# --8<-- [start:kernels]
kernels = {
    # Sobel x
    "vertical edges": torch.tensor([[-1.0, 0, 1], [-2, 0, 2], [-1, 0, 1]]),
    # Sobel y
    "horizontal edges": torch.tensor([[-1.0, -2, -1], [0, 0, 0], [1, 2, 1]]),
    "blur": torch.full((3, 3), 1 / 9),
}
x = digit[None, None]  # (N=1, C=1, 28, 28)
maps = {name: F.conv2d(x, k[None, None], padding=1)[0, 0]  # (28, 28) each
        for name, k in kernels.items()}
for name, m in maps.items():
    print(f"{name:16s}: output {tuple(m.shape)}, "
          f"range [{m.min():.2f}, {m.max():.2f}]")
# --8<-- [end:kernels]

fig, axes = plt.subplots(2, 2, figsize=(4.5, 4.8), layout="constrained")
axes = axes.flatten()  # a 2x2 grid: legible on a phone
axes[0].imshow(digit, cmap="gray_r")
axes[0].set(title="input")
for ax, (name, m) in zip(axes[1:], maps.items()):
    limit = m.abs().max()
    ax.imshow(m, cmap="PuOr" if "edges" in name else "gray_r",
              vmin=-limit if "edges" in name else 0, vmax=limit)
    ax.set(title=name)
for ax in axes:
    ax.set(xticks=[], yticks=[])
    ax.grid(False)
fig.savefig("edge_kernels.png", dpi=150)

vertical, horizontal = maps["vertical edges"], maps["horizontal edges"]
assert vertical.abs().sum() > 0 and horizontal.abs().sum() > 0
flat = torch.ones(1, 1, 5, 5)  # a uniform patch has no edges
assert F.conv2d(flat, kernels["vertical edges"][None, None]).abs().max() == 0
