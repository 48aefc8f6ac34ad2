"""A convolution computed by hand (unfold + matrix product) equals F.conv2d."""
import torch
import torch.nn.functional as F

torch.manual_seed(0)

# --8<-- [start:unfold]
x = torch.randn(2, 3, 8, 8)  # (N, C_in, H, W)
weight = torch.randn(4, 3, 3, 3)  # (C_out, C_in, k, k)
bias = torch.randn(4)

# (N, C_in*k*k, L): one column per 3x3 window
patches = F.unfold(x, kernel_size=3)
print("patches:", tuple(patches.shape),
      "(27 = 3 channels x 3 x 3, 36 = 6 x 6 windows)")
out = weight.view(4, -1) @ patches + bias[:, None]  # (C_out, 27) @ (N, 27, 36)
out = out.view(2, 4, 6, 6)  # (N, C_out, H_out, W_out)
reference = F.conv2d(x, weight, bias)
print("largest |by hand - F.conv2d|:", f"{(out - reference).abs().max():.1e}")
# --8<-- [end:unfold]

# --8<-- [start:crosscorr]
# Deep learning's "convolution" does not flip the kernel
# (it is a cross-correlation):
one = torch.zeros(1, 1, 3, 3)
one[0, 0, 1, 1] = 1.0  # a single bright pixel
k = torch.arange(9.0).view(1, 1, 3, 3)
print("F.conv2d(point, k) =\n",
      F.conv2d(one, k, padding=1)[0, 0])  # k flipped!
# --8<-- [end:crosscorr]

assert torch.allclose(out, reference, atol=1e-5), \
    "unfold + matmul should equal conv2d"
assert torch.equal(F.conv2d(one, k, padding=1)[0, 0], k[0, 0].flip(0, 1))
