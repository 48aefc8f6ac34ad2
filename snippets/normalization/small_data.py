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
print(f"train {len(X_train)}, validation {len(X_val)}, test {len(X_test)}")
# --8<-- [end:data]


# --8<-- [start:train]
def mlp(p_drop):
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Dropout(p_drop),
                         nn.Linear(256, 256), nn.ReLU(), nn.Dropout(p_drop),
                         nn.Linear(256, 10))


def accuracy(model, X, y):
    model.eval()  # dropout off
    with torch.no_grad():
        return (model(X).argmax(dim=1) == y).float().mean().item()


def train(seed, p_drop=0.0, opt=torch.optim.Adam, wd=0.0, batch_size=100):
    torch.manual_seed(seed)
    model = mlp(p_drop).to(device)
    optimizer = opt(model.parameters(), lr=1e-3, weight_decay=wd)
    val_accs, best = [], None
    for epoch in range(num_epochs):
        model.train()
        for idx in torch.randperm(n_train).split(batch_size):
            loss = nn.functional.cross_entropy(model(X_train[idx]),
                                               y_train[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        val_accs.append(accuracy(model, X_val, y_val))
        if val_accs[-1] > max(val_accs[:-1], default=-1):  # early stopping:
            best = copy.deepcopy(model)  # keep the best model so far
    norm = torch.cat([m.weight.flatten() for m in model
                      if isinstance(m, nn.Linear)]).norm().item()
    return dict(train=accuracy(model, X_train, y_train), val=val_accs[-1],
                test=accuracy(model, X_test, y_test), norm=norm,
                val_accs=val_accs, best=best)


configs = {"baseline": {},
           "dropout 0.2": dict(p_drop=0.2), "dropout 0.5": dict(p_drop=0.5),
           "Adam + L2 1e-4": dict(wd=1e-4), "Adam + L2 1e-3": dict(wd=1e-3),
           "AdamW 0.1": dict(opt=torch.optim.AdamW, wd=0.1),
           "AdamW 1.0": dict(opt=torch.optim.AdamW, wd=1.0)}
runs = {name: [train(seed, **kw) for seed in seeds]
        for name, kw in configs.items()}
print(f"{num_epochs} epochs of Adam (lr 0.001), mean ± sd over "
      f"{len(seeds)} seeds")
print("                 train   val        test      train-test  |W|")
for name, rs in runs.items():
    m = {k: statistics.mean(r[k] for r in rs) for k in rs[0] if k in
         ("train", "val", "test", "norm")}
    sd = statistics.stdev(r["test"] for r in rs)
    print(f"{name:15s} {m['train']:6.3f} {m['val']:6.3f} {m['test']:7.3f} "
          f"± {sd:.3f} {m['train'] - m['test']:7.3f} {m['norm']:7.1f}")
# --8<-- [end:train]

# --8<-- [start:early]
print("early stopping (baseline): the epoch with the best val accuracy")
for seed, r in zip(seeds, runs["baseline"]):
    stop = r["val_accs"].index(max(r["val_accs"]))  # the first best epoch
    r["early"] = accuracy(r["best"], X_test, y_test)
    print(f"  seed {seed}: epoch {stop + 1:3d}, test {r['early']:.3f} "
          f"(last epoch: {r['test']:.3f})")
# --8<-- [end:early]
