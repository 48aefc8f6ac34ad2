"""A 1x1 convolution: one fully connected layer applied at every pixel."""
import torch
from torch import nn

torch.manual_seed(0)

# --8<-- [start:check]
x = torch.randn(2, 64, 7, 7)  # (N, C_in, H, W)
conv1x1 = nn.Conv2d(64, 16, kernel_size=1)  # 64 -> 16 channels
linear = nn.Linear(64, 16)
with torch.no_grad():  # give the linear layer the conv's weights
    linear.weight.copy_(conv1x1.weight.view(16, 64))
    linear.bias.copy_(conv1x1.bias)
per_pixel = linear(x.permute(0, 2, 3, 1))  # (N, H, W, C_in) -> (N, H, W, 16)
per_pixel = per_pixel.permute(0, 3, 1, 2)  # back to (N, C, H, W)
print("output shape:", tuple(conv1x1(x).shape))
gap = (conv1x1(x) - per_pixel).abs().max()
print(f"largest |conv1x1 - per-pixel linear|: {gap:.1e}")
# --8<-- [end:check]

# --8<-- [start:bottleneck]
direct = nn.Conv2d(256, 256, 3, padding=1)
bottleneck = nn.Sequential(
    nn.Conv2d(256, 64, 1), nn.ReLU(),  # squeeze channels
    nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(),
    nn.Conv2d(64, 256, 1))  # expand back
for name, block in [("3x3 conv 256 -> 256", direct),
                    ("1x1 / 3x3 / 1x1 bottleneck", bottleneck)]:
    print(f"{name:27s}: {sum(p.numel() for p in block.parameters()):>7,d} "
          f"parameters")
# --8<-- [end:bottleneck]

assert torch.allclose(conv1x1(x), per_pixel, atol=1e-6)
n_direct, n_bottleneck = [sum(p.numel() for p in block.parameters())
                          for block in (direct, bottleneck)]
assert n_bottleneck < n_direct / 8, \
    "the bottleneck should need under an eighth of the direct parameters"
