"""LeNet-5 against AlexNet: layers, parameters and arithmetic, in code."""
import torch
from torch import nn

# --8<-- [start:models]
# LeNet-5 (1998) as usually rebuilt: full C3, plain pooling
lenet = nn.Sequential(
    nn.Conv2d(1, 6, 5), nn.Tanh(), nn.AvgPool2d(2),  # 1x32x32 -> 6x14x14
    nn.Conv2d(6, 16, 5), nn.Tanh(), nn.AvgPool2d(2),  # -> 16x5x5
    nn.Flatten(), nn.Linear(400, 120), nn.Tanh(),
    nn.Linear(120, 84), nn.Tanh(),
    nn.Linear(84, 10),
)
# AlexNet (2012); groups=2: the model was split over 2 GPUs
alexnet = nn.Sequential(
    nn.Conv2d(3, 96, 11, stride=4), nn.ReLU(), nn.LocalResponseNorm(5, k=2.0),
    nn.MaxPool2d(3, 2),  # 3x227x227 -> 96x27x27
    nn.Conv2d(96, 256, 5, padding=2, groups=2), nn.ReLU(),
    nn.LocalResponseNorm(5, k=2.0),
    nn.MaxPool2d(3, 2),  # -> 256x13x13
    nn.Conv2d(256, 384, 3, padding=1), nn.ReLU(),
    nn.Conv2d(384, 384, 3, padding=1, groups=2), nn.ReLU(),
    nn.Conv2d(384, 256, 3, padding=1, groups=2), nn.ReLU(), nn.MaxPool2d(3, 2),
    nn.Flatten(),  # 256x6x6 = 9216
    nn.Dropout(0.5), nn.Linear(9216, 4096), nn.ReLU(),
    nn.Dropout(0.5), nn.Linear(4096, 4096), nn.ReLU(),
    nn.Linear(4096, 1000),
)
# --8<-- [end:models]


# --8<-- [start:count]
def describe(model, input_shape):
    """Weight layers, parameters and multiply-adds for one input image."""
    macs = []

    def count(layer, inputs, output):
        # one output = one kernel (or row) . input
        per_output = layer.weight[0].numel()
        # output[0]: drop the batch dim
        macs.append(output[0].numel() * per_output)

    layers = [m for m in model if isinstance(m, (nn.Conv2d, nn.Linear))]
    hooks = [m.register_forward_hook(count) for m in layers]
    model.eval()(torch.zeros(1, *input_shape))
    for h in hooks:
        h.remove()
    return len(layers), sum(p.numel() for p in model.parameters()), sum(macs)


for name, model, shape in [("LeNet-5", lenet, (1, 32, 32)),
                           ("AlexNet", alexnet, (3, 227, 227))]:
    n_layers, n_params, n_macs = describe(model, shape)
    print(f"{name}: {n_layers} weight layers, {n_params:>10,d} params, "
          f"{n_macs / 1e6:7.1f} M multiply-adds per image")
# --8<-- [end:count]

assert describe(lenet, (1, 32, 32))[:2] == (5, 61_706)
assert describe(alexnet, (3, 227, 227))[0] == 8
assert 60e6 < describe(alexnet, (3, 227, 227))[1] < 62e6, \
    "AlexNet has about 61 M"
_, alexnet_params, alexnet_macs = describe(alexnet, (3, 227, 227))
assert alexnet_params == 60_965_224, \
    "with groups=2 (two GPUs) AlexNet has 60,965,224 parameters"
lenet_macs = describe(lenet, (1, 32, 32))[2]
# C1, C3: (outputs) x (C_in x 5 x 5); then one per weight of each Linear
assert lenet_macs == (6 * 28 * 28 * 5 * 5 + 16 * 10 * 10 * 6 * 5 * 5
                      + 400 * 120 + 120 * 84 + 84 * 10), \
    "one multiply-add per kernel weight per output position"
assert alexnet_macs > 1000 * lenet_macs, \
    "AlexNet should need over 1,000 times LeNet's multiply-adds"
