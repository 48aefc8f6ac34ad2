"""Pretrain on six garments, then learn four others from k photos each."""
import os
import statistics
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import torch
from torch import nn
from torch.utils.data import DataLoader
from torchvision import datasets, transforms

device = "cuda" if torch.cuda.is_available() else "cpu"
quick = os.environ.get("DLCAMP_QUICK") == "1"  # tests: short runs
# labelled photos per class: training steps (more photos, more steps)
steps = {5: 20, 20: 20} if quick else {5: 150, 20: 300, 100: 800}
ks = list(steps)
seeds = [1, 2] if quick else [1, 2, 3, 4, 5]
pretrain_steps = 30 if quick else 400
# photos per class: a pool larger than the largest k, so that every seed
# draws other photos at every k
n_train, n_val = (30, 50) if quick else (300, 500)

# --8<-- [start:data]
root = os.environ.get("DLCAMP_DATA", "data")  # has FashionMNIST/raw/
try:
    train_set = datasets.FashionMNIST(root, train=True, download=True)
    test_set = datasets.FashionMNIST(root, train=False, download=True)
except RuntimeError as err:
    sys.exit(f"Fashion-MNIST is not in {os.path.abspath(root)}/FashionMNIST"
             f"/raw and could not be downloaded.\nConnect to the internet, or "
             f"set DLCAMP_DATA to a folder that holds FashionMNIST/raw/.\n"
             f"Details: {err}")

source = [1, 3, 5, 7, 8, 9]  # Trouser, Dress, Sandal, Sneaker, Bag, Boot
target = [0, 2, 4, 6]  # T-shirt/top, Pullover, Coat, Shirt
relabel = torch.zeros(10, dtype=torch.long)
relabel[source] = torch.arange(len(source))  # 1 -> 0, 3 -> 1, ...


def source_part(dataset):
    keep = torch.isin(dataset.targets, torch.tensor(source))
    X = dataset.data[keep][:, None].float() / 255  # (N, 1, 28, 28)
    return X, relabel[dataset.targets[keep]]


X_source, y_source = source_part(train_set)
X_source_test, y_source_test = source_part(test_set)
mean, std = X_source.mean().item(), X_source.std().item()
X_source = ((X_source - mean) / std).to(device)
X_source_test = ((X_source_test - mean) / std).to(device)
y_source, y_source_test = y_source.to(device), y_source_test.to(device)
print(f"pretraining: {len(X_source)} images of {len(source)} classes")
# --8<-- [end:data]

# --8<-- [start:photos]
photos = Path("my_photos")  # the same folder my_photos.py writes
for split, dataset, n in [("train", train_set, n_train),
                          ("val", test_set, n_val)]:
    for c in target:
        folder = photos / split / dataset.classes[c].split("/")[0]
        folder.mkdir(parents=True, exist_ok=True)
        for i in (dataset.targets == c).nonzero().flatten()[:n].tolist():
            dataset[i][0].save(folder / f"{i:05d}.png")

to_tensor = transforms.Compose([
    transforms.Grayscale(),
    transforms.ToTensor(),
    transforms.Normalize((mean,), (std,)),  # the pretraining's statistics
])


def load(folder):
    """All photos of a folder tree as two tensors (they fit in memory)."""
    dataset = datasets.ImageFolder(folder, transform=to_tensor)
    X, y = next(iter(DataLoader(dataset, batch_size=len(dataset))))
    return X.to(device), y.to(device)


X_train, y_train = load(photos / "train")
X_val, y_val = load(photos / "val")
print(f"my photos: {len(X_train)} to train, {len(X_val)} to test")
# --8<-- [end:photos]


# --8<-- [start:net]
class Block(nn.Module):
    """A residual block (lesson 12): two 3x3 conv-BN layers plus x."""

    def __init__(self, c_in, c_out, stride):
        super().__init__()
        self.f = nn.Sequential(
            nn.Conv2d(c_in, c_out, 3, stride, padding=1, bias=False),
            nn.BatchNorm2d(c_out), nn.ReLU(),
            nn.Conv2d(c_out, c_out, 3, padding=1, bias=False),
            nn.BatchNorm2d(c_out))
        self.shortcut = nn.Identity()
        if stride != 1 or c_in != c_out:
            self.shortcut = nn.Sequential(
                nn.Conv2d(c_in, c_out, 1, stride, bias=False),
                nn.BatchNorm2d(c_out))

    def forward(self, x):
        return torch.relu(self.f(x) + self.shortcut(x))


