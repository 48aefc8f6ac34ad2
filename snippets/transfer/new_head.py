"""ResNet-18 for your classes: a new head, a frozen backbone, two lrs."""
import os

import torch
from torch import nn
from torchvision import models

torch.manual_seed(0)
num_classes = 4  # the class folders of my_photos/train
# DLCAMP_PRETRAINED=1 downloads ImageNet weights (needs the internet)
pretrained = os.environ.get("DLCAMP_PRETRAINED") == "1"

# --8<-- [start:load]
weights = models.ResNet18_Weights.DEFAULT  # trained on ImageNet-1k
model = models.resnet18(weights=weights if pretrained else None)
preprocess = weights.transforms()  # inference preset; builds, no download
print(preprocess)
print("weights file:", weights.url.split("/")[-1])
print("old head:", model.fc)
n = sum(p.numel() for p in model.parameters())
print(f"ResNet-18 with the 1000-class head: {n:,} parameters "
      f"({n / 1e6:.2f} M)")
# --8<-- [end:load]

# --8<-- [start:head]
model.fc = nn.Linear(model.fc.in_features, num_classes)  # new, random
print("new head:", model.fc)
for p in model.parameters():
    p.requires_grad = False  # freeze everything ...
for p in model.fc.parameters():
    p.requires_grad = True  # ... but the new head


def count(params):
    return sum(p.numel() for p in params)


trainable = [p for p in model.parameters() if p.requires_grad]
print(f"trainable: {count(trainable):,} of {count(model.parameters()):,}"
      " parameters")
x = torch.randn(2, 3, 224, 224)  # what preprocess makes of two photos
logits = model(x)
logits.sum().backward()
frozen_ok = (model.conv1.weight.grad is None
             and model.fc.weight.grad is not None)
print(f"output {tuple(logits.shape)}; gradients only for the head: "
      f"{frozen_ok}")
# --8<-- [end:head]

# --8<-- [start:batchnorm]
model.train()
before = model.bn1.running_mean.clone()
model(x)  # a training-mode forward pass, no optimizer step
changed = not torch.equal(before, model.bn1.running_mean)
print(f"frozen, but train(): bn1's running mean changed: {changed}")
for m in model.modules():  # the fix, after every model.train():
    if isinstance(m, nn.BatchNorm2d):
        m.eval()  # use and keep the pretrained statistics
before = model.bn1.running_mean.clone()
model(x)
changed_after_fix = not torch.equal(before, model.bn1.running_mean)
print(f"with the BatchNorm2d layers in eval(): changed: {changed_after_fix}")
# --8<-- [end:batchnorm]

# --8<-- [start:groups]
for p in model.parameters():
    p.requires_grad = True  # unfreeze
model.train()  # batch norm learns again (unless you keep it frozen on purpose)
backbone = [p for name, p in model.named_parameters()
            if not name.startswith("fc.")]
optimizer = torch.optim.SGD([
    {"params": backbone, "lr": 1e-3},  # small steps: keep what it knows
    {"params": model.fc.parameters(), "lr": 1e-2},  # the new head: 10 x
], momentum=0.9, weight_decay=1e-4)
for i, group in enumerate(optimizer.param_groups):
    print(f"param group {i}: {len(group['params'])} tensors, "
          f"{count(group['params']):,} parameters, lr {group['lr']}")
# --8<-- [end:groups]

assert logits.shape == (2, num_classes), "one logit per class of yours"
assert count(trainable) == 512 * num_classes + num_classes, \
    "after freezing, only the new head (512 x 4 weights + 4 biases) trains"
assert frozen_ok, "a frozen backbone gets no gradients, the head does"
assert changed, "train() updates batch-norm statistics even when frozen"
assert not changed_after_fix, "BatchNorm2d in eval() keeps its statistics"
backbone_group, head_group = optimizer.param_groups
assert head_group["params"][0] is model.fc.weight, "group 1 is the new head"
assert head_group["lr"] == 10 * backbone_group["lr"], \
    "the new head learns 10 x faster than the pretrained backbone"
assert count(optimizer.param_groups[0]["params"]) + count(
    optimizer.param_groups[1]["params"]) == count(model.parameters())
