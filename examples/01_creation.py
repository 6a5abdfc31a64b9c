# Creating tensors: what a factory promises about size, dtype and values.
# Checked on: cpu, meta
import torch

device = torch.device("cpu")  # the checker also runs this script with "meta"

x = torch.arange(12, device=device)  # 0 .. 11, int64 because every argument is an int
n = x.numel()
s = x.shape
X = x.reshape(3, 4)  # a view of x: same storage, new shape
Y = x.reshape(-1, 4)  # -1 is inferred
z = torch.zeros((2, 3, 4), device=device)
o = torch.ones(2, 3, 4, dtype=torch.float64,
               device=device)
# int64: the data is ints
t = torch.tensor([[2, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]], device=device)
f = torch.tensor([1.0, 2.0], device=device)  # the default dtype, float32
e = torch.empty(2, 2, device=device)  # values unspecified until written
# Drawn values: shape, dtype and storage are compared, not the draw.
r = torch.randn(3, 4, device=device)
u = torch.rand(2, 3, dtype=torch.float64, device=device)
k = torch.randint(0, 10, (5,), device=device)