class Net(nn.Module):
    """An 8-layer ResNet, named like torchvision's: backbone, then fc."""

    def __init__(self, num_classes, w=8):
        super().__init__()
        self.backbone = nn.Sequential(
            nn.Conv2d(1, w, 3, padding=1, bias=False),
            nn.BatchNorm2d(w), nn.ReLU(),
            Block(w, w, 1), Block(w, 2 * w, 2), Block(2 * w, 4 * w, 2),
            nn.AdaptiveAvgPool2d(1), nn.Flatten())  # (N, 4w) features
        self.fc = nn.Linear(4 * w, num_classes)

    def forward(self, x):
        return self.fc(self.backbone(x))


def accuracy(model, X, y):
    model.eval()
    with torch.no_grad():
        return (model(X).argmax(1) == y).float().mean().item()
# --8<-- [end:net]


# --8<-- [start:pretrain]
torch.manual_seed(0)
model = Net(len(source)).to(device)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9,
                            weight_decay=1e-4)
for step in range(pretrain_steps):
    idx = torch.randint(len(X_source), (128,), device=device)
    loss = nn.functional.cross_entropy(model(X_source[idx]), y_source[idx])
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
source_acc = accuracy(model, X_source_test, y_source_test)
print(f"pretrained net, test accuracy on its 6 classes: {source_acc:.3f}")
torch.save(model.state_dict(), "pretrained.pt")  # what a download gives
# --8<-- [end:pretrain]


