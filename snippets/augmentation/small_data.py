"""1,000 training images: no augmentation vs four kinds, and calibration."""
import copy
import os
import statistics
import sys

import matplotlib.pyplot as plt
import torch
from torch import nn
from torch.utils.data import DataLoader, Subset
from torchvision import datasets
from torchvision.transforms import v2

torch.manual_seed(0)  # the checks below draw random numbers too
device = "cuda" if torch.cuda.is_available() else "cpu"
quick = os.environ.get("DLCAMP_QUICK") == "1"  # tests: fewer images, epochs
n_train, num_epochs = (500, 2) if quick else (1000, 40)
long_epochs = 3 if quick else 120  # the longer run, for two of the methods
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
held_out = range(n_train, n_train + 1000)  # 1,000 others, never trained on
n_test = 1000 if quick else 5000
X_test = to_input(test_set.data[:n_test, None])  # (n_test, 1, 28, 28)
y_test = test_set.targets[:n_test]
X_small = to_input(train_sets["none"].data[small, None])  # not augmented
y_small = train_sets["none"].targets[small]
X_val = to_input(train_sets["none"].data[held_out, None])  # validation
y_val = train_sets["none"].targets[held_out]
# --8<-- [end:data]

# --8<-- [start:fresh]
for name in per_image:  # read image 0 twice: a new random change each time
    first, again = train_sets[name][0][0], train_sets[name][0][0]
    assert torch.equal(first, again) == (name == "none"), \
        f"{name}: reading an image twice should give two different changes"
# --8<-- [end:fresh]

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


def train(method, seed, stops=(num_epochs,), batch_size=64):
    """Adam on the small set with one augmentation; a copy of the model
    after each number of epochs in stops."""
    torch.manual_seed(seed)
    images = train_sets.get(method, train_sets["none"])
    loader = DataLoader(Subset(images, small), batch_size, shuffle=True)
    model = make_cnn()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    models = []
    for epoch in range(1, max(stops) + 1):
        for X, y in loader:
            if method in per_batch:  # after the DataLoader: whole batches
                X, y = per_batch[method](X, y)
                assert y.shape == (len(X), 10), "soft labels, (N, 10)"
            loss = nn.functional.cross_entropy(model(X.to(device)),
                                               y.to(device))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        if epoch in stops:
            models.append(copy.deepcopy(model))
    return models
# --8<-- [end:train]


