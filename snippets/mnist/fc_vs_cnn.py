"""MNIST: a small MLP against a small CNN, on real and on shuffled pixels."""
import os
import statistics
import sys

import matplotlib.pyplot as plt
import torch
from torch import nn
from torchvision import datasets

device = "cuda" if torch.cuda.is_available() else "cpu"
quick = os.environ.get("DLCAMP_QUICK") == "1"  # tests: a subset, one epoch
num_epochs, seeds = (1, [1, 2]) if quick else (3, [1, 2, 3])

# --8<-- [start:data]
# the folder that holds MNIST/raw/
root = os.environ.get("DLCAMP_DATA", "data")
try:
    train_set = datasets.MNIST(root, train=True,
                               download=True)  # only if missing
    test_set = datasets.MNIST(root, train=False, download=True)
except RuntimeError as err:
    sys.exit(f"MNIST is not in {os.path.abspath(root)}/MNIST/raw and could "
             f"not be downloaded.\nConnect to the internet, or set "
             f"DLCAMP_DATA to a folder that holds MNIST/raw/.\n"
             f"Details: {err}")


def as_tensors(dataset, n):
    # (n, 28, 28)
    X = dataset.data[:n].float().div(255).sub(0.1307).div(0.3081)
    # (n, 1, 28, 28)
    return X[:, None].to(device), dataset.targets[:n].to(device)


X_train, y_train = as_tensors(train_set, 5000 if quick else 60000)
X_test, y_test = as_tensors(test_set, 1000 if quick else 10000)
print(f"training images {tuple(X_train.shape)}, "
      f"test images {tuple(X_test.shape)}")
# --8<-- [end:data]

# --8<-- [start:models]
def mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 8), nn.ReLU(),
                         nn.Linear(8, 10))


def cnn():
    return nn.Sequential(
        nn.Conv2d(1, 16, 3), nn.ReLU(), nn.MaxPool2d(2),  # -> (16, 13, 13)
        nn.Conv2d(16, 16, 3), nn.ReLU(), nn.MaxPool2d(2),  # -> (16, 5, 5)
        nn.Flatten(), nn.Linear(400, 10))


def multiply_adds(model):
    """Multiply-adds for one image, counted from the layers' outputs."""
    count = []
    def hook(layer, inputs, out):
        if isinstance(layer, nn.Conv2d):  # each output value: C_in * k * k
            count.append(out[0].numel() * layer.in_channels
                         * layer.kernel_size[0] ** 2)
        elif isinstance(layer, nn.Linear):
            count.append(layer.in_features * layer.out_features)
    for layer in model.modules():
        layer.register_forward_hook(hook)
    model(torch.zeros(1, 1, 28, 28))
    return sum(count)


for name, make in [("MLP", mlp), ("CNN", cnn)]:
    print(f"{name}: {sum(p.numel() for p in make().parameters()):,d} "
          f"parameters, {multiply_adds(make()):,d} multiply-adds per image")
kernels = cnn()[:6]  # the two convolution stages, without the output layer
print(f"CNN kernels: {sum(p.numel() for p in kernels.parameters()):,d} "
      f"parameters, {multiply_adds(kernels) / multiply_adds(cnn()):.0%} "
      f"of its multiply-adds")
print(f"CNN / MLP multiply-adds: "
      f"{multiply_adds(cnn()) / multiply_adds(mlp()):.1f}x")
# --8<-- [end:models]

# --8<-- [start:train]
def train(make_model, X, y, seed, batch_size=64):
    """Adam for num_epochs epochs; returns the model, loss every 100 steps."""
    torch.manual_seed(seed)
    model = make_model().to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    losses, step = [], 0
    for epoch in range(num_epochs):
        order = torch.randperm(len(X), device=device)  # reshuffle every epoch
        for start in range(0, len(X), batch_size):
            idx = order[start:start + batch_size]
            loss = nn.functional.cross_entropy(model(X[idx]), y[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if step % 100 == 0:
                losses.append(loss.item())
            step += 1
    return model, losses


def accuracy(model, X, y):
    with torch.no_grad():
        return (model(X).argmax(dim=1) == y).float().mean().item()
# --8<-- [end:train]

# --8<-- [start:permute]
torch.manual_seed(0)
# ONE fixed shuffle of the 784 positions
perm = torch.randperm(784, device=device)


def shuffle_pixels(X):
    # same shuffle for every image
    return X.flatten(1)[:, perm].view(-1, 1, 28, 28)


results, curves, models = {}, {}, {}
for data in ["original", "shuffled"]:
    prep = (lambda X: X) if data == "original" else shuffle_pixels
    for name, make in [("MLP", mlp), ("CNN", cnn)]:
        runs = [train(make, prep(X_train), y_train, seed) for seed in seeds]
        acc = [accuracy(model, prep(X_test), y_test) for model, _ in runs]
        results[name, data], curves[name, data] = acc, [c for _, c in runs]
        models[name, data] = runs[0][0]
        print(f"{name} on {data} pixels: test accuracy "
              f"{statistics.mean(acc):.4f} ± {statistics.stdev(acc):.4f} "
              f"({len(seeds)} seeds, {num_epochs} epochs)")
mean = {key: statistics.mean(acc) for key, acc in results.items()}
drop = {m: mean[m, "original"] - mean[m, "shuffled"] for m in ("MLP", "CNN")}
print(f"accuracy lost to the shuffle: MLP {drop['MLP']:.4f}, "
      f"CNN {drop['CNN']:.4f}")
lead = {d: mean["CNN", d] - mean["MLP", d] for d in ("original", "shuffled")}
print(f"CNN minus MLP: original pixels {lead['original']:.4f}, "
      f"shuffled {lead['shuffled']:.4f}")
# --8<-- [end:permute]

# --8<-- [start:wide]
# A control with the CNN's compute: an MLP as wide as it takes to do as many
# multiply-adds per image as the CNN (so about 60 times the CNN's parameters)
width = round(multiply_adds(cnn()) / (784 + 10))


def wide_mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, width), nn.ReLU(),
                         nn.Linear(width, 10))


