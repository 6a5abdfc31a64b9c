# Saving memory: which statements allocate a new tensor and which write in place.
# Checked on: cpu, meta
import torch

device = torch.device("cpu")  # the checker also runs this script with "meta"

X = torch.arange(12, dtype=torch.float32, device=device).reshape((3, 4))
Y = torch.ones(3, 4, device=device)
before = id(Y)
Y = Y + X  # a new tensor is bound to Y
rebound = id(Y) != before
Z = torch.zeros_like(Y)
z_id = id(Z)
Z[:] = X + Y  # written into Z's memory
same = id(Z) == z_id
before = id(X)
X += Y  # in place: X keeps its object and memory
kept = id(X) == before
version = X._version
W = torch.zeros(3, 4, device=device)
torch.add(X, Y, out=W)  # out= writes W, no new tensor
V = X.view(12)
shared = V.data_ptr() == X.data_ptr()
offset = X[1].data_ptr() - X.data_ptr()  # 4 float32 elements: 16 bytes
