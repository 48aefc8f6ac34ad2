"""Parameters: conv layer vs fully connected layer; pooling and flatten."""
import torch
from torch import nn

# --8<-- [start:params]
conv = nn.Conv2d(1, 8, kernel_size=3, padding=1)  # 8 feature maps of 28x28
# the same output size, every pixel to every unit
fc = nn.Linear(28 * 28, 8 * 28 * 28)
n_conv = sum(p.numel() for p in conv.parameters())
n_fc = sum(p.numel() for p in fc.parameters())
print(f"conv 3x3, 1 -> 8 channels: {n_conv:>10,d} parameters  "
      f"(8 x 3 x 3 + 8 biases)")
print(f"fully connected, same out: {n_fc:>10,d} parameters  "
      f"({n_fc / n_conv:,.0f} x more)")
# --8<-- [end:params]

# --8<-- [start:pool]
x = torch.tensor([[1.0, 2, 0, 1],
                  [3, 4, 1, 0],
                  [0, 1, 5, 6],
                  [2, 1, 7, 8]])[None, None]
# largest of each 2x2 block
print("max pool 2x2:", nn.MaxPool2d(2)(x)[0, 0].tolist())
# mean of each 2x2 block
print("avg pool 2x2:", nn.AvgPool2d(2)(x)[0, 0].tolist())
features = torch.randn(64, 16, 5, 5)  # (N, C, H, W) after the conv layers
print("flatten:", tuple(features.shape), "->",
      tuple(nn.Flatten()(features).shape))
# --8<-- [end:pool]

assert n_conv == 80 and n_fc == 784 * 6272 + 6272, \
    "the conv layer: 8 kernels of 3 x 3 + 8 biases; fc: 784 x 6,272 + 6,272"
assert nn.MaxPool2d(2)(x)[0, 0].tolist() == [[4.0, 1.0], [2.0, 8.0]]
