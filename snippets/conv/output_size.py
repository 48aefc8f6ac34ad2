"""The output size of a convolution, checked against nn.Conv2d."""
import itertools

import torch
from torch import nn


# --8<-- [start:formula]
def conv_output_size(n, k, s=1, p=0):
    """Input n x n, kernel k x k, stride s, padding p: the output is m x m."""
    return (n + 2 * p - k) // s + 1  # floor((n + 2p - k) / s) + 1


print("28x28, 3x3 kernel, stride 1, no padding  ->", conv_output_size(28, 3))
print("28x28, 3x3 kernel, padding 1 ('same')    ->",
      conv_output_size(28, 3, p=1))
print("28x28, 5x5 kernel, stride 2, padding 2   ->",
      conv_output_size(28, 5, s=2, p=2))
# --8<-- [end:formula]

# --8<-- [start:check]
checked = 0
for n, k, s, p in itertools.product([5, 7, 28, 32], [1, 2, 3, 5],
                                    [1, 2, 3], [0, 1, 2]):
    if k > n + 2 * p:
        continue  # the kernel does not fit: PyTorch raises an error
    conv = nn.Conv2d(1, 1, kernel_size=k, stride=s, padding=p)
    out = conv(torch.zeros(1, 1, n, n))  # (N, C, H, W)
    assert out.shape[-1] == conv_output_size(n, k, s, p), (n, k, s, p)
    checked += 1
print(f"formula matches nn.Conv2d on all {checked} combinations")
# --8<-- [end:check]

assert conv_output_size(28, 3) == 26
