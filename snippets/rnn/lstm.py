"""An LSTM step by hand, and how far back its gradient reaches vs an RNN's."""
import math

import matplotlib.pyplot as plt
import torch
from torch import nn

torch.manual_seed(0)
N, d_in, d_h = 32, 28, 64  # batch, input size, hidden size
T = 28 + 60  # 28 random "rows", then 60 blank (zero) steps
X = torch.randn(N, T, d_in)  # (N, T, d_in)
X[:, 28:] = 0


# --8<-- [start:step]
def lstm_step(x, h, c, lstm):
    """One LSTM step with nn.LSTM's weights; its gate order is i, f, g, o."""
    z = (x @ lstm.weight_ih_l0.T + lstm.bias_ih_l0
         + h @ lstm.weight_hh_l0.T + lstm.bias_hh_l0)  # (N, 4 d_h)
    i, f, g, o = z.chunk(4, dim=1)  # four (N, d_h) blocks
    i, f, o = torch.sigmoid(i), torch.sigmoid(f), torch.sigmoid(o)  # gates
    c = f * c + i * torch.tanh(g)  # cell state: forget some, add some
    h = o * torch.tanh(c)  # hidden state: what the cell shows
    return h, c


lstm = nn.LSTM(d_in, d_h, batch_first=True)
h, c = torch.zeros(N, d_h), torch.zeros(N, d_h)
with torch.no_grad():
    for t in range(T):
        h, c = lstm_step(X[:, t], h, c, lstm)
    H_torch, (h_T, c_T) = lstm(X)
gap = max((h - h_T[0]).abs().max(), (c - c_T[0]).abs().max()).item()
print(f"largest |by hand - nn.LSTM| over h_T and c_T: {gap:.1e}")
print("weight_ih_l0:", tuple(lstm.weight_ih_l0.shape), "= 4 gates x", d_h)
# --8<-- [end:step]


# --8<-- [start:gradients]
def rnn_step(x, h, rnn):
    return torch.tanh(x @ rnn.weight_ih_l0.T + rnn.bias_ih_l0
                      + h @ rnn.weight_hh_l0.T + rnn.bias_hh_l0)


def grad_norms(step):
    """||dL/dh_t|| for t = 1..T, where L = v . h_T (summed over the batch)."""
    h, c, hs = torch.zeros(N, d_h), torch.zeros(N, d_h), []
    for t in range(T):
        h, c = step(X[:, t], h, c)
        h.retain_grad()
        hs.append(h)
    (h @ v).sum().backward()
    return torch.stack([h_t.grad.norm() for h_t in hs])


v = torch.randn(d_h)
rnn = nn.RNN(d_in, d_h, batch_first=True)  # PyTorch's default init
norms = {"RNN": grad_norms(lambda x, h, c: (rnn_step(x, h, rnn), c))}
f_0 = {"RNN": "-"}  # sigmoid(b_f): the forget gate when its input is 0
for b_f in (0.0, 1.0, 3.0):  # forget-gate bias, rows d_h:2d_h (i, f, g, o)
    with torch.no_grad():
        lstm.bias_ih_l0[d_h:2 * d_h] = b_f
        lstm.bias_hh_l0[d_h:2 * d_h] = 0
    name = f"LSTM, b_f = {b_f:.0f}"
    norms[name] = grad_norms(lambda x, h, c: lstm_step(x, h, c, lstm))
    f_0[name] = f"{torch.sigmoid(torch.tensor(b_f)):.3f}"
print(f"{'':16s} ||dL/dh_1|| / ||dL/dh_T||  per blank step back"
      "  sigmoid(b_f)")
for name, g in norms.items():
    factor = (g[28] / g[-1]) ** (1 / (T - 29))  # geometric mean, blank part
    print(f"{name:16s} {g[0] / g[-1]:14.1e} {factor:20.3f} {f_0[name]:>15s}")
# --8<-- [end:gradients]

fig, ax = plt.subplots(figsize=(4.5, 3), layout="constrained")
styles = [("#000000", "-", None), ("#0072B2", "--", "o"),
          ("#E69F00", "-", "s"), ("#009E73", "-.", "^")]
for (name, g), (color, style, marker) in zip(norms.items(), styles):
    ax.plot(range(1, T + 1), g, color=color, linestyle=style, marker=marker,
            markersize=3, markevery=8, label=name.replace("b_f", "$b_f$"))
ax.axvline(28.5, color="grey", linewidth=0.8)  # last row / first blank
ax.set(xlabel="time step $t$ (blank after 28)",
       ylabel=r"$\|\partial L / \partial h_t\|$", yscale="log")
ax.legend()
fig.savefig("lstm_vs_rnn_grad.svg", metadata={"Date": None})

assert gap < 1e-6, f"the hand-written LSTM should match nn.LSTM: {gap:.1e}"
ratio = {name: (g[0] / g[-1]).item() for name, g in norms.items()}
assert ratio["LSTM, b_f = 1"] > 1e4 * ratio["RNN"], \
    "with b_f = 1 the LSTM's gradient should reach much further back"
assert ratio["LSTM, b_f = 1"] > 1e4 * ratio["LSTM, b_f = 0"], \
    "the forget-gate bias should matter"
assert ratio["LSTM, b_f = 3"] > ratio["LSTM, b_f = 1"]
