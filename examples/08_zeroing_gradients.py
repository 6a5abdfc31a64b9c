# Zeroing gradients: x.grad.zero_() and x.grad.data.zero_() both zero the values; only the
# first is seen by autograd's version counter; zero_grad() sets gradients to None by default.
# Checked on: cpu, meta
import torch

device = torch.device("cpu")  # the checker also runs this script with "meta"

w = torch.ones(3, requires_grad=True, device=device)
(w * 2).sum().backward()
g = w.grad
v0 = g._version
w.grad.zero_()
v1 = g._version  # bumped
(w * 2).sum().backward()
w.grad.data.zero_()
v2 = g._version  # .data has its own version counter
opt = torch.optim.SGD([w], lr=0.1)
(w * 2).sum().backward()
opt.step()
opt.zero_grad()
gone = w.grad is None
