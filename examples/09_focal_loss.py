# Focal loss: with gamma = 0 and no alpha weighting it is the binary cross-entropy; gamma > 0
# down-weights examples the model already classifies well.
# Checked on: cpu
import torch
import torch.nn.functional as F

logits = torch.tensor([2.0, -1.0, 0.5, -3.0])
targets = torch.tensor([1.0, 0.0, 0.0, 1.0])
bce = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
p = torch.sigmoid(logits)
p_t = p * targets + (1 - p) * (1 - targets)
focal0 = -torch.log(p_t)  # gamma = 0
equal = bool(torch.abs(focal0 - bce).max() < 1e-5)
gamma = 2.0
focal = (1 - p_t) ** gamma * bce
easy_shrinks = bool(focal[0] < bce[0])
