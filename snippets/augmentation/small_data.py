"""1,000 training images: no augmentation vs four kinds, and calibration."""
import os
import statistics
import sys

import matplotlib.pyplot as plt
import torch
from torch import nn
from torch.utils.data import DataLoader, Subset
from torchvision import datasets
from torchvision.transforms import v2

device = "cuda" if torch.cuda.is_available() else "cpu"
quick = os.environ.get("DLCAMP_QUICK") == "1"  # tests: fewer images, epochs
n_train, num_epochs = (500, 2) if quick else (1000, 40)
seeds = [1, 2] if quick else [1, 2, 3]

# --8<-- [start:data]
root = os.environ.get("DLCAMP_DATA", "data")  # has FashionMNIST/raw/
to_input = v2.Compose([v2.ToImage(), v2.ToDtype(torch.float32, scale=True),
                       v2.Normalize([0.286], [0.353])])  # PIL -> tensor
per_image = {  # random changes to one image, each time it is loaded
    "none": v2.Identity(),
    "crop+flip": v2.Compose([v2.RandomCrop(28, padding=4),
                             v2.RandomHorizontalFlip()]),
    "RandAugment": v2.RandAugment(num_ops=2, magnitude=9),
}
try:
    test_set = datasets.FashionMNIST(root, train=False, download=True)
    train_sets = {name: datasets.FashionMNIST(
        root, train=True, download=True, transform=v2.Compose([t, to_input]))
        for name, t in per_image.items()}
except RuntimeError as err:
    sys.exit(f"Fashion-MNIST is not in {os.path.abspath(root)}/FashionMNIST"
             f"/raw and could not be downloaded.\nConnect to the internet, or "
             f"set DLCAMP_DATA to a folder that holds FashionMNIST/raw/.\n"
             f"Details: {err}")
small = range(n_train)  # the first 1,000 training images, about 100 a class
n_test = 1000 if quick else 5000
X_test = to_input(test_set.data[:n_test, None])  # (n_test, 1, 28, 28)
y_test = test_set.targets[:n_test]
X_small = to_input(train_sets["none"].data[small, None])  # not augmented
y_small = train_sets["none"].targets[small]
# --8<-- [end:data]

# --8<-- [start:batch]
per_batch = {  # mix pairs of images in a batch, and their labels
    "MixUp": v2.MixUp(alpha=1.0, num_classes=10),
    "CutMix": v2.CutMix(alpha=1.0, num_classes=10),
}
# --8<-- [end:batch]


# --8<-- [start:train]
def make_cnn():
    return nn.Sequential(
        nn.Conv2d(1, 16, 3), nn.ReLU(), nn.MaxPool2d(2),  # (16, 13, 13)
        nn.Conv2d(16, 32, 3), nn.ReLU(), nn.MaxPool2d(2),  # (32, 5, 5)
        nn.Flatten(), nn.Linear(800, 128), nn.ReLU(),
        nn.Linear(128, 10)).to(device)


def train(method, seed, batch_size=64):
    """Adam for num_epochs epochs on the small set, with one augmentation."""
    torch.manual_seed(seed)
    images = train_sets.get(method, train_sets["none"])
    loader = DataLoader(Subset(images, small), batch_size, shuffle=True)
    model = make_cnn()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(num_epochs):
        for X, y in loader:
            if method in per_batch:  # after the DataLoader: whole batches
                X, y = per_batch[method](X, y)  # y: (N, 10) soft labels
            loss = nn.functional.cross_entropy(model(X.to(device)),
                                               y.to(device))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return model
# --8<-- [end:train]


# --8<-- [start:calibration]
def predict(model, X):
    """Softmax probabilities, (N, 10), of images that are not augmented."""
    model.eval()
    with torch.no_grad():
        return torch.cat([model(X[i:i + 1000].to(device)).softmax(1).cpu()
                          for i in range(0, len(X), 1000)])


