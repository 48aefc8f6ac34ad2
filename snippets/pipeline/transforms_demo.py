"""What transforms do: ToTensor, Normalize with MNIST's stats, augmenting."""
import os
import sys

import matplotlib.pyplot as plt
import torch
from torchvision import datasets, transforms

torch.manual_seed(0)
# the folder that holds MNIST/raw/
root = os.environ.get("DLCAMP_DATA", "data")
try:
    train_set = datasets.MNIST(root, train=True,
                               download=True)  # only if missing
except RuntimeError as err:
    sys.exit(f"MNIST is not in {os.path.abspath(root)}/MNIST/raw and could "
             f"not be downloaded.\nConnect to the internet, or set "
             f"DLCAMP_DATA to a folder that holds MNIST/raw/.\n"
             f"Details: {err}")

# --8<-- [start:totensor]
image, label = train_set[0]  # no transform: a PIL image and an int
x = transforms.ToTensor()(image)
print(f"PIL image {image.size}, mode {image.mode} -> tensor {tuple(x.shape)} "
      f"{x.dtype} in [{x.min():.1f}, {x.max():.1f}]")
# --8<-- [end:totensor]

# --8<-- [start:normalize]
# all training images at once: (60000, 28, 28)
pixels = train_set.data.float() / 255
mean, std = pixels.mean().item(), pixels.std().item()
print(f"training-set mean {mean:.4f}, std {std:.4f}")
normalize = transforms.Compose([transforms.ToTensor(),
                                transforms.Normalize((mean,), (std,))])
batch = torch.stack([normalize(train_set[i][0]) for i in range(1000)])
print(f"after Normalize, 1000 images: mean {batch.mean():.3f}, "
      f"std {batch.std():.3f}")
# --8<-- [end:normalize]

# --8<-- [start:augment]
augment = transforms.Compose([
    transforms.RandomAffine(degrees=15, translate=(0.1, 0.1),
                            scale=(0.9, 1.1)),
    transforms.ToTensor(),
])
# a new random version at every call
views = [augment(image) for _ in range(7)]
# how much the views differ per pixel
spread = torch.stack(views).std(dim=0).mean()
print(f"7 augmented views of image 0, pixel-wise spread {spread:.3f}")
# --8<-- [end:augment]

fig, axes = plt.subplots(2, 4, figsize=(4.5, 2.6), layout="constrained")
axes = axes.flatten()  # two rows of four: legible on a phone
for ax, img in zip(axes, [x] + views):
    ax.imshow(img[0], cmap="gray_r")
    ax.set(xticks=[], yticks=[])
    ax.grid(False)
axes[0].set_title("original")
fig.savefig("augmented_digits.png", dpi=120)

assert abs(batch.mean()) < 0.1 and abs(batch.std() - 1) < 0.1, \
    "mean 0, std 1 expected"
assert not torch.equal(views[0], views[1]), \
    "each call should give a new random view"