acc = [accuracy(train(wide_mlp, X_train, y_train, seed)[0], X_test, y_test)
       for seed in seeds]
n_wide = sum(p.numel() for p in wide_mlp().parameters())
n_cnn = sum(p.numel() for p in cnn().parameters())
print(f"wide MLP: {width} hidden units, "
      f"{multiply_adds(wide_mlp()):,d} multiply-adds, "
      f"{n_wide:,d} parameters")
print(f"wide MLP / CNN parameters: {n_wide / n_cnn:.1f}x")
print(f"wide MLP on original pixels: test accuracy {statistics.mean(acc):.4f} "
      f"± {statistics.stdev(acc):.4f}")
print(f"CNN minus wide MLP on original pixels: "
      f"{mean['CNN', 'original'] - statistics.mean(acc):.4f}")
# --8<-- [end:wide]
wide_mean = statistics.mean(acc)

# sample digits before and after the shuffle (an image of data: PNG)
fig, axes = plt.subplots(2, 6, figsize=(4.5, 1.9), layout="constrained")
for j in range(6):
    for i, img in enumerate([X_test[j], shuffle_pixels(X_test[j:j + 1])[0]]):
        axes[i, j].imshow(img[0].cpu(), cmap="gray_r")
        axes[i, j].set(xticks=[], yticks=[])
        axes[i, j].grid(False)
axes[0, 0].set_ylabel("original")
axes[1, 0].set_ylabel("shuffled")
fig.savefig("shuffled_digits.png", dpi=150)

fig, ax = plt.subplots(figsize=(4.5, 3.4), layout="constrained")
styles = {("MLP", "original"): ("#0072B2", "-"),
          ("MLP", "shuffled"): ("#56B4E9", "--"),
          ("CNN", "original"): ("#D55E00", "-"),
          ("CNN", "shuffled"): ("#E69F00", "--")}
for key, runs in curves.items():
    curve = torch.tensor(runs).mean(dim=0)
    color, style = styles[key]
    ax.plot(torch.arange(len(curve)) * 100, curve, color=color,
            linestyle=style, label=f"{key[0]}, {key[1]} pixels")
ax.set(xlabel="step (batch of 64)", ylabel="training loss", yscale="log")
fig.legend(loc="outside lower center", ncol=2)  # off the curves
fig.savefig("fc_vs_cnn_loss.svg")

# confusion matrix of the CNN on the original test images
with torch.no_grad():
    pred = models["CNN", "original"](X_test).argmax(dim=1)
confusion = torch.zeros(10, 10, dtype=torch.long)
confusion.index_put_((y_test.cpu(), pred.cpu()), torch.ones_like(pred.cpu()),
                     accumulate=True)  # count (true, predicted) pairs
fig, ax = plt.subplots(figsize=(4.2, 3.6))
im = ax.imshow(confusion, cmap="Blues", norm="log")
fig.colorbar(im, ax=ax, label="test images")
ax.set(xlabel="predicted digit", ylabel="true digit", xticks=range(10),
       yticks=range(10))
ax.grid(False)
fig.savefig("confusion_matrix.svg")

assert mean["CNN", "original"] > mean["MLP", "original"], \
    "the CNN should beat the MLP"
assert drop["CNN"] > drop["MLP"] + 0.01, \
    "shuffling pixels should hurt the CNN more"
spread = max(statistics.stdev(results["MLP", d])
             for d in ("original", "shuffled"))
assert abs(drop["MLP"]) < 2 * spread, \
    "for the MLP, the shuffle should be within noise"
if not quick:  # one epoch on 5,000 images is too short to show these two
    assert mean["CNN", "shuffled"] > mean["MLP", "shuffled"], \
        "the shuffled CNN should still beat the small MLP"
    assert wide_mean > mean["CNN", "shuffled"], \
        "an MLP with the CNN's compute should beat the shuffled CNN"