def calibration(probs, y, num_bins=10):
    """Per confidence bin: (mean confidence, accuracy, share); and the ECE."""
    confidence, correct = probs.max(dim=1).values, probs.argmax(1) == y
    bins = (confidence * num_bins).long().clamp(max=num_bins - 1)
    table = [(confidence[bins == b].mean().item(),
              correct[bins == b].float().mean().item(),
              (bins == b).float().mean().item())
             for b in range(num_bins) if (bins == b).any()]
    ece = sum(share * abs(acc - conf) for conf, acc, share in table)
    return table, ece
# --8<-- [end:calibration]

# --8<-- [start:run]
methods = ["none", "crop+flip", "RandAugment", "MixUp", "CutMix"]
results, diagrams = {}, {}
n_params = sum(p.numel() for p in make_cnn().parameters())
print(f"small CNN: {n_params:,d} parameters, {n_train:,d} training images")
print("method       test accuracy  train - test   confidence     ECE")
for method in methods:
    runs = []
    for seed in seeds:
        model = train(method, seed)
        probs = predict(model, X_test)
        table, ece = calibration(probs, y_test)
        test_acc = (probs.argmax(1) == y_test).float().mean().item()
        train_acc = (predict(model, X_small).argmax(1) == y_small)
        train_acc = train_acc.float().mean().item()
        runs.append((test_acc, train_acc - test_acc,
                     probs.max(1).values.mean().item(), ece))
        diagrams.setdefault(method, table)  # the first seed's
    results[method] = list(zip(*runs))  # (accuracies, gaps, confs, eces)
    print(f"{method:12s}", "  ".join(
        f"{statistics.mean(v):.3f} ± {statistics.stdev(v):.3f}"
        for v in results[method]))
print(f"({n_train} training images, {num_epochs} epochs, "
      f"{len(seeds)} seeds, mean ± sd)")
# --8<-- [end:run]

styles = {"none": ("#000000", "o"), "crop+flip": ("#0072B2", "s"),
          "RandAugment": ("#009E73", "^"), "MixUp": ("#E69F00", "D"),
          "CutMix": ("#D55E00", "v")}
fig, ax = plt.subplots(figsize=(4.5, 3.6), layout="constrained")
ax.plot([0, 1], [0, 1], color="#999999", linestyle=":",
        label="perfect calibration")
for method, (color, marker) in styles.items():
    conf, acc, share = zip(*diagrams[method])
    ax.plot(conf, acc, color=color, marker=marker, markersize=4, label=method)
ax.set(xlabel="confidence (top softmax probability)",
       ylabel="accuracy on the test images", xlim=(0, 1), ylim=(0, 1))
fig.legend(loc="outside lower center", ncol=2)  # off the curves
fig.savefig("reliability.svg")

mean = {m: [statistics.mean(v) for v in results[m]] for m in methods}
sd = {m: [statistics.stdev(v) for v in results[m]] for m in methods}
ACC, GAP, CONF, ECE = 0, 1, 2, 3  # the columns of results


def beyond_noise(low, high, column):
    """Is low's mean below high's by more than twice the larger sd?"""
    noise = 2 * max(sd[low][column], sd[high][column])
    return mean[low][column] < mean[high][column] - noise


if not quick:  # 2 epochs on 500 stand-in images show none of this
    for m in ["RandAugment", "MixUp", "CutMix"]:
        assert beyond_noise(m, "none", GAP), f"{m} should overfit less"
    for m in ["RandAugment", "MixUp"]:
        assert beyond_noise(m, "none", ECE), f"{m} should calibrate better"
    assert beyond_noise("crop+flip", "none", ACC), \
        "on this budget crop+flip should lower the test accuracy"
    assert mean["none"][CONF] > mean["none"][ACC] + 0.05, "none: overconfident"
    assert mean["CutMix"][CONF] < mean["CutMix"][ACC] - 0.05, \
        "CutMix: underconfident"
