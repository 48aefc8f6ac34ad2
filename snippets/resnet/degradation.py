"""Plain vs residual CNNs, shallow vs deep, on Fashion-MNIST: degradation."""
import copy
import os
import statistics
import sys

import matplotlib.pyplot as plt
import torch
from torch import nn
from torchvision import datasets

device = "cuda" if torch.cuda.is_available() else "cpu"
quick = os.environ.get("DLCAMP_QUICK") == "1"  # tests: small nets, few steps
depths = {"shallow": 1, "deep": 3} if quick else {"shallow": 3, "deep": 9}
num_steps, eval_every = (20, 10) if quick else (300, 50)
seeds = [1, 2]

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
    X = nn.functional.avg_pool2d(X, 2)  # (n, 1, 14, 14): a quarter of the work
    return X.to(device), dataset.targets[:n].to(device)


X_train, y_train = as_tensors(train_set, 1000 if quick else 10000)
X_test, y_test = as_tensors(test_set, 500 if quick else 1000)
mean, std = X_train.mean(), X_train.std()
X_train, X_test = (X_train - mean) / std, (X_test - mean) / std
print(f"training images {tuple(X_train.shape)}, test {tuple(X_test.shape)}")
# --8<-- [end:data]


# --8<-- [start:nets]
class Block(nn.Module):
    """Two 3x3 conv-BN layers; with residual=True the input is added back."""

    def __init__(self, c_in, c_out, stride, residual):
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, c_out, 3, stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c_out)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c_out)
        self.residual = residual
        self.shortcut = nn.Identity()
        if stride != 1 or c_in != c_out:
            self.shortcut = nn.Sequential(
                nn.Conv2d(c_in, c_out, 1, stride, bias=False),
                nn.BatchNorm2d(c_out))

    def forward(self, x):
        out = self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x)))))
        return torch.relu(out + self.shortcut(x) if self.residual else out)


def make_net(n, residual, zero_init=False, width=8):
    """The paper's CIFAR design at half width: 6n + 2 layers, 3 stages of
    n blocks (with 1x1 projection shortcuts; the paper pads with zeros)."""
    layers = [nn.Conv2d(1, width, 3, padding=1, bias=False),
              nn.BatchNorm2d(width), nn.ReLU()]
    c_in = width
    for stage, c_out in enumerate([width, 2 * width, 4 * width]):
        for i in range(n):  # the first block of stages 2 and 3 halves H, W
            stride = 2 if stage > 0 and i == 0 else 1
            layers.append(Block(c_in, c_out, stride, residual))
            c_in = c_out
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c_in, 10)]
    net = nn.Sequential(*layers)
    if zero_init:  # torchvision's zero_init_residual: each block starts as x
        for block in net:
            if isinstance(block, Block):
                nn.init.zeros_(block.bn2.weight)
    return net.to(device)
# --8<-- [end:nets]


# --8<-- [start:train]
def measure(model, X, y, train_mode=False):
    """Error and loss on X. BN normalises with its running statistics
    (eval mode) or with each batch's own, as in training (train mode); on
    a copy, so the model's running statistics stay as they are."""
    model = copy.deepcopy(model).train(train_mode)
    with torch.no_grad():
        logits = torch.cat([model(X[i:i + 500])
                            for i in range(0, len(X), 500)])
    return ((logits.argmax(1) != y).float().mean().item(),
            nn.functional.cross_entropy(logits, y).item())


