"""Squeeze-and-excitation: by hand, against torchvision, in a small ResNet."""
import os
import statistics
import sys

import matplotlib.pyplot as plt
import torch
from torch import nn
from torchvision import datasets
from torchvision.ops import SqueezeExcitation

device = "cuda" if torch.cuda.is_available() else "cpu"
quick = os.environ.get("DLCAMP_QUICK") == "1"  # tests: few steps, 2 seeds
num_steps, seeds = (20, [1, 2]) if quick else (400, [1, 2, 3, 4])
torch.manual_seed(0)


# --8<-- [start:se]
class SE(nn.Module):
    """Squeeze (average each channel), excite (2 layers), rescale channels."""

    def __init__(self, channels, r=4):
        super().__init__()
        self.fc1 = nn.Linear(channels, channels // r)  # reduction ratio r
        self.fc2 = nn.Linear(channels // r, channels)

    def forward(self, x):  # x: (N, C, H, W)
        s = x.mean(dim=(2, 3))  # squeeze: (N, C)
        w = torch.sigmoid(self.fc2(torch.relu(self.fc1(s))))  # (N, C), 0..1
        self.weights = w.detach()  # kept to look at later
        return x * w[:, :, None, None]  # one scale per channel


se = SE(64)
reference = SqueezeExcitation(64, 64 // 4)  # 1x1 convs instead of Linear
with torch.no_grad():  # give torchvision's version the same weights
    for ours, theirs in [(se.fc1, reference.fc1), (se.fc2, reference.fc2)]:
        theirs.weight.copy_(ours.weight[:, :, None, None])
        theirs.bias.copy_(ours.bias)
x = torch.randn(8, 64, 7, 7)
gap = (se(x) - reference(x)).abs().max().item()
print(f"largest |by hand - torchvision| = {gap:.1e}")
params = sum(p.numel() for p in se.parameters())
print(f"SE on 64 channels, r = 4: {params:,d} parameters (2*C*C/r + C/r + C)")
# --8<-- [end:se]

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


def as_tensors(dataset, n):
    X = dataset.data[:n, None].float().div(255)  # (n, 1, 28, 28)
    X = nn.functional.avg_pool2d(X, 2)  # (n, 1, 14, 14)
    return X.to(device), dataset.targets[:n].to(device)


X_train, y_train = as_tensors(train_set, 1000 if quick else 10000)
X_test, y_test = as_tensors(test_set, 500 if quick else 2000)
mean, std = X_train.mean(), X_train.std()
X_train, X_test = (X_train - mean) / std, (X_test - mean) / std
# --8<-- [end:data]


# --8<-- [start:net]
class Block(nn.Module):
    """A residual block; with se=True, SE rescales F(x) before the sum."""

    def __init__(self, c_in, c_out, stride, se):
        super().__init__()
        self.f = nn.Sequential(
            nn.Conv2d(c_in, c_out, 3, stride, padding=1, bias=False),
            nn.BatchNorm2d(c_out), nn.ReLU(),
            nn.Conv2d(c_out, c_out, 3, padding=1, bias=False),
            nn.BatchNorm2d(c_out))
        self.se = SE(c_out) if se else nn.Identity()
        self.shortcut = nn.Identity()
        if stride != 1 or c_in != c_out:
            self.shortcut = nn.Sequential(
                nn.Conv2d(c_in, c_out, 1, stride, bias=False),
                nn.BatchNorm2d(c_out))

    def forward(self, x):
        return torch.relu(self.se(self.f(x)) + self.shortcut(x))


def make_net(se, widths=(16, 32, 64)):
    """An 8-layer ResNet: a stem conv, three blocks, a linear classifier."""
    layers = [nn.Conv2d(1, widths[0], 3, padding=1, bias=False),
              nn.BatchNorm2d(widths[0]), nn.ReLU()]
    c_in = widths[0]
    for i, c_out in enumerate(widths):
        layers.append(Block(c_in, c_out, 1 if i == 0 else 2, se))
        c_in = c_out
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c_in, 10)]
    return nn.Sequential(*layers).to(device)


def train_and_test(se, seed, batch_size=128):
    torch.manual_seed(seed)
    model = make_net(se)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9,
                                weight_decay=1e-4)
    for step in range(num_steps):
        idx = torch.randint(len(X_train), (batch_size,), device=device)
        loss = nn.functional.cross_entropy(model(X_train[idx]), y_train[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        accuracy = (model(X_test).argmax(1) == y_test).float().mean().item()
    return model, accuracy
# --8<-- [end:net]

# --8<-- [start:compare]
accuracy, models = {}, {}
for se in (False, True):
    runs = [train_and_test(se, seed) for seed in seeds]
    models[se], accuracy[se] = runs[0][0], [acc for _, acc in runs]
    n_params = sum(p.numel() for p in models[se].parameters())
    print(f"{'with SE' if se else 'without SE':10s} {n_params:6,d} parameters:"
          f" test accuracy {statistics.mean(accuracy[se]):.4f}"
          f" ± {statistics.stdev(accuracy[se]):.4f}")
gain = statistics.mean(accuracy[True]) - statistics.mean(accuracy[False])
# the standard error of a difference of two means of len(seeds) runs each
se_gain = (sum(statistics.variance(a) for a in accuracy.values())
           / len(seeds)) ** 0.5
print(f"SE - no SE: {gain:+.4f}, standard error {se_gain:.4f} "
      f"({len(seeds)} seeds, {num_steps} steps)")


def multiply_adds(model):
    """Per 14x14 image: conv and linear layers, and SE's rescaling (one
    multiplication per value it scales)."""
    counts = []

    def hook(m, inputs, out):
        if isinstance(m, nn.Conv2d):
            k = m.kernel_size[0] * m.kernel_size[1]
            counts.append(out.numel() * m.in_channels // m.groups * k)
        elif isinstance(m, nn.Linear):
            counts.append(out.numel() * m.in_features)
        elif isinstance(m, SE):
            counts.append(out.numel())
    hooks = [m.register_forward_hook(hook) for m in model.modules()]
    with torch.no_grad():
        model.eval()(X_test[:1])
    for h in hooks:
        h.remove()
    return sum(counts)


macs = {se: multiply_adds(model) for se, model in models.items()}
share = macs[True] / macs[False] - 1
print(f"multiply-adds per image: {macs[False]:,d} without SE, "
      f"{macs[True]:,d} with SE (+{share:.2%})")
# --8<-- [end:compare]

# --8<-- [start:excitation]
blocks = [m for m in models[True] if isinstance(m, Block)]
with torch.no_grad():
    models[True](X_test)  # each SE keeps its weights for these images
spread = []  # how much the class averages differ, per block
for block in blocks:
    per_class = torch.stack([block.se.weights[y_test == c].mean(0)
                             for c in range(10)])  # (10 classes, C)
    spread.append(per_class.std(0).mean().item())
print("excitation: sd across class averages, per block:",
      ", ".join(f"{s:.3f}" for s in spread))
# --8<-- [end:excitation]

fig, ax = plt.subplots(figsize=(4.5, 3.8), layout="constrained")
im = ax.imshow(per_class.cpu(), aspect="auto", cmap="viridis",
               vmin=0, vmax=1)
ax.set(xlabel="channel of the last block", yticks=range(10),
       yticklabels=train_set.classes)
ax.grid(False)
fig.colorbar(im, ax=ax, label="mean excitation weight")
fig.savefig("se_excitation.svg")

block = Block(16, 16, 1, se=True).to(device)
nn.init.zeros_(block.f[4].weight)  # F(x) = 0: only the shortcut is left
x = torch.randn(8, 16, 14, 14, device=device)
with torch.no_grad():  # SE sits on F(x), so x should pass on unscaled
    passed_on = (block(x) - torch.relu(x)).abs().max().item()
assert passed_on < 1e-6, "SE should rescale F(x) only, before the sum"
assert share < 0.01, f"SE should add under 1% of the multiply-adds: {share}"
assert gap < 1e-5, "the hand-written SE should match torchvision's"
assert params == 2 * 64 * 16 + 16 + 64, "SE costs 2*C*C/r + C/r + C"
if not quick:  # 20 steps on stand-in data are too few to show these
    assert abs(gain) < 2 * se_gain, "SE's effect should be inside the noise"
    assert spread[-1] > 3 * spread[0], \
        "the last block's excitation should depend on the class far more"
