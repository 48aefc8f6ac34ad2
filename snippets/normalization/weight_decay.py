"""Weight decay: L2 in the loss vs weight_decay in SGD, Adam and AdamW."""
import torch

torch.manual_seed(0)
lr, wd = 0.1, 0.01
X, y = torch.randn(32, 5), torch.randn(32)
w0 = torch.randn(5)


def one_step(opt_class, l2_in_loss, **kwargs):
    w = w0.clone().requires_grad_()
    optimizer = opt_class([w], lr=lr, **kwargs)
    loss = ((X @ w - y) ** 2).mean()
    if l2_in_loss:
        loss = loss + wd / 2 * w.pow(2).sum()  # gradient: ... + wd * w
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return w.detach()


# --8<-- [start:same]
sgd_l2 = one_step(torch.optim.SGD, l2_in_loss=True)
sgd_wd = one_step(torch.optim.SGD, l2_in_loss=False, weight_decay=wd)
adam_l2 = one_step(torch.optim.Adam, l2_in_loss=True)
adam_wd = one_step(torch.optim.Adam, l2_in_loss=False, weight_decay=wd)
adamw = one_step(torch.optim.AdamW, l2_in_loss=False, weight_decay=wd)
adam = one_step(torch.optim.Adam, l2_in_loss=False)  # no decay at all
by_hand = w0 * (1 - lr * wd) + (adam - w0)  # decay, then Adam's step
for name, a, b in (("SGD: L2 in loss vs weight_decay", sgd_l2, sgd_wd),
                   ("Adam: L2 in loss vs weight_decay", adam_l2, adam_wd),
                   ("AdamW vs decay + Adam by hand", adamw, by_hand),
                   ("Adam + L2 vs AdamW", adam_l2, adamw)):
    print(f"{name:33s} {(a - b).abs().max():.1e} apart")
# --8<-- [end:same]

# --8<-- [start:decay]
g_scale = torch.tensor([10.0, 0.01])  # a noisy and a quiet parameter
noise = torch.randn(1000, 2)  # the same gradient noise for every run


def run(opt_class, **kwargs):
    w = torch.ones(2, requires_grad=True)
    optimizer = opt_class([w], lr=0.001, **kwargs)
    for g in noise:
        w.grad = g * g_scale  # a gradient without signal, only noise
        optimizer.step()
    return w.detach()


free = run(torch.optim.Adam)  # no decay: the reference
l2 = free - run(torch.optim.Adam, weight_decay=0.1)  # shrunk by decay
decoupled = free - run(torch.optim.AdamW, weight_decay=0.1)
print("1000 steps, lr 0.001, decay 0.1; how much decay shrank w (from 1):")
print(f"  Adam + L2: noisy parameter {l2[0]:.4f}, quiet one {l2[1]:.4f}")
print(f"  AdamW:     noisy parameter {decoupled[0]:.4f}, "
      f"quiet one {decoupled[1]:.4f}")
print(f"  1 - (1 - lr * decay)^1000 = {1 - (1 - 0.001 * 0.1) ** 1000:.4f}")
# --8<-- [end:decay]

assert torch.allclose(sgd_l2, sgd_wd, atol=1e-7), "SGD: the same update"
assert torch.allclose(adam_l2, adam_wd, atol=1e-7), "Adam's wd is L2"
assert torch.allclose(adamw, by_hand, atol=1e-6), "AdamW decays, then steps"
assert (adam_l2 - adamw).abs().max() > 1e-3, "Adam + L2 is not AdamW"
assert l2[1] > 10 * l2[0], "Adam + L2 should decay the quiet one more"
assert abs(decoupled[0] - decoupled[1]) < 0.1 * decoupled[1], \
    "AdamW should shrink both by about the same amount"
