"""Dataset, DataLoader, and what an epoch, a batch and an iteration are."""
import math
import os
import sys

import torch
from torch.utils.data import DataLoader, Dataset
from torchvision import datasets, transforms

# the folder that holds MNIST/raw/
root = os.environ.get("DLCAMP_DATA", "data")
try:
    train_set = datasets.MNIST(root, train=True,
                               download=True,  # only if missing
                               transform=transforms.ToTensor())
except RuntimeError as err:
    sys.exit(f"MNIST is not in {os.path.abspath(root)}/MNIST/raw and could "
             f"not be downloaded.\nConnect to the internet, or set "
             f"DLCAMP_DATA to a folder that holds MNIST/raw/.\n"
             f"Details: {err}")

# --8<-- [start:dataset]
class Squares(Dataset):
    """A Dataset needs only __len__ and __getitem__ (i -> input, target)."""

    def __len__(self):
        return 10

    def __getitem__(self, i):
        return torch.tensor([float(i)]), torch.tensor(float(i * i))


loader = DataLoader(Squares(), batch_size=4)
for X, y in loader:  # the DataLoader stacks samples into batches
    print("batch:", tuple(X.shape), y.tolist())
# --8<-- [end:dataset]

# --8<-- [start:count]
image, label = train_set[0]
print(f"MNIST training set: {len(train_set)} images, "
      f"each {tuple(image.shape)}")
batch_size = 64
train_loader = DataLoader(train_set, batch_size=batch_size, shuffle=True)
print(f"batch size {batch_size}: {len(train_loader)} iterations per epoch "
      f"(= ceil({len(train_set)} / {batch_size}))")
sizes = [len(y) for _, y in train_loader]
print(f"first batch {sizes[0]} images, last batch {sizes[-1]} images")
print(f"with drop_last=True: "
      f"{len(DataLoader(train_set, batch_size=batch_size, drop_last=True))} "
      f"iterations")
print(f"10 epochs = {10 * len(train_loader)} iterations "
      f"= {10 * len(train_set)} images seen")
# --8<-- [end:count]

assert len(train_loader) == math.ceil(len(train_set) / batch_size), \
    "an epoch should have ceil(N / B) iterations, the last one partial"
assert sum(sizes) == len(train_set), "one epoch sees every image exactly once"
