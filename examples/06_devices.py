# Devices: where a tensor lives, and what .to() copies or returns as is.
# Checked on: cpu
import torch

cpu = torch.device("cpu")
x = torch.ones(2, 3)
where = x.device
same = x.to("cpu")  # already there: x itself
is_same = same is x
copied = x.to("cpu", copy=True)
d = x.to(torch.float64)  # a new dtype: a copy
m = x.to("meta")  # shape and dtype, no data
m_dev = m.device
back = torch.zeros(2, 3, device="meta")
