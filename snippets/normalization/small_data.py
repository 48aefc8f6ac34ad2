"""Dropout, weight decay and early stopping on 1,000 MNIST images."""
import copy
import os
import statistics
import sys

import matplotlib.pyplot as plt
import torch
from torch import nn
from torchvision import datasets

device = "cuda" if torch.cuda.is_available() else "cpu"
quick = os.environ.get("DLCAMP_QUICK") == "1"  # tests: less data, few epochs
n_train, n_val, n_test = (200, 200, 200) if quick else (1000, 1000, 5000)
num_epochs = 4 if quick else 100
seeds = [1, 2] if quick else [1, 2, 3, 4, 5]

root = os.environ.get("DLCAMP_DATA", "data")  # the folder with MNIST/raw/
try:
    train_set = datasets.MNIST(root, train=True, download=True)
    test_set = datasets.MNIST(root, train=False, download=True)
except RuntimeError as err:
    sys.exit(f"MNIST is not in {os.path.abspath(root)}/MNIST/raw and could "
             f"not be downloaded.\nConnect to the internet, or set "
             f"DLCAMP_DATA to a folder that holds MNIST/raw/.\nDetails: {err}")

# --8<-- [start:data]
X_all = train_set.data.flatten(1).float().div(255).to(device)  # (60000, 784)
y_all = train_set.targets.to(device)
X_train, y_train = X_all[:n_train], y_all[:n_train]
X_val = X_all[n_train:n_train + n_val]  # held out from the training images
y_val = y_all[n_train:n_train + n_val]
X_test = test_set.data[:n_test].flatten(1).float().div(255).to(device)
y_test = test_set.targets[:n_test].to(device)
X_rest = test_set.data[n_test:].flatten(1).float().div(255).to(device)
y_rest = test_set.targets[n_test:].to(device)  # the other test images
print(f"train {len(X_train)}, validation {len(X_val)}, test {len(X_test)}")
# --8<-- [end:data]


# --8<-- [start:train]
def mlp(p_drop):
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Dropout(p_drop),
                         nn.Linear(256, 256), nn.ReLU(), nn.Dropout(p_drop),
                         nn.Linear(256, 10))


def evaluate(model, X, y):  # accuracy and loss, dropout off
    model.eval()
    with torch.no_grad():
        out = model(X)
    return ((out.argmax(dim=1) == y).float().mean().item(),
            nn.functional.cross_entropy(out, y).item())


