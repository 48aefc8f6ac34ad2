"""Draw the computational graph that autograd records for the tiny network."""
import matplotlib.pyplot as plt
import torch

torch.manual_seed(0)
x, y = torch.tensor([0.5, -1.0]), torch.tensor(1.0)
W1 = torch.randn(3, 2, requires_grad=True)
b1 = torch.randn(3, requires_grad=True)
W2 = torch.randn(3, requires_grad=True)
b2 = torch.randn((), requires_grad=True)
loss = ((W2 @ torch.sigmoid(W1 @ x + b1) + b2) - y) ** 2

# --8<-- [start:walk]
names = {id(p): n for n, p in {"W1": W1, "b1": b1, "W2": W2, "b2": b2}.items()}
depth, edges, todo = {loss.grad_fn: 0}, [], [loss.grad_fn]
while todo:  # walk from the loss back to the parameters
    node = todo.pop()
    for child, _ in node.next_functions:
        if child is None:  # an input that needs no gradient (x, y)
            continue
        edges.append((child, node))
        depth[child] = max(depth.get(child, 0), depth[node] + 1)
        todo.append(child)


def label(node):
    if hasattr(node, "variable"):  # AccumulateGrad: a leaf parameter
        return names[id(node.variable)]
    return type(node).__name__.removesuffix("Backward0").lower()


for node in sorted(depth, key=depth.get):
    print(f"{depth[node]}: {type(node).__name__:16s} -> {label(node)}")
# --8<-- [end:walk]

last = max(depth.values())  # operations in a column, W1 at the top, loss below
pos = {n: (0.0, depth[n]) for n in depth if not hasattr(n, "variable")}
# each parameter to the left of the operation that uses it
for child, parent in edges:
    if hasattr(child, "variable"):
        pos[child] = (-1.0, pos[parent][1])
fig, ax = plt.subplots(figsize=(2.6, 4.8))
boxes = {}
for node, (px, py) in pos.items():
    leaf = hasattr(node, "variable")
    boxes[node] = ax.text(px, py, label(node), ha="center", va="center",
                          bbox=dict(boxstyle="round",
                                    fc="#E69F00" if leaf else "#56B4E9"))
# arrows in the forward direction, box edge to box edge
for child, parent in edges:
    leaf = hasattr(child, "variable")
    ax.annotate("", xy=(0, 0.5) if leaf else (0.5, 1), xycoords=boxes[parent],
                xytext=(1, 0.5) if leaf else (0.5, 0), textcoords=boxes[child],
                arrowprops=dict(arrowstyle="->", color="0.3", shrinkA=4,
                                shrinkB=4))
ax.set(xlim=(-1.4, 0.5), ylim=(-0.5, last + 0.5))
ax.axis("off")
fig.savefig("computational_graph.svg")

leaves = {label(node) for node in depth if hasattr(node, "variable")}
assert leaves == {"W1", "b1", "W2", "b2"}, \
    f"the walk should end at the four parameters (not x, y), not {leaves}"
