# The NumPy bridge: numpy() and from_numpy share memory, tensor() copies, item() gives a number.
# Checked on: cpu
import numpy as np
import torch

X = torch.arange(6, dtype=torch.float32).reshape(2, 3)
A = X.numpy()  # shares X's memory
B = torch.from_numpy(A)  # shares it again
X[0, 0] = 100  # seen through A and B
C = torch.tensor(A)  # a copy
D = torch.as_tensor(A)  # shares: same dtype, same device
a = np.ones(3)
t = torch.tensor(a)  # float64, as the array
a[0] = 5  # t keeps its copy
s = torch.tensor([3.5])
num = s.item()
f, i = float(s), int(s)
