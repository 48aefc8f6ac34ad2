"""Cross-entropy = NLL of log_softmax; its gradient is p - y."""
import torch
import torch.nn.functional as F

torch.manual_seed(0)

# --8<-- [start:nll]
logits = torch.randn(4, 3, requires_grad=True)  # (N, C): 4 examples, 3 classes
y = torch.tensor([0, 2, 1, 2])  # correct classes
ce = F.cross_entropy(logits, y)  # mean over the batch
nll = F.nll_loss(F.log_softmax(logits, dim=1), y)
by_hand = -torch.log_softmax(logits, dim=1)[torch.arange(4), y].mean()
print(f"cross_entropy {ce.item():.6f}  nll(log_softmax) {nll.item():.6f}  "
      f"by hand {by_hand.item():.6f}")
# --8<-- [end:nll]

# --8<-- [start:grad]
ce.backward()
p = torch.softmax(logits, dim=1).detach()
Y = F.one_hot(y, num_classes=3).float()
expected = (p - Y) / len(y)  # divided by N because the loss is a mean
grad_gap = (logits.grad - expected).abs().max().item()
print(f"max |autograd - (p - y) / N| = {grad_gap:.1e}")
# --8<-- [end:grad]

assert torch.allclose(ce, nll) and torch.allclose(ce, by_hand), \
    "three ways, one loss"
assert grad_gap < 1e-6, \
    f"the gradient should be (p - y) / N, gap {grad_gap:.1e}"