# --8<-- [start:methods]
def fit_head(model, X, y, num_steps, lr, batch_size):
    """Train only the head, on the features of a frozen backbone."""
    model.eval()  # batch norm keeps its pretrained statistics
    with torch.no_grad():
        features = model.backbone(X)  # (N, 32): computed once
    optimizer = torch.optim.SGD(model.fc.parameters(), lr=lr, momentum=0.9,
                                weight_decay=5e-4)
    for step in range(num_steps):
        idx = torch.randperm(len(X), device=device)[:batch_size]
        loss = nn.functional.cross_entropy(model.fc(features[idx]), y[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


def train(method, X, y, seed, num_steps, lr=0.03, batch_size=32):
    """method: "from scratch", "linear probe" or "fine-tune"."""
    torch.manual_seed(seed)
    model = Net(len(source)).to(device)
    if method != "from scratch":
        model.load_state_dict(torch.load("pretrained.pt"))
    model.fc = nn.Linear(model.fc.in_features, len(target)).to(device)
    frozen_steps = {"from scratch": 0, "linear probe": num_steps,
                    "fine-tune": num_steps // 4}[method]
    if frozen_steps:  # freeze the backbone: a linear probe ...
        fit_head(model, X, y, frozen_steps, lr, batch_size)
    optimizer = torch.optim.SGD([  # ... then unfreeze everything
        {"params": model.backbone.parameters(),
         "lr": lr / 10 if method == "fine-tune" else lr},
        {"params": model.fc.parameters(), "lr": lr},  # the new head
    ], momentum=0.9, weight_decay=5e-4)
    model.train()
    if method == "fine-tune":  # keep the statistics the head was fitted on
        for m in model.backbone.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.eval()  # running mean and variance stay as pretrained
    for step in range(num_steps - frozen_steps):
        idx = torch.randperm(len(X), device=device)[:batch_size]
        loss = nn.functional.cross_entropy(model(X[idx]), y[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model


def pick(k, seed):
    """Which photos: k of each class, drawn at random from the pool."""
    g = torch.Generator().manual_seed(seed)
    return torch.cat([(y_train == c).nonzero().flatten().cpu()[
        torch.randperm(n_train, generator=g)[:k]] for c in range(4)])


idx = pick(ks[0], seeds[0])
X, y = X_train[idx], y_train[idx]
pretrained = torch.load("pretrained.pt")
model = train("linear probe", X, y, seeds[0], 20)
same = all(torch.equal(pretrained["backbone." + name], value)
           for name, value in model.backbone.state_dict().items())
n_head = sum(p.numel() for p in model.fc.parameters())
n_all = sum(p.numel() for p in model.parameters())
print(f"the linear probe trains {n_head} of {n_all:,} parameters; "
      f"backbone unchanged: {same}")
model = train("fine-tune", X, y, seeds[0], 20)
after = model.backbone.state_dict()
before = {name: pretrained["backbone." + name] for name in after}
moved = max((after[n] - before[n]).norm() / before[n].norm()
            for n in after if n.endswith("weight"))
kept = all(torch.equal(after[n], before[n]) for n in after
           if "running" in n)
print(f"fine-tune, 20 steps: weights moved up to {moved:.1%}; "
      f"BN statistics kept: {kept}")
# --8<-- [end:methods]

# --8<-- [start:run]
methods = ["from scratch", "linear probe", "fine-tune"]
acc = {(method, k): [] for method in methods for k in ks}
drawn = {}  # the photos each seed draws at each k
for k in ks:
    for seed in seeds:
        idx = pick(k, seed)  # the same photos for the three methods
        drawn[k, seed] = set(idx.tolist())
        X, y = X_train[idx], y_train[idx]
        for method in methods:
            model = train(method, X, y, seed, steps[k])
            acc[method, k].append(accuracy(model, X_val, y_val))
vary = all(drawn[k, seeds[0]] != drawn[k, seeds[1]] for k in ks)
print(f"{n_train} photos per class to draw from; seeds draw other photos "
      f"at every k: {vary}")


def mean_sd(a):
    return f"{statistics.mean(a):.3f} ± {statistics.stdev(a):.3f}"


def mean_se(d):
    return statistics.mean(d), statistics.stdev(d) / len(d) ** 0.5


print(f"test accuracy on the {len(X_val)} val photos, mean ± sd over "
      f"{len(seeds)} seeds")
print("photos/class  steps" + "".join(f"{m:>16s}" for m in methods))
for k in ks:
    print(f"{k:12d} {steps[k]:6d}"
          + "".join(f"{mean_sd(acc[m, k]):>16s}" for m in methods))
print("fine-tune minus from scratch, same photos and seed:")
print("photos/class    mean      SE  mean/SE")
d = {}  # fine-tune minus from scratch, seed by seed
for k in ks:
    d[k] = [a - b for a, b in zip(acc["fine-tune", k],
                                  acc["from scratch", k])]
    gain, se = mean_se(d[k])
    print(f"{k:12d}  {gain:+.3f}  {se:.3f}  {gain / se:7.1f}")
few, many = ks[0], ks[-1]
shrink = mean_se(d[few])[0] - mean_se(d[many])[0]
se_shrink = (mean_se(d[few])[1] ** 2 + mean_se(d[many])[1] ** 2) ** 0.5
print(f"gain at k = {few} minus gain at k = {many}: {shrink:+.3f} "
      f"(SE {se_shrink:.3f}, {shrink / se_shrink:.1f} SE)")
print(f"k = {many}: best linear probe {max(acc['linear probe', many]):.3f},"
      f" worst fine-tune {min(acc['fine-tune', many]):.3f}")
# --8<-- [end:run]

styles = {"from scratch": ("#0072B2", "o"), "linear probe": ("#E69F00", "s"),
          "fine-tune": ("#009E73", "^")}
fig, axes = plt.subplots(2, 1, figsize=(4.5, 5.6), sharex=True,
                         layout="constrained")
for method, (color, marker) in styles.items():
    axes[0].errorbar(ks, [statistics.mean(acc[method, k]) for k in ks],
                     [statistics.stdev(acc[method, k]) for k in ks],
                     color=color, marker=marker, capsize=3, label=method)
axes[0].axhline(1 / len(target), color="gray", linestyle=":")
axes[0].set(ylabel="test accuracy (4 classes)")
axes[0].legend()
axes[1].errorbar(ks, [mean_se(d[k])[0] for k in ks],
                 [2 * mean_se(d[k])[1] for k in ks],
                 color="#009E73", marker="^", capsize=3)
axes[1].axhline(0, color="gray", linestyle=":")
axes[1].set(xscale="log", xticks=ks, xticklabels=ks,
            xlabel="labelled photos per class",
            ylabel="fine-tune minus from scratch")
fig.savefig("few_labels.svg")

assert same, "a linear probe must leave the backbone exactly as pretrained"
assert 0 < moved < 0.5, \
    f"fine-tuning should start from the pretrained weights and change " \
    f"them: moved {moved:.3f}"
assert kept, "fine-tuning keeps BN in eval(): its statistics stay pretrained"
assert vary, "the pool is larger than any k: every seed draws other photos"
if not quick:  # 20 steps on stand-in letters are too few to show these
    assert source_acc > 0.9, "pretraining should learn its six classes"
    gain, se = mean_se(d[few])
    assert gain > 2 * se, \
        "with 5 photos a class, fine-tuning should beat training from scratch"
    assert shrink > 2 * se_shrink, \
        "the gain from pretraining should shrink as the labelled photos grow"
    assert max(acc["linear probe", many]) < min(acc["fine-tune", many]), \
        "with the most photos per class, frozen features should fall behind"
