"""Inverted dropout by hand against nn.Dropout, in train and eval mode."""
import torch
from torch import nn

torch.manual_seed(0)

# --8<-- [start:dropout]
p = 0.5  # the probability of dropping a unit


def dropout(x, p, training):
    if not training:
        return x  # eval: the identity
    keep = (torch.rand_like(x) >= p).float()  # 1 with probability 1 - p
    return x * keep / (1 - p)  # scale up the survivors: same expectation


x = torch.ones(1000, 1000)
for name, out in (("by hand   ", dropout(x, p, training=True)),
                  ("nn.Dropout", nn.Dropout(p).train()(x))):
    zeros = (out == 0).float().mean().item()
    kept = out[out != 0].unique().tolist()  # the survivors' values
    print(f"{name}: {zeros:.3f} zeroed, survivors = {kept}, "
          f"mean {out.mean():.3f}")
same = torch.equal(nn.Dropout(p).eval()(x), x)
print(f"eval mode: output == input: {same}")
# --8<-- [end:dropout]

hand = dropout(x, p, training=True)
torch_out = nn.Dropout(p).train()(x)
for out in (hand, torch_out):
    assert abs((out == 0).float().mean() - p) < 0.01, "a share p zeroed"
    assert abs(out.mean() - 1) < 0.01, "the mean should be preserved"
assert torch.equal(hand.unique(), torch_out.unique()), "same values"
assert same and torch.equal(dropout(x, p, training=False), x)