def train(model, seed, batch_size=128):
    """SGD as in the paper (no schedule: the budget is short)."""
    torch.manual_seed(seed)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9,
                                weight_decay=1e-4)
    curve = []  # (step, training error, test error, the same training
    for step in range(num_steps + 1):  # images in train mode: error, loss)
        if step % eval_every == 0:
            X, y = X_train[:1000], y_train[:1000]
            curve.append((step, measure(model, X, y)[0],
                          measure(model, X_test, y_test)[0],
                          *measure(model, X, y, train_mode=True)))
        if step == num_steps:
            return curve
        idx = torch.randint(len(X_train), (batch_size,), device=device)
        loss = nn.functional.cross_entropy(model(X_train[idx]), y_train[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
# --8<-- [end:train]


# --8<-- [start:gradients]
def block_norms(model):
    """Per block: norms of the loss gradient and of the conv weights
    (on a copy: the train-mode pass must not touch the running stats)."""
    model = copy.deepcopy(model)
    model.zero_grad()
    idx = torch.arange(512, device=device)  # one fixed batch
    nn.functional.cross_entropy(model(X_train[idx]), y_train[idx]).backward()
    blocks = [b for b in model if isinstance(b, Block)]
    grad = [torch.cat([b.conv1.weight.grad.flatten(),
                       b.conv2.weight.grad.flatten()]).norm().item()
            for b in blocks]
    weight = [torch.cat([b.conv1.weight.flatten(),
                         b.conv2.weight.flatten()]).norm().item()
              for b in blocks]
    return grad, weight
# --8<-- [end:gradients]


# --8<-- [start:run]
configs = {  # name: (blocks per stage, residual, zero-initialised last BN)
    "plain, shallow": (depths["shallow"], False, False),
    "plain, deep": (depths["deep"], False, False),
    "residual, shallow": (depths["shallow"], True, False),
    "residual, deep": (depths["deep"], True, False),
    "residual, deep, zero-init": (depths["deep"], True, True),
}
curves, final, grads = {}, {}, {}
print(f"{'model':26s} layers  training error   test error")
for name, (n, residual, zero_init) in configs.items():
    runs = []
    for seed in seeds:
        torch.manual_seed(seed)
        model = make_net(n, residual, zero_init)
        if seed == seeds[0] and not zero_init:
            grads[name, "init"] = block_norms(model)
        runs.append(train(model, seed))
        if seed == seeds[0] and not zero_init:
            grads[name, "trained"] = block_norms(model)
    curves[name] = runs
    final[name] = [[run[-1][k] for run in runs] for k in (1, 2)]
    (tr_mean, tr_sd), (te_mean, te_sd) = [
        (statistics.mean(e), statistics.stdev(e)) for e in final[name]]
    print(f"{name:26s} {6 * n + 2:6d}   {tr_mean:.3f} ± {tr_sd:.3f}"
          f"    {te_mean:.3f} ± {te_sd:.3f}")
print(f"({num_steps} steps of 128 images, {len(seeds)} seeds, mean ± sd)")
# --8<-- [end:run]

# --8<-- [start:modes]
print("plain, deep, training images (mean of the seeds):")
print("  step   error (eval mode)   error (train mode)   loss (train mode)")
for points in zip(*curves["plain, deep"]):  # the seeds' points at one step
    step, e_eval, _, e_train, loss = map(statistics.mean, zip(*points))
    print(f"{step:6.0f} {e_eval:19.3f} {e_train:20.3f} {loss:19.3f}")
print("(guessing: error 0.900, loss 2.303)")
# --8<-- [end:modes]

# --8<-- [start:gradient_report]
print("                        gradient norm        conv weight norm")
print("                        first block  last    first block  last")
for name in ("plain, deep", "residual, deep"):
    for when in ("init", "trained"):
        (g, w), label = grads[name, when], name.split(",")[0] + ", " + when
        print(f"{label:22s} {g[0]:11.3f} {g[-1]:7.3f}"
              f" {w[0]:11.1f} {w[-1]:7.1f}")
print("gradient at init    first / last block   per block   max / min")
for name in ("plain, deep", "residual, deep"):
    g = grads[name, "init"][0]
    print(f"{name.split(',')[0]:20s} {g[0] / g[-1]:17,.1f}"
          f" {(g[0] / g[-1]) ** (1 / (len(g) - 1)):11.2f}"
          f" {max(g) / min(g):11,.1f}")
(g0, w0), (g1, w1) = [grads["plain, deep", when]
                      for when in ("init", "trained")]
print(f"plain, first block: weight norm x {w1[0] / w0[0]:.0f} in training")
print(f"  lr * gradient / weight norm: {0.1 * g0[0] / w0[0]:.1f} at init,"
      f" {0.1 * g1[0] / w1[0]:.1e} trained")
print(f"  trained, gradient * weight norm: {g1[0] * w1[0]:.1f}"
      f" (last block {g1[-1] * w1[-1]:.1f})")

# Batch norm undoes any scaling of the conv weights before it, so the
# gradient shrinks by the same factor: d loss / d(c w) = (d loss / d w) / c
block = Block(8, 8, 1, residual=False).to(device)
x = torch.randn(64, 8, 14, 14, device=device)
out, grad = [], []
for scale in (1, 10):
    with torch.no_grad():
        block.conv1.weight.mul_(scale)
    block.zero_grad()
    out.append(block(x))
    out[-1].square().mean().backward()
    grad.append(block.conv1.weight.grad.norm().item())
change = (out[1] - out[0]).abs().max().item()
print(f"conv1 weights x 10: output changes by {change:.1e}, "
      f"gradient norm / {grad[0] / grad[1]:.1f}")
# --8<-- [end:gradient_report]

styles = {"plain, shallow": ("#56B4E9", "o"), "plain, deep": ("#0072B2", "s"),
          "residual, shallow": ("#E69F00", "^"),
          "residual, deep": ("#D55E00", "D")}
fig, axes = plt.subplots(2, 1, figsize=(4.5, 5.6), sharex=True,
                         layout="constrained")
for name, (color, marker) in styles.items():
    n = configs[name][0]
    steps = [point[0] for point in curves[name][0]]
    for k, ax in zip((1, 2), axes):
        e = torch.tensor([[p[k] for p in run] for run in curves[name]])
        ax.plot(steps, e.mean(0), color=color, marker=marker, markersize=4,
                label=f"{name.split(',')[0]}, {6 * n + 2} layers")
    if name == "plain, deep":  # its training error as training sees it
        e = torch.tensor([[p[3] for p in run] for run in curves[name]])
        axes[0].plot(steps, e.mean(0), color=color, marker=marker,
                     markersize=4, linestyle="--", markerfacecolor="none",
                     label=f"plain, {6 * n + 2}, train mode")
axes[0].set(ylabel="training error")
axes[1].set(ylabel="test error", xlabel="step (batch of 128)")
fig.legend(*axes[0].get_legend_handles_labels(), ncol=2,
           loc="outside upper center")  # above the panels, off the curves
fig.savefig("degradation.svg")

fig, ax = plt.subplots(figsize=(4.5, 3.8), layout="constrained")
for name, color in (("plain, deep", "#0072B2"), ("residual, deep", "#D55E00")):
    for when, style in (("init", "--"), ("trained", "-")):
        g = grads[name, when][0]
        ax.plot(range(1, len(g) + 1), g, color=color, linestyle=style,
                label=f"{name.split(',')[0]}, {when}")
ax.set(xlabel="block (1 = next to the input)",
       ylabel="gradient norm of the block", yscale="log")
fig.legend(loc="outside lower center", ncol=2)  # off the curves
fig.savefig("block_gradients.svg")

mean_of = {name: [statistics.mean(e) for e in final[name]] for name in final}
noise = max(statistics.stdev(e) for name in final for e in final[name])
err = {name: means[0] for name, means in mean_of.items()}  # training error
g_plain = grads["plain, deep", "init"][0]
g_res = grads["residual, deep", "init"][0]
block = Block(8, 8, 1, residual=True).to(device)
nn.init.zeros_(block.bn2.weight)  # F(x) = 0: the block should pass x on
with torch.no_grad():
    passed_on = (block(x) - torch.relu(x)).abs().max().item()
assert passed_on < 1e-6, "a residual block with F(x) = 0 should give relu(x)"
assert g_plain[0] > g_plain[-1], \
    "at init the plain BN net's gradient should grow towards the input"
spread = g_plain[0] / g_plain[-1] / (g_res[0] / g_res[-1])  # 20 layers: 2.1
assert spread > (1.5 if quick else 10), \
    "the plain net's gradient should spread far more than the residual's"
assert grad[0] / grad[1] > 9.9, "BN: 10 x the weights, a tenth the gradient"
if not quick:  # 20 steps of 8- and 20-layer nets are too few to show these
    assert err["plain, deep"] > err["plain, shallow"] + 2 * noise, \
        "the deep plain net should train worse than the shallow plain net"
    assert err["residual, deep"] < err["plain, deep"] - 2 * noise, \
        "the deep residual net should train better than the deep plain net"
    assert g_plain[0] > 100 * g_plain[-1], "the growth should be large"
    rising = sum(a > b for a, b in zip(g_plain, g_plain[1:]))
    assert rising > 0.75 * (len(g_plain) - 1), \
        "block after block, the plain net's gradient should grow towards x"
    w_init = grads["plain, deep", "init"][1][0]
    w_trained = grads["plain, deep", "trained"][1][0]
    assert w_trained > 10 * w_init, \
        "big early gradients should have inflated the first block's weights"
