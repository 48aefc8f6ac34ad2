"""Your own photos: a folder per class on disk, read by ImageFolder."""
import os
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import torch
from torch.utils.data import DataLoader
from torchvision import datasets, transforms

torch.manual_seed(0)
quick = os.environ.get("DLCAMP_QUICK") == "1"  # tests: fewer photos
n_train, n_val = (30, 50) if quick else (300, 500)  # photos per class

# --8<-- [start:write]
root = os.environ.get("DLCAMP_DATA", "data")  # has FashionMNIST/raw/
try:
    train_set = datasets.FashionMNIST(root, train=True, download=True)
    test_set = datasets.FashionMNIST(root, train=False, download=True)
except RuntimeError as err:
    sys.exit(f"Fashion-MNIST is not in {os.path.abspath(root)}/FashionMNIST"
             f"/raw and could not be downloaded.\nConnect to the internet, or "
             f"set DLCAMP_DATA to a folder that holds FashionMNIST/raw/.\n"
             f"Details: {err}")

photos = Path("my_photos")
target = [0, 2, 4, 6]  # T-shirt/top, Pullover, Coat, Shirt
for split, dataset, n in [("train", train_set, n_train),
                          ("val", test_set, n_val)]:
    for c in target:
        name = dataset.classes[c].split("/")[0]  # "T-shirt/top" -> "T-shirt"
        folder = photos / split / name  # e.g. my_photos/train/Coat/
        folder.mkdir(parents=True, exist_ok=True)
        for i in (dataset.targets == c).nonzero().flatten()[:n].tolist():
            image = dataset[i][0]  # a PIL image, 28 x 28, greyscale
            image.save(folder / f"{i:05d}.png")
coats = sorted(os.listdir(photos / "train" / "Coat"))
print(f"my_photos/train/Coat/: {coats[:3]} ... ({len(coats)} files)")
# --8<-- [end:write]

# --8<-- [start:load]
to_tensor = transforms.Compose([
    transforms.Grayscale(),  # ImageFolder opens every image as RGB
    transforms.ToTensor(),  # (1, 28, 28), values in [0, 1]
])
train_photos = datasets.ImageFolder(photos / "train", transform=to_tensor)
val_photos = datasets.ImageFolder(photos / "val", transform=to_tensor)
print("classes:", train_photos.class_to_idx)  # sorted folder names
print(f"train: {len(train_photos)} photos, val: {len(val_photos)} photos")
train_loader = DataLoader(train_photos, batch_size=32, shuffle=True)
X, y = next(iter(train_loader))
print(f"one batch: X {tuple(X.shape)}, y {y[:8].tolist()} ...")
# --8<-- [end:load]

fig, axes = plt.subplots(4, 8, figsize=(4.5, 2.3), layout="constrained")
for c, row in enumerate(axes):
    paths = [p for p, label in train_photos.samples if label == c]
    for ax, path in zip(row, paths):
        ax.imshow(to_tensor(datasets.folder.default_loader(path))[0],
                  cmap="gray_r")
        ax.set(xticks=[], yticks=[])
        ax.grid(False)
    row[0].set_ylabel(train_photos.classes[c], rotation=0, ha="right",
                      va="center", fontsize=9)
fig.savefig("my_photos.png", dpi=150)

assert len(train_photos) == 4 * n_train and len(val_photos) == 4 * n_val, \
    "every class folder should hold its photos"
assert X.shape == (32, 1, 28, 28), "Grayscale should leave one channel"
assert train_photos.classes == ["Coat", "Pullover", "Shirt", "T-shirt"], \
    "ImageFolder numbers the classes by sorted folder name"
assert train_photos.class_to_idx == val_photos.class_to_idx, \
    "train/ and val/ must hold the same class folders"
