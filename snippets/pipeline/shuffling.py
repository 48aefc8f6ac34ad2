"""Why shuffle=True: training on data sorted by label, without shuffling."""
import os
import sys

import matplotlib.pyplot as plt
import torch
from torch import nn
from torch.utils.data import DataLoader, Subset
from torchvision import datasets, transforms

torch.manual_seed(0)  # the shuffled order below is the same on every run
quick = os.environ.get("DLCAMP_QUICK") == "1"
# the folder that holds MNIST/raw/
root = os.environ.get("DLCAMP_DATA", "data")
try:
    train_set = datasets.MNIST(root, train=True,
                               download=True,  # only if missing
                               transform=transforms.ToTensor())
    test_set = datasets.MNIST(root, train=False, download=True,
                              transform=transforms.ToTensor())
except RuntimeError as err:
    sys.exit(f"MNIST is not in {os.path.abspath(root)}/MNIST/raw and could "
             f"not be downloaded.\nConnect to the internet, or set "
             f"DLCAMP_DATA to a folder that holds MNIST/raw/.\n"
             f"Details: {err}")

# --8<-- [start:sorted]
n = 3000 if quick else 20000
# all 0s, then all 1s, ...
order = torch.argsort(train_set.targets[:n], stable=True)
sorted_set = Subset(train_set, order.tolist())
for shuffle in [False, True]:
    loader = DataLoader(sorted_set, batch_size=64, shuffle=shuffle)
    _, y = next(iter(loader))
    print(f"shuffle={shuffle!s:5}: first batch {y[:16].tolist()} ...")
sorted_labels = train_set.targets[order]
zeros = (sorted_labels == 0).sum().item()
print(f"{n} images in {len(loader)} batches of 64; the first {zeros // 64} "
      f"(unshuffled) hold only 0s")
# --8<-- [end:sorted]

# --8<-- [start:train]
# (2000, 1, 28, 28)
X_test = torch.stack([test_set[i][0] for i in range(2000)])
y_test = test_set.targets[:2000]
results = {}
for shuffle in [False, True]:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 64), nn.ReLU(),
                          nn.Linear(64, 10))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    # one epoch
    for X, y in DataLoader(sorted_set, batch_size=64, shuffle=shuffle):
        loss = nn.functional.cross_entropy(model(X), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        pred = model(X_test).argmax(dim=1)
    results[shuffle] = pred
    accuracy = (pred == y_test).float().mean()
    print(f"shuffle={shuffle!s:5}: test accuracy {accuracy:.3f}, "
          f"predicts '9' for {(pred == 9).float().mean():.0%} of test images")
# --8<-- [end:train]

fig, ax = plt.subplots(figsize=(4.5, 3))
width = 0.4
for k, (shuffle, color, hatch) in enumerate([(False, "#D55E00", "//"),
                                              (True, "#0072B2", "")]):
    counts = torch.bincount(results[shuffle], minlength=10)
    ax.bar(torch.arange(10) + (k - 0.5) * width, counts, width, color=color,
           hatch=hatch, edgecolor="black", linewidth=0.5,
           label=f"shuffle={shuffle}")
ax.set(xlabel="predicted digit", ylabel="test images", xticks=range(10))
ax.legend()
fig.savefig("shuffling.svg")

acc = {s: (p == y_test).float().mean().item() for s, p in results.items()}
nines = {s: (p == 9).float().mean().item() for s, p in results.items()}
assert nines[False] > 0.9, \
    "unshuffled, the model should answer the last class it saw"
assert nines[True] < 0.5 and acc[True] > acc[False], \
    "shuffling should do better"
