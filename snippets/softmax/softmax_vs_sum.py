"""Softmax is not 'divide each score by the sum of the scores'."""
import torch

torch.set_printoptions(precision=3)


# --8<-- [start:define]
def softmax(z):
    e = torch.exp(z)
    return e / e.sum()


def divide_by_sum(z):
    return z / z.sum()
# --8<-- [end:define]


# --8<-- [start:compare]
for z in [torch.tensor([1.0, 2.0, 3.0]),
          torch.tensor([10.0, 20.0, 30.0]),  # the same scores times 10
          torch.tensor([-1.0, 0.0, 2.0])]:  # a negative score
    print(f"z = {z}")
    print(f"  softmax:       {softmax(z)}")
    print(f"  divide by sum: {divide_by_sum(z)}")
# --8<-- [end:compare]

# --8<-- [start:shift]
z = torch.tensor([1.0, 2.0, 3.0])
shift_gap = (softmax(z + 10) - softmax(z)).abs().max().item()
print(f"max |softmax(z + 10) - softmax(z)| = {shift_gap:.1e}")
# --8<-- [end:shift]

assert (divide_by_sum(torch.tensor([-1.0, 0.0, 2.0])) < 0).any(), \
    "no negative p"
assert torch.allclose(divide_by_sum(z * 10), divide_by_sum(z)), \
    "division ignores scale"
assert softmax(z * 10).max() > softmax(z).max() + 0.3, \
    "softmax sharpens with scale"
assert shift_gap < 1e-6, "softmax ignores adding a constant to every score"
# back to the default for the code after this
torch.set_printoptions(profile="default")
