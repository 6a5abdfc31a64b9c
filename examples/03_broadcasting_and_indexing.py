# Broadcasting, indexing and slicing: which results are views of their input.
# Checked on: cpu
import torch

device = torch.device("cpu")

a = torch.arange(3, device=device).reshape((3, 1))
b = torch.arange(2, device=device).reshape((1, 2))
c = a + b  # (3, 1) and (1, 2) broadcast to (3, 2)
X = torch.arange(12, dtype=torch.float32, device=device).reshape((3, 4))
last = X[-1]  # a view of the last row
rows = X[1:3]  # a view of rows 1 and 2
X[1, 2] = 9  # writes X's storage, seen through rows too
X[0:2, :] = 12
picked = X[[0, 2]]  # advanced indexing: a copy
mask = X > 10
big = X[mask]  # a copy, 1-D
