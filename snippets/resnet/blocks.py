"""Residual blocks: shortcuts, zero-initialised last BN, bottleneck costs."""
import torch
from torch import nn
from torchvision import models

torch.manual_seed(0)


# --8<-- [start:block]
class BasicBlock(nn.Module):
    """conv-BN-ReLU-conv-BN, plus the input (the shortcut), then ReLU."""

    def __init__(self, c_in, c_out, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, c_out, 3, stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c_out)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c_out)
        self.shortcut = nn.Identity()  # same shape: add x as it is
        if stride != 1 or c_in != c_out:  # shape changes: 1x1 conv projection
            self.shortcut = nn.Sequential(
                nn.Conv2d(c_in, c_out, 1, stride, bias=False),
                nn.BatchNorm2d(c_out))

    def forward(self, x):
        out = torch.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))  # F(x)
        return torch.relu(out + self.shortcut(x))  # F(x) + x


x = torch.randn(8, 16, 14, 14)  # (N, C, H, W)
same = BasicBlock(16, 16)
down = BasicBlock(16, 32, stride=2)
print("identity shortcut:  ", tuple(same(x).shape))
print("projection shortcut:", tuple(down(x).shape))
# --8<-- [end:block]

# --8<-- [start:zero_init]
nn.init.zeros_(same.bn2.weight)  # what zero_init_residual=True does
with torch.no_grad():
    gap = (same(x) - torch.relu(x)).abs().max().item()
print(f"zero-initialised block: largest |block(x) - relu(x)| = {gap:.1e}")
# --8<-- [end:zero_init]


# --8<-- [start:bottleneck]
def count(block, c_in, size):
    """Parameters, and multiply-adds of its convolutions for one input."""
    macs = []
    def hook(conv, inputs, out):  # each output value: (C_in / groups) * k * k
        k = conv.kernel_size[0] * conv.kernel_size[1]
        macs.append(out.numel() * conv.in_channels // conv.groups * k)
    for m in block.modules():
        if isinstance(m, nn.Conv2d):
            m.register_forward_hook(hook)
    block.eval()(torch.zeros(1, c_in, size, size))
    return sum(p.numel() for p in block.parameters()), sum(macs)


# torchvision's bottleneck: 1x1 256->64, 3x3 64->64, 1x1 64->256
bottleneck = models.resnet.Bottleneck(256, 64)
blocks = {"basic block": (BasicBlock(64, 64), 64),  # (block, C_in)
          "bottleneck": (bottleneck, 256)}
for name, (block, c_in) in blocks.items():
    params, macs = count(block, c_in, 56)
    print(f"{name}, {c_in} channels in: {params:,d} parameters, "
          f"{macs / 1e6:.0f} M multiply-adds on 56x56")
# --8<-- [end:bottleneck]

# --8<-- [start:torchvision]
published = {"resnet18": 11_689_512, "resnet50": 25_557_032}  # the docs
for name, n_published in published.items():
    model = getattr(models, name)(weights=None)  # no download: random weights
    params, macs = count(model, 3, 224)
    print(f"{name}: {params:,d} parameters (published {n_published:,d})")
    print(f"{name}: {macs / 1e9:.2f} G multiply-adds per 224x224 image")
    assert params == n_published, f"{name} should have {n_published:,d} params"
# --8<-- [end:torchvision]

assert same(x).shape == x.shape and down(x).shape == (8, 32, 7, 7)
assert gap < 1e-6, "a block whose last BN scale is 0 should pass relu(x) on"
conv_params = 256 * 64 + 64 * 64 * 9 + 64 * 256  # three kernels, no bias
kernels = [m.weight.numel() for m in bottleneck.modules()
           if isinstance(m, nn.Conv2d)]
assert conv_params == sum(kernels), "arithmetic vs nn.Conv2d"
assert count(bottleneck, 256, 56)[1] == conv_params * 56 * 56, \
    "each kernel weight is used once per output position"
basic_params = 2 * 64 * 64 * 9  # two 3x3 kernels, 64 -> 64
assert count(BasicBlock(64, 64), 64, 56)[1] == basic_params * 56 * 56
