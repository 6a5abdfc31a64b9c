# Automatic differentiation: gradients accumulate, non-scalar outputs need a gradient argument,
# detach() cuts the graph.
# Checked on: cpu
import torch

x = torch.arange(4.0)
x.requires_grad_(True)
y = 2 * torch.dot(x, x)
y.backward()
g1 = x.grad.clone()  # 4x
right = bool((x.grad == 4 * x).all())
x.grad.zero_()  # without this the next backward adds to it
y = x.sum()
y.backward()
g2 = x.grad.clone()  # ones
y = x * x
y.backward(gradient=torch.ones(len(y)))  # the gradient of y.sum()
g3 = x.grad.clone()
x.grad.zero_()
y = x * x
u = y.detach()  # no graph: u is a constant
z = u * x
z.sum().backward()
cut = bool((x.grad == u).all())


def f(a):
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    return b if b.sum() > 0 else 100 * b


a = torch.randn(size=(), requires_grad=True)
d = f(a)
d.backward()
linear = bool(a.grad == d / a)
