"""What num_workers and pin_memory change, measured."""
import os
import sys
import time

import torch
from torch.utils.data import DataLoader
from torchvision import datasets, transforms

device = "cuda" if torch.cuda.is_available() else "cpu"
quick = os.environ.get("DLCAMP_QUICK") == "1"
# the folder that holds MNIST/raw/
root = os.environ.get("DLCAMP_DATA", "data")
try:
    train_set = datasets.MNIST(root, train=True,
                               download=True,  # only if missing
                               transform=transforms.ToTensor())
except RuntimeError as err:
    sys.exit(f"MNIST is not in {os.path.abspath(root)}/MNIST/raw and could "
             f"not be downloaded.\nConnect to the internet, or set "
             f"DLCAMP_DATA to a folder that holds MNIST/raw/.\n"
             f"Details: {err}")

# --8<-- [start:measure]
def images_per_second(num_workers, pin_memory,
                      num_batches=50 if quick else 300):
    loader = DataLoader(train_set, batch_size=64, shuffle=True,
                        num_workers=num_workers, pin_memory=pin_memory)
    start = time.perf_counter()
    # includes starting the worker processes
    for i, (X, y) in enumerate(loader):
        X = X.to(device, non_blocking=pin_memory)
        if i + 1 == num_batches:
            break
    if device == "cuda":
        torch.cuda.synchronize()
    return num_batches * 64 / (time.perf_counter() - start)


print(f"device: {device}, CPU cores: {os.cpu_count()}")
speeds = {}
for workers in sorted({0, 1, 2, min(os.cpu_count(), 8)}):
    for pin in ([False, True] if device == "cuda" else [False]):
        speeds[workers, pin] = images_per_second(workers, pin)
        print(f"num_workers={workers}, pin_memory={pin!s:5}: "
              f"{speeds[workers, pin]:8,.0f} images/s")
# --8<-- [end:measure]

# --8<-- [start:same]
def first_batch(num_workers):
    loader = DataLoader(train_set, batch_size=64, shuffle=True,
                        num_workers=num_workers,
                        # the same order
                        generator=torch.Generator().manual_seed(0))
    return next(iter(loader))


(X0, y0), (X2, y2) = first_batch(0), first_batch(2)
same = torch.equal(X0, X2) and torch.equal(y0, y2)
print("same first batch with 0 and 2 workers:", same)
# --8<-- [end:same]

assert same, "the number of workers must not change the data"
if os.cpu_count() >= 4:  # with spare cores, background loading should pay off
    assert max(speeds, key=speeds.get)[0] > 0, \
        "workers should beat the main process"