# --8<-- [start:calibration]
def logits_of(model, X):
    """The model's logits, (N, 10), for images that are not augmented."""
    model.eval()
    with torch.no_grad():
        return torch.cat([model(X[i:i + 1000].to(device)).cpu()
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


# Check on four made-up predictions: two at confidence 0.95, one of them
# right; two at 0.35, both right. ECE = 0.5 |0.5 - 0.95| + 0.5 |1 - 0.35|
top = torch.tensor([0.95, 0.95, 0.35, 0.35])
toy = ((1 - top) / 9)[:, None].repeat(1, 10)  # the rest spread evenly
toy[:, 0] = top  # (4, 10): each row predicts class 0
_, toy_ece = calibration(toy, torch.tensor([0, 1, 0, 0]))
assert abs(toy_ece - 0.55) < 1e-6, f"toy ECE {toy_ece:.4f}, not 0.55"
# --8<-- [end:calibration]


# --8<-- [start:temperature]
def fit_temperature(logits, y):
    """The T that minimises the cross-entropy of softmax(logits / T)."""
    log_T = torch.zeros((), requires_grad=True)  # T = exp(log_T) > 0
    optimizer = torch.optim.LBFGS([log_T], line_search_fn="strong_wolfe")

    def closure():
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(logits / log_T.exp(), y)
        loss.backward()
        return loss
    optimizer.step(closure)
    return log_T.exp().item()


# Check on made-up logits that are twice too large: the labels are drawn
# from softmax(z / 2), so the right temperature is 2
z = 3 * torch.randn(10_000, 10)
toy_y = torch.distributions.Categorical(logits=z / 2).sample()
toy_T = fit_temperature(z, toy_y)
print(f"temperature check: fitted T = {toy_T:.2f} (made for T = 2)")
assert abs(toy_T - 2) < 0.1, f"fitted {toy_T:.2f} for logits made with T = 2"
# --8<-- [end:temperature]

# --8<-- [start:run]
methods = ["none", "crop+flip", "RandAugment", "MixUp", "CutMix"]
longer = ["none", "RandAugment"]  # these two also train for long_epochs
results = {m: {} for m in methods}  # method -> column -> one value a seed
diagrams = {}  # method -> the first seed's calibration table


def accuracy(model, X, y):
    return (logits_of(model, X).argmax(1) == y).float().mean().item()


for method in methods:
    for seed in seeds:
        stops = [num_epochs] + ([long_epochs] if method in longer else [])
        model, *long_run = train(method, seed, stops)
        logits = logits_of(model, X_test)
        probs = logits.softmax(1)
        table, ece = calibration(probs, y_test)
        T = fit_temperature(logits_of(model, X_val), y_val)  # not on test
        table_T, ece_T = calibration((logits / T).softmax(1), y_test)
        test_acc = (logits.argmax(1) == y_test).float().mean().item()
        train_acc = accuracy(model, X_small, y_small)
        row = {"test acc": test_acc, "train acc": train_acc,
               "train - test": train_acc - test_acc,
               "confidence": probs.amax(1).mean().item(), "ECE": ece,
               "temperature": T, "ECE after T": ece_T}
        for long_model in long_run:
            row["long test acc"] = accuracy(long_model, X_test, y_test)
            row["long train acc"] = accuracy(long_model, X_small, y_small)
        for column, value in row.items():
            results[method].setdefault(column, []).append(value)
        if seed == seeds[0]:
            diagrams[method] = table
            if method == "none":
                diagrams["none, T"] = table_T
                counts = torch.histc(probs.amax(1), bins=10, min=0, max=1)


def show(names, rows=methods):
    print(f"{'method':13s}" + "".join(f"{c:15s}" for c in names).rstrip())
    for m in rows:
        print(f"{m:12s}", "  ".join(
            f"{statistics.mean(results[m][c]):.3f} ± "
            f"{statistics.stdev(results[m][c]):.3f}" for c in names))


n_params = sum(p.numel() for p in make_cnn().parameters())
print(f"small CNN: {n_params:,d} parameters; {n_train:,d} training images, "
      f"{num_epochs} epochs\nmean ± sd over {len(seeds)} seeds:")
show(["test acc", "train acc", "train - test"])
show(["confidence", "ECE", "temperature", "ECE after T"])
print(f"none, seed {seeds[0]}, test images per confidence bin:",
      *counts.int().tolist())
# --8<-- [end:run]

# --8<-- [start:longer]
print(f"after {long_epochs} epochs instead of {num_epochs}:")
show(["long test acc", "long train acc"], rows=longer)
long_acc = {m: results[m]["long test acc"] for m in longer}
ahead = statistics.mean(long_acc["RandAugment"]) - \
    statistics.mean(long_acc["none"])
larger_sd = max(statistics.stdev(v) for v in long_acc.values())
print(f"RandAugment - none: {ahead:+.3f} test accuracy; "
      f"the larger sd over seeds: {larger_sd:.3f}")
# --8<-- [end:longer]

styles = {"none": ("#000000", "o", "-"), "crop+flip": ("#0072B2", "s", "-"),
          "RandAugment": ("#009E73", "^", "-"),
          "MixUp": ("#E69F00", "D", "-"), "CutMix": ("#D55E00", "v", "-"),
          "none, T": ("#000000", "x", "--")}
labels = {"none, T": "none + temperature"}
fig, ax = plt.subplots(figsize=(4.5, 3.8), layout="constrained")
ax.plot([0, 1], [0, 1], color="#999999", linestyle=":",
        label="perfect calibration")
for method, (color, marker, line) in styles.items():
    conf, acc, share = zip(*diagrams[method])
    ax.plot(conf, acc, color=color, marker=marker, linestyle=line,
            markersize=4, label=labels.get(method, method))
ax.set(xlabel="confidence (top softmax probability)",
       ylabel="accuracy on the test images", xlim=(0, 1), ylim=(0, 1))
fig.legend(loc="outside lower center", ncol=2)  # off the curves
fig.savefig("reliability.svg")

mean = {m: {c: statistics.mean(v) for c, v in results[m].items()}
        for m in methods}
sd = {m: {c: statistics.stdev(v) for c, v in results[m].items()}
      for m in methods}


def beyond_noise(low, high, column, high_column=None):
    """Is low's mean below high's by more than twice the larger sd?"""
    high_column = high_column or column
    noise = 2 * max(sd[low][column], sd[high][high_column])
    return mean[low][column] < mean[high][high_column] - noise


if not quick:  # 2 epochs on 500 stand-in images show none of this
    for m in ["RandAugment", "MixUp", "CutMix"]:
        assert beyond_noise(m, "none", "train - test"), f"{m}: smaller gap"
        assert beyond_noise(m, "none", "train acc"), \
            f"{m}: the gap shrinks because the training images fit less"
        assert not beyond_noise("none", m, "test acc") and \
            not beyond_noise(m, "none", "test acc"), \
            f"{m}: test accuracy within the noise of none's"
    for m in ["RandAugment", "MixUp"]:
        assert beyond_noise(m, "none", "ECE"), f"{m} should calibrate better"
    assert beyond_noise("crop+flip", "none", "test acc"), \
        "on this budget crop+flip should lower the test accuracy"
    assert mean["none"]["confidence"] > mean["none"]["test acc"] + 0.05, \
        "none: overconfident"
    assert mean["CutMix"]["confidence"] < mean["CutMix"]["test acc"] - 0.05, \
        "CutMix: underconfident"
    assert mean["none"]["temperature"] > 1 > mean["CutMix"]["temperature"], \
        "fitted T: above 1 for none (overconfident), below 1 for CutMix"
    assert beyond_noise("none", "none", "ECE after T", "ECE"), \
        "temperature scaling should lower none's ECE"
    assert mean["none"]["long train acc"] > 0.995, "none: memorised"
    assert ahead > larger_sd, \
        "trained longer, RandAugment should lead by more than the seed sd"
