"""Batch normalization by hand against nn.BatchNorm2d, train and eval."""
import torch
from torch import nn

torch.manual_seed(0)

# --8<-- [start:train]
C, momentum, eps = 3, 0.1, 1e-5  # PyTorch's defaults
bn = nn.BatchNorm2d(C, momentum=momentum, eps=eps)
with torch.no_grad():  # gamma, beta start at 1, 0; make them visible
    bn.weight.uniform_(0.5, 1.5)
    bn.bias.uniform_(-0.5, 0.5)
gamma = bn.weight.detach().view(1, C, 1, 1)
beta = bn.bias.detach().view(1, C, 1, 1)
running_mean, running_var = torch.zeros(C), torch.ones(C)

for step in range(5):
    X = 3 + 2 * torch.randn(8, C, 4, 4)  # (N, C, H, W): mean 3, std 2
    mean = X.mean(dim=(0, 2, 3))  # per channel, over N, H and W
    var = X.var(dim=(0, 2, 3), unbiased=False)  # divides by n
    n = X.numel() // C  # values per channel: 8 * 4 * 4
    X_hat = (X - mean.view(1, C, 1, 1)) / (var.view(1, C, 1, 1) + eps).sqrt()
    Y_hand = gamma * X_hat + beta
    running_mean = (1 - momentum) * running_mean + momentum * mean
    unbiased = var * n / (n - 1)  # the running average uses n - 1
    running_var = (1 - momentum) * running_var + momentum * unbiased
    Y_torch = bn(X)  # train mode: batch statistics, and an update
gap_train = (Y_hand - Y_torch).abs().max().item()
gap_mean = (running_mean - bn.running_mean).abs().max().item()
gap_var = (running_var - bn.running_var).abs().max().item()
print(f"train mode, largest |by hand - nn.BatchNorm2d|: {gap_train:.1e}")
print(f"running mean: {gap_mean:.1e}, running var: {gap_var:.1e} apart")
lag = 3 * (1 - (1 - momentum) ** 5)  # from 0, 5 steps towards 3
print(f"after 5 batches of mean 3: running mean "
      f"{bn.running_mean.mean():.2f}, 3 * (1 - 0.9^5) = {lag:.2f}")
# --8<-- [end:train]

# --8<-- [start:eval]
bn.eval()  # eval mode: the running statistics, no update
X = 3 + 2 * torch.randn(2, C, 4, 4)
rm, rv = running_mean.view(1, C, 1, 1), running_var.view(1, C, 1, 1)
Y_hand = gamma * (X - rm) / (rv + eps).sqrt() + beta
gap_eval = (Y_hand - bn(X)).abs().max().item()
print(f"eval mode, largest |by hand - nn.BatchNorm2d|: {gap_eval:.1e}")
print(f"eval output mean {bn(X).mean():.2f} (train mode would give "
      f"{bn.bias.mean():.2f}, the mean of beta)")
# --8<-- [end:eval]

assert gap_train < 1e-5, f"train mode should match: {gap_train:.1e}"
assert gap_mean < 1e-5 and gap_var < 1e-5, \
    f"the running statistics should match: {gap_mean:.1e}, {gap_var:.1e}"
assert gap_eval < 1e-5, f"eval mode should match: {gap_eval:.1e}"
