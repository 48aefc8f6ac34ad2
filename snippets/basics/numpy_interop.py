"""NumPy and PyTorch: when memory is shared and when it is copied."""
import numpy as np
import torch

# --8<-- [start:shared]
a = np.zeros(3)  # float64
t = torch.from_numpy(a)  # shares a's memory
a[0] = 1.0
print("from_numpy sees the change:", t.tolist())
back = t.numpy()  # also shares memory (CPU tensors only)
t[1] = 2.0
print("numpy() sees the change:   ", back.tolist())
# --8<-- [end:shared]

# --8<-- [start:copied]
c = torch.tensor(a)  # torch.tensor always copies
# a dtype change must copy (float64 -> float32)
f = torch.from_numpy(a).float()
a[2] = 3.0
print("torch.tensor copy:", c.tolist(), " .float() copy:", f.tolist())
print("dtype from NumPy:", t.dtype,
      " default torch dtype:", torch.get_default_dtype())
# --8<-- [end:copied]

assert t[2] == 3.0 and c[2] == 0.0 and f[2] == 0.0, \
    "from_numpy shares, the others copy"
