"""Choose the polynomial degree by k-fold cross-validation."""
import torch

torch.manual_seed(0)
# the same 15 points as before
x = torch.linspace(-1, 1, 15, dtype=torch.float64)
y = torch.sin(3 * x) + 0.2 * torch.randn(15, dtype=torch.float64)


def features(x, degree):
    return torch.stack([x ** k for k in range(degree + 1)], dim=1)


# --8<-- [start:kfold]
k = 5
folds = torch.randperm(len(x)).chunk(k)  # 5 disjoint folds of 3 points


def cv_error(degree):
    """Mean validation MSE over the k folds; each fold is held out once."""
    errors = []
    for held_out in folds:
        keep = torch.ones(len(x), dtype=torch.bool)
        keep[held_out] = False  # train on the other k - 1 folds
        w = torch.linalg.lstsq(features(x[keep], degree),
                               y[keep, None]).solution
        y_hat = (features(x[held_out], degree) @ w).squeeze(1)
        errors.append((y_hat - y[held_out]).pow(2).mean())
    return torch.stack(errors).mean().item()


cv = {d: cv_error(d) for d in range(11)}  # 12 training points: degree <= 11
for d, err in cv.items():
    print(f"degree {d:2d}: {k}-fold CV MSE {err:10.4f}")
chosen = min(cv, key=cv.get)
print(f"cross-validation chooses degree {chosen}")
# --8<-- [end:kfold]

assert 3 <= chosen <= 9, \
    "CV should pick neither an underfitting nor a wild degree"
assert cv[10] > 2 * cv[chosen] and cv[1] > 2 * cv[chosen]
