"""How the receptive field grows through stacked 3x3 convs and pooling."""
import matplotlib.pyplot as plt
import torch
from torch import nn


# --8<-- [start:measure]
def receptive_field(layers, size=33):
    """Which input pixels can change the centre output? Ask autograd."""
    x = torch.zeros(1, 1, size, size, requires_grad=True)
    out = layers(x)  # (1, 1, h, w)
    out[0, 0, out.shape[2] // 2, out.shape[3] // 2].backward()
    touched = x.grad[0, 0] != 0  # pixels with a nonzero gradient
    rows = touched.any(dim=1).nonzero()
    return int(rows.max() - rows.min() + 1), x.grad[0, 0]


def conv3x3():
    conv = nn.Conv2d(1, 1, 3, padding=1, bias=False)
    # all-positive weights: no cancellation
    nn.init.constant_(conv.weight, 1.0)
    return conv


stacks = {f"{n} x conv 3x3": nn.Sequential(*[conv3x3() for _ in range(n)])
          for n in (1, 2, 3)}
# average pooling: max pooling would send the gradient to one pixel per window
stacks["conv, pool 2, conv"] = nn.Sequential(conv3x3(), nn.AvgPool2d(2),
                                             conv3x3())
fields = {}
for name, layers in stacks.items():
    width, fields[name] = receptive_field(layers)
    print(f"{name:18s}: receptive field {width}x{width}")
# --8<-- [end:measure]

fig, axes = plt.subplots(2, 2, figsize=(4.5, 4.8), layout="constrained")
# darker: more paths to the output
for ax, (name, grad) in zip(axes.flatten(), fields.items()):
    ax.imshow(grad[8:25, 8:25], cmap="Blues", vmin=0)
    ax.set(title=name, xticks=[], yticks=[])
    ax.grid(False)
fig.savefig("receptive_field.svg")

widths = [receptive_field(layers)[0] for layers in stacks.values()]
assert widths[:3] == [3, 5, 7], "each 3x3 layer should add 2 pixels"
assert widths[3] == 8, \
    "after a stride-2 pool, a 3x3 conv adds 2 x 2 = 4 pixels"
