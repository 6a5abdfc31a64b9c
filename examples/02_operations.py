# Elementwise operations, comparisons and reductions.
# Checked on: cpu, meta
import torch

device = torch.device("cpu")  # the checker also runs this script with "meta"

x = torch.tensor([1.0, 2, 4, 8], device=device)
y = torch.tensor([2, 2, 2, 2], device=device)  # int64: x op y promotes to float32
a = x + y
b = x - y
c = x * y
d = x / y
p = x ** y
ex = torch.exp(x)
X = torch.arange(12, dtype=torch.float32, device=device).reshape((3, 4))
Y = torch.tensor([[2.0, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]], device=device)
eq = X == Y  # a bool tensor
total = X.sum()  # a 0-dim tensor
rows = X.sum(dim=1)
kept = X.sum(dim=1, keepdim=True)
avg = X.mean()
prod = X @ Y.T  # (3, 4) @ (4, 3)
