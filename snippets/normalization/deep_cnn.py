"""A deep plain CNN with and without BatchNorm, at three learning rates."""
import os
import statistics
import sys

import matplotlib.pyplot as plt
import torch
from torch import nn
from torchvision import datasets

device = "cuda" if torch.cuda.is_available() else "cpu"
quick = os.environ.get("DLCAMP_QUICK") == "1"  # tests: few steps
num_steps = 4 if quick else 400
lrs = [0.01, 0.03, 0.3]  # the same grid for both nets
seeds = [1, 2] if quick else [1, 2, 3]

root = os.environ.get("DLCAMP_DATA", "data")  # the folder with MNIST/raw/
try:
    train_set = datasets.MNIST(root, train=True, download=True)
    test_set = datasets.MNIST(root, train=False, download=True)
except RuntimeError as err:
    sys.exit(f"MNIST is not in {os.path.abspath(root)}/MNIST/raw and could "
             f"not be downloaded.\nConnect to the internet, or set "
             f"DLCAMP_DATA to a folder that holds MNIST/raw/.\nDetails: {err}")


def as_tensors(dataset, n):
    X = dataset.data[:n, None].float().div(255)  # (n, 1, 28, 28)
    X = nn.functional.avg_pool2d(X, 2)  # (n, 1, 14, 14): a quarter of the work
    return (X - 0.13) / 0.31, dataset.targets[:n]  # about mean 0, std 1


X_train, y_train = as_tensors(train_set, 500 if quick else 10000)
X_test, y_test = as_tensors(test_set, 200 if quick else 2000)


# --8<-- [start:net]
def deep_cnn(bn, depth=10, width=16):
    """depth 3x3 conv layers, each with ReLU; with bn, BN before the ReLU."""
    layers, c_in = [], 1
    for i in range(depth):
        stride = 2 if i == 0 else 1  # 14x14 -> 7x7 once, then same size
        conv = nn.Conv2d(c_in, width, 3, stride, padding=1, bias=not bn)
        nn.init.kaiming_normal_(conv.weight, nonlinearity="relu")  # He init
        if not bn:
            nn.init.zeros_(conv.bias)
        layers += [conv, nn.BatchNorm2d(width) if bn else nn.Identity(),
                   nn.ReLU()]
        c_in = width
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(width, 10)]
    return nn.Sequential(*layers)


torch.manual_seed(0)
X = X_train[:64]
for bn in (False, True):  # every conv's weights times 2: what changes?
    model = deep_cnn(bn)
    features = model[:-1]  # all but the last linear layer
    with torch.no_grad():
        before = features(X).norm()
        for m in model.modules():
            if isinstance(m, nn.Conv2d):
                m.weight *= 2
        ratio = (features(X).norm() / before).item()
    n_params = sum(p.numel() for p in model.parameters())
    print(f"{'with BN' if bn else 'plain'}: {n_params:,} parameters, "
          f"features grow {ratio:.3f}-fold")
    if bn:
        ratio_bn = ratio
    else:
        ratio_plain = ratio
# --8<-- [end:net]


# --8<-- [start:train]
def test_accuracy(model):
    model.eval()  # BN: the running statistics
    with torch.no_grad():
        y_hat = model(X_test.to(device)).argmax(dim=1).cpu()
    return (y_hat == y_test).float().mean().item()


def recalibrate(model):  # new running statistics for the final weights
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.reset_running_stats()
            m.momentum = None  # a plain average over the batches below
    model.train()
    with torch.no_grad():
        for X in X_train[:2000].split(500):
            model(X.to(device))


def train(bn, lr, seed, batch_size=64):
    torch.manual_seed(seed)
    model = deep_cnn(bn).to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    losses = []
    for step in range(num_steps):
        idx = torch.randint(len(X_train), (batch_size,))
        X, y = X_train[idx].to(device), y_train[idx].to(device)
        loss = nn.functional.cross_entropy(model(X), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    acc = test_accuracy(model)
    if bn:
        recalibrate(model)
    return losses, acc, test_accuracy(model)


runs = {(bn, lr): [train(bn, lr, seed) for seed in seeds]
        for lr in lrs for bn in (False, True)}
print(f"{num_steps} steps of SGD (momentum 0.9), batch 64, {len(seeds)} "
      f"seeds;\ntest accuracy in eval mode, then after recalibrating BN:")
print(f"{'':15s} {'test accuracy':>13s} {'recalibrated':>15s} "
      f"{'loss':>5s}")  # loss: training loss, mean of the last 30 steps
for (bn, lr), results in runs.items():
    losses, acc, acc_new = zip(*results)  # one entry per seed
    last = statistics.mean(statistics.mean(l[-30:]) for l in losses)
    new = (f"{statistics.mean(acc_new):.3f} ± {statistics.stdev(acc_new):.3f}"
           if bn else "-")
    print(f"lr {lr:<4} {'with BN' if bn else 'plain':7s} "
          f"{statistics.mean(acc):.3f} ± {statistics.stdev(acc):.3f} "
          f"{new:>15s} {last:5.2f}")
# --8<-- [end:train]

fig, axes = plt.subplots(3, 1, figsize=(4.5, 7), sharex=True,
                         layout="constrained")
for ax, lr in zip(axes, lrs):
    for bn, color, style in ((False, "#D55E00", "--"), (True, "#0072B2", "-")):
        curves = torch.tensor([l for l, *_ in runs[(bn, lr)]])
        ax.plot(curves.mean(dim=0), color=color, linestyle=style,
                label="with BN" if bn else "plain")
    ax.set(ylabel=f"training loss (lr = {lr})", ylim=(0, 2.6))
axes[0].legend()
axes[-1].set(xlabel="step (batch of 64)")
fig.savefig("deep_cnn.svg", metadata={"Date": None})

assert abs(ratio_plain - 2 ** 10) < 1, "plain: 10 layers, 2^10-fold"
assert abs(ratio_bn - 1) < 1e-3, "BN: the output ignores the weights' scale"
if not quick:
    loss = {key: statistics.mean(statistics.mean(l[-30:]) for l, *_ in r)
            for key, r in runs.items()}
    assert loss[(False, 0.03)] < 1.0, "the plain net should train at 0.03"
    assert loss[(False, 0.3)] > 2.0, "the plain net should fail at 0.3"
    assert max(loss[(True, lr)] for lr in lrs) < 0.5, "BN trains at all"
    for lr in lrs:  # the lag of the running statistics costs accuracy
        _, acc, acc_new = zip(*runs[(True, lr)])
        assert statistics.mean(acc_new) > statistics.mean(acc), \
            f"lr {lr}: recalibrated BN statistics should test better"
