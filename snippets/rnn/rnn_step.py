"""One RNN step by hand, unrolled over a sequence, checked against nn.RNN."""
import torch
from torch import nn

torch.manual_seed(0)

# --8<-- [start:step]
N, T, d_in, d_h = 2, 5, 3, 4  # batch, time steps, input size, hidden size
rnn = nn.RNN(d_in, d_h, batch_first=True)  # tanh by default
X = torch.randn(N, T, d_in)  # (N, T, d_in)

W_x, W_h = rnn.weight_ih_l0, rnn.weight_hh_l0  # (d_h, d_in), (d_h, d_h)
b = rnn.bias_ih_l0 + rnn.bias_hh_l0  # PyTorch keeps two biases; only the sum
h = torch.zeros(N, d_h)  # h_0
hs = []
for t in range(T):  # the same W_x, W_h, b at every step
    h = torch.tanh(X[:, t] @ W_x.T + h @ W_h.T + b)  # (N, d_h)
    hs.append(h)
H_hand = torch.stack(hs, dim=1)  # (N, T, d_h): every h_t

H_torch, h_last = rnn(X)  # all h_t, and h_T (1, N, d_h)
gap = (H_hand - H_torch).abs().max().item()
print(f"output {tuple(H_torch.shape)}, last state {tuple(h_last.shape)}")
print(f"largest |by hand - nn.RNN|: {gap:.1e}")
for name, p in rnn.named_parameters():
    print(f"{name:13s} {tuple(p.shape)}")
# --8<-- [end:step]

assert gap < 1e-6, f"the hand-written RNN should match nn.RNN: {gap:.1e}"
assert torch.equal(h_last[0], H_torch[:, -1]), "h_T is the last output"
