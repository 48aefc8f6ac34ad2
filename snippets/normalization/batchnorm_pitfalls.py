"""BatchNorm's pitfalls: batch-mates, a batch of one, frozen layers."""
import torch
from torch import nn

torch.manual_seed(0)

model = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8),
                      nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                      nn.Linear(8, 10))
x = torch.randn(1, 1, 28, 28)  # one image
mates_a = torch.randn(15, 1, 28, 28)  # two different sets of batch-mates
mates_b = 0.5 + 2 * torch.randn(15, 1, 28, 28)

# --8<-- [start:mates]
def outputs_for_x(model):
    with torch.no_grad():  # no_grad stops gradients, not the statistics
        out_a = model(torch.cat([x, mates_a]))[0]  # x's logits
        out_b = model(torch.cat([x, mates_b]))[0]
    return (out_a - out_b).abs().max().item()


model.train()  # e.g. forgotten after the last training epoch
before = model[1].running_mean.clone()
gap_train = outputs_for_x(model)
moved = (model[1].running_mean - before).abs().max().item()
model.eval()
gap_eval = outputs_for_x(model)
print(f"train mode: x's logits change by {gap_train:.3f} with its mates")
print(f"            and the running mean moved by {moved:.3f} (no_grad!)")
print(f"eval mode:  x's logits change by {gap_eval:.3f}")
# --8<-- [end:mates]

# --8<-- [start:one]
bn1d = nn.BatchNorm1d(4).train()
try:
    bn1d(torch.randn(1, 4))  # one sample: a variance of one value
    one_fails = False
except ValueError as err:
    one_fails = True
    print(f"batch of 1, train mode: ValueError: {str(err)[:32]}...")
bn2d = nn.BatchNorm2d(1).train()  # 2d: statistics over H, W of one image
image = torch.rand(1, 1, 28, 28)  # (1, 1, 28, 28): a batch of one
bright = 5 + 3 * image  # the same image, brighter and with more contrast
same = (bn2d(image) - bn2d(bright)).abs().max().item()
print(f"batch of 1, BatchNorm2d: x and 5 + 3x differ by {same:.1e} after BN")
# --8<-- [end:one]

# --8<-- [start:frozen]
for p in model.parameters():
    p.requires_grad = False  # "frozen", as in lesson 14
model.train()  # as a training loop does at the start of each epoch
before = model[1].running_mean.clone()
model(mates_b)
frozen_moved = (model[1].running_mean - before).abs().max().item()
for m in model.modules():  # the fix: frozen BN layers back to eval mode
    if isinstance(m, nn.BatchNorm2d):
        m.eval()
before = model[1].running_mean.clone()
model(mates_b)
fixed_moved = (model[1].running_mean - before).abs().max().item()
print(f"frozen, train mode: running mean moved by {frozen_moved:.3f}")
print(f"frozen, BN in eval mode: moved by {fixed_moved:.3f}")
# --8<-- [end:frozen]

assert gap_train > 1e-3, "in train mode x's output should depend on mates"
assert moved > 0, "a forward pass in train mode updates the statistics"
assert gap_eval < 1e-6, f"eval mode: x's output alone: {gap_eval:.1e}"
assert one_fails, "BatchNorm1d should refuse a batch of one in train mode"
assert same < 1e-3, f"one image's BN erases its brightness: {same:.1e}"
assert frozen_moved > 0, "requires_grad=False does not freeze statistics"
assert fixed_moved == 0, "in eval mode the statistics should stay put"