def train(seed, p_drop=0.0, opt=torch.optim.Adam, wd=0.0, batch_size=100):
    torch.manual_seed(seed)
    model = mlp(p_drop).to(device)
    optimizer = opt(model.parameters(), lr=1e-3, weight_decay=wd)
    val_accs, val_losses, best = [], [], None
    for epoch in range(num_epochs):
        model.train()
        for idx in torch.randperm(n_train).split(batch_size):
            loss = nn.functional.cross_entropy(model(X_train[idx]),
                                               y_train[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        acc, loss = evaluate(model, X_val, y_val)
        val_accs.append(acc)
        val_losses.append(loss)
        if loss <= min(val_losses):  # early stopping: keep a copy of the
            best = copy.deepcopy(model)  # model with the lowest val loss
    norm = torch.cat([m.weight.flatten() for m in model
                      if isinstance(m, nn.Linear)]).norm().item()
    return dict(train=evaluate(model, X_train, y_train)[0], val=val_accs[-1],
                test=evaluate(model, X_test, y_test)[0], norm=norm,
                val_accs=val_accs, val_losses=val_losses, best=best,
                model=model)


configs = {"baseline": {},
           "dropout 0.2": dict(p_drop=0.2), "dropout 0.5": dict(p_drop=0.5),
           "Adam + L2 1e-4": dict(wd=1e-4), "Adam + L2 1e-3": dict(wd=1e-3),
           "AdamW 0.1": dict(opt=torch.optim.AdamW, wd=0.1),
           "AdamW 1.0": dict(opt=torch.optim.AdamW, wd=1.0)}
runs = {name: [train(seed, **kw) for seed in seeds]
        for name, kw in configs.items()}
print(f"{num_epochs} epochs of Adam (lr 0.001), mean ± sd over "
      f"{len(seeds)} seeds")
print(f"{'':15s} {'train':>6s} {'val':>6s} {'test ± sd':>15s} "
      f"{'gap':>7s} {'|W|':>7s}")  # gap: train - test accuracy
for name, rs in runs.items():
    m = {k: statistics.mean(r[k] for r in rs) for k in rs[0] if k in
         ("train", "val", "test", "norm")}
    sd = statistics.stdev(r["test"] for r in rs)
    print(f"{name:15s} {m['train']:6.3f} {m['val']:6.3f} {m['test']:7.3f} "
          f"± {sd:.3f} {m['train'] - m['test']:7.3f} {m['norm']:7.1f}")
# --8<-- [end:train]

# --8<-- [start:rest]
base = runs["baseline"]
rest = [evaluate(r["model"], X_rest, y_rest)[0] for r in base]
print(f"baseline, test images 1-{n_test}: "
      f"{statistics.mean(r['test'] for r in base):.3f}, "
      f"{n_test + 1}-{n_test + len(X_rest)}: {statistics.mean(rest):.3f} "
      f"± {statistics.stdev(rest):.3f}")
# --8<-- [end:rest]

# --8<-- [start:early]
stops = [r["val_losses"].index(min(r["val_losses"])) + 1 for r in base]
early = [evaluate(r["best"], X_test, y_test)[0] for r in base]
print(f"early stopping (baseline), lowest val loss at epoch "
      f"{statistics.mean(stops):.0f} ± {statistics.stdev(stops):.0f}")
print(f"  test accuracy there {statistics.mean(early):.3f} ± "
      f"{statistics.stdev(early):.3f}, after {num_epochs} epochs "
      f"{statistics.mean(r['test'] for r in base):.3f}")
# --8<-- [end:early]

fig, axes = plt.subplots(2, 1, figsize=(4.5, 5.6), sharex=True,
                         layout="constrained")
epochs = range(1, num_epochs + 1)
for name, color, style in (("baseline", "#D55E00", "--"),
                           ("dropout 0.5", "#0072B2", "-"),
                           ("AdamW 1.0", "#009E73", ":")):
    for ax, key in zip(axes, ("val_losses", "val_accs")):
        curve = torch.tensor([r[key] for r in runs[name]]).mean(dim=0)
        ax.plot(epochs, curve, color=color, linestyle=style, label=name)
for ax in axes:
    ax.axvline(statistics.mean(stops), color="grey", linewidth=0.8)
axes[0].set(ylabel="validation loss")
axes[1].set(ylabel="validation accuracy", xlabel="epoch")
axes[0].legend()
fig.savefig("small_data.svg", metadata={"Date": None})

for r, stop in zip(base, stops):  # the kept model is the stopping epoch's
    assert evaluate(r["best"], X_val, y_val)[1] == r["val_losses"][stop - 1]
for a, b in zip(base, runs["Adam + L2 1e-3"]):
    assert b["norm"] < 0.97 * a["norm"], "weight decay should shrink |W|"
for a, b in zip(base, runs["AdamW 1.0"]):
    assert b["norm"] < a["norm"], "AdamW's decay should shrink |W|"
if not quick:
    test = {k: [r["test"] for r in rs] for k, rs in runs.items()}
    mean = {k: statistics.mean(v) for k, v in test.items()}
    noise = max(statistics.stdev(v) for v in test.values())
    gain = mean["dropout 0.5"] - mean["baseline"]
    assert gain > 2 * noise, f"dropout 0.5 should help beyond noise: {gain}"
    assert all(r["train"] > 0.99 for rs in runs.values() for r in rs), \
        "every model should fit its 1,000 training images"
    assert min(statistics.mean(r["train"] - r["test"] for r in rs)
               for rs in runs.values()) > 0.1, "a large gap should remain"
    assert statistics.mean(rest) > mean["baseline"] + 2 * noise, \
        "the other test images should be easier for this network"
    assert statistics.mean(early) <= mean["baseline"], \
        "here stopping at the lowest val loss should not help"
