"""What crop+flip, RandAugment, MixUp and CutMix do to images and labels."""
import os
import sys

import matplotlib.pyplot as plt
import torch
from torch import nn
from torchvision import datasets
from torchvision.transforms import v2

torch.manual_seed(3)

root = os.environ.get("DLCAMP_DATA", "data")  # FashionMNIST/raw/, MNIST/raw/


def load(dataset, folder, name):
    try:
        return dataset(root, train=False, download=True)  # only if missing
    except RuntimeError as err:
        sys.exit(f"{name} is not in {os.path.abspath(root)}/{folder}/raw and "
                 f"could not be downloaded.\nConnect to the internet, or set "
                 f"DLCAMP_DATA to a folder that holds {folder}/raw/.\n"
                 f"Details: {err}")


fashion = load(datasets.FashionMNIST, "FashionMNIST", "Fashion-MNIST")
digits = load(datasets.MNIST, "MNIST", "MNIST")
first = torch.stack([(fashion.targets == c).nonzero()[0, 0]
                     for c in (0, 1, 2, 5, 8, 9)])  # six different classes
X = fashion.data[first, None]  # (6, 1, 28, 28), uint8 as stored
y = fashion.targets[first]
names = fashion.classes

# --8<-- [start:per_image]
crop_flip = v2.Compose([v2.RandomCrop(28, padding=4),  # shift up to 4 px
                        v2.RandomHorizontalFlip()])  # mirror half the time
rand_augment = v2.RandAugment(num_ops=2, magnitude=9)  # 2 random ops
cropped = torch.stack([crop_flip(img) for img in X])  # one draw per image
augmented = torch.stack([rand_augment(img) for img in X])
# --8<-- [end:per_image]

# --8<-- [start:per_batch]
mixup = v2.MixUp(alpha=1.0, num_classes=10)  # lambda ~ Beta(1, 1)
cutmix = v2.CutMix(alpha=1.0, num_classes=10)
x = X.float() / 255  # a batch, (6, 1, 28, 28)
mixed, y_mixed = mixup(x, y)  # y_mixed: (6, 10), each row sums to 1
lam = y_mixed[0, y[0]].item()  # image 0 is mixed with image 5 (roll by 1)
print(f"MixUp: image 0 = {lam:.2f} x {names[y[0]]} + "
      f"{1 - lam:.2f} x {names[y[5]]}")
pasted, y_pasted = cutmix(x, y)
share = y_pasted[0, y[5]].item()  # the label weight of the pasted image
print(f"CutMix: image 0 = {1 - share:.2f} x {names[y[0]]} + "
      f"{share:.2f} x {names[y[5]]} (a box of it)")
# --8<-- [end:per_batch]

# --8<-- [start:check]
# The label arithmetic, exactly: the same lambda mixes images and labels
one_hot = nn.functional.one_hot(y, 10).float()
assert torch.allclose(mixed, lam * x + (1 - lam) * x.roll(1, 0))
assert torch.allclose(y_mixed, lam * one_hot + (1 - lam) * one_hot.roll(1, 0))
# CutMix on images that are constant 0, 1, ..., 5: the pasted box is exactly
# where image i now holds i - 1's value, and its area is the label weight
flat = torch.arange(6.0).view(6, 1, 1, 1).expand(6, 1, 28, 28)
out, weights = cutmix(flat, torch.arange(6))
area = (out[1] == 0).float().mean().item()  # image 1 got image 0's pixels
print(f"CutMix box area share {area:.4f}, label weight {weights[1, 0]:.4f}")
assert abs(area - weights[1, 0].item()) < 1e-6, "weight = the box's share"
# --8<-- [end:check]

# --8<-- [start:digits]
six = digits.data[(digits.targets == 6).nonzero()[0]]  # (1, 28, 28)
turned = v2.functional.rotate(six, 180)  # = flipped both ways
nine = digits.data[(digits.targets == 9).nonzero()[0]]
# --8<-- [end:digits]

rows = {"original": X, "crop + flip": cropped, "RandAugment": augmented,
        "MixUp": (mixed * 255).byte(), "CutMix": (pasted * 255).byte()}
fig, axes = plt.subplots(5, 6, figsize=(4.5, 4.8), layout="constrained")
for i, (label, images) in enumerate(rows.items()):
    for j in range(6):
        axes[i, j].imshow(images[j, 0], cmap="gray_r", vmin=0, vmax=255)
        axes[i, j].set(xticks=[], yticks=[])
        axes[i, j].grid(False)
    axes[i, 0].set_ylabel(label, fontsize=9)
fig.savefig("augmentations.png", dpi=150)

fig, axes = plt.subplots(1, 3, figsize=(4.5, 1.8), layout="constrained")
for ax, img, label in zip(axes, [six, turned, nine],
                          ["a 6", "the 6 turned 180°", "a 9"]):
    ax.imshow(img[0], cmap="gray_r")
    ax.set(xticks=[], yticks=[], xlabel=label)
    ax.grid(False)
fig.savefig("six_or_nine.png", dpi=100)
