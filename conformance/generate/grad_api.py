"""Autograd's wider API as generator families: tensor hooks (``HOOK_FORMS``) and nn modules
(``MODULE_FORMS``: nn.Parameter, F.linear, nn.Linear, Module.zero_grad), and the forms other
tables take from here: manual gradient layouts and SGD's variants (the clearing forms),
assignment to ``.data`` (the data forms).

Every form drafts at most ``LIMITS.step_statements`` statements and fixes every value a
program observes (an nn.Linear's initial weights are unspecified: a form either sets them or
observes only what does not depend on them).
"""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import strategies as st

from .core import Subject, literal
from .drafter import Drafter, Op, Table, choose, layout_expr
from .tracked import GRAD_DTYPES, grad_source

# ---- hooks ----------------------------------------------------------------------------------

HOOKS = ("lambda g: g * 2", "lambda g: g + 1", "lambda g: None", "lambda g: g.neg()")


def _backward(d: Drafter, s: Subject) -> None:
    """A backward through the hooked tensor (keeping the graph for later steps)."""
    d.add(f"{s.name}.sum().backward(retain_graph=True)")


def _hook(remove: bool) -> Callable[[Drafter, Subject], None]:
    """register_hook with a hook that replaces the gradient or returns None, then a backward
    through it; with ``remove`` the handle's remove() comes first (the hook never runs)."""
    def draft(d: Drafter, s: Subject) -> None:
        fn = d.draw(st.sampled_from(HOOKS), label="hook")
        h = d.fresh("hk")
        d.add(f"{h} = {s.name}.register_hook({fn})", h)
        if remove:
            d.add(f"{h}.remove()")
        _backward(d, s)
    return draft


def _hook_then_retain(d: Drafter, s: Subject) -> None:
    """A hook and retain_grad on the same tensor, then a backward: the retained grad is the
    hook's result."""
    h = d.fresh("hk")
    d.add(f"{s.name}.retain_grad()")
    d.add(f"{h} = {s.name}.register_hook(lambda g: g * 3)", h)
    _backward(d, s)


def _two_hooks(d: Drafter, s: Subject) -> None:
    """Two hooks, then a backward: they run in the order they were registered."""
    a, b = d.fresh("hk"), d.fresh("hk")
    d.add(f"{a} = {s.name}.register_hook(lambda g: g + 1)", a)
    d.add(f"{b} = {s.name}.register_hook(lambda g: g * 2)", b)
    _backward(d, s)


HOOK_FORMS: Table[None] = Table("hook form", [
    Op("hook", _hook(False)),
    Op("hook_removed", _hook(True)),
    Op("retain_and_hook", _hook_then_retain),
    Op("two_hooks", _two_hooks),
])


def hook_step(d: Drafter) -> None:
    """register_hook on a tensor that requires grad (a leaf or not)."""
    x = d.pick(requires_grad=True)
    if x is None:
        grad_source(d)
        return
    s = d.subject(x)
    choose(d, HOOK_FORMS, s).draft(d, s)


# ---- nn.Parameter, F.linear, nn.Linear and Module.zero_grad ---------------------------------

def _float(s: Subject) -> bool:
    return s.dtype in GRAD_DTYPES


def _features(s: Subject) -> bool:
    return _float(s) and s.ndim >= 1


def _parameter(d: Drafter, s: Subject) -> None:
    """nn.Parameter over the subject's data: a leaf sharing its storage."""
    p = d.fresh("pp")
    d.add(f"{p} = torch.nn.Parameter({s.name}.detach())", p)


def _weights(d: Drafter, s: Subject, out: int) -> tuple[str, str]:
    seed = d.draw(st.integers(0, 16), label="seed")
    return (literal((out, s.shape[-1]), s.dtype, seed), literal((out,), s.dtype, seed + 1))


def _functional_linear(d: Drafter, s: Subject) -> None:
    """F.linear with a weight (out, in) that requires grad and maybe a bias."""
    out = d.draw(st.integers(1, 3), label="out features")
    w, b = _weights(d, s, out)
    wn, y = d.fresh("lw"), d.fresh("ly")
    d.add(f"{wn} = torch.tensor({w}, dtype=torch.{s.dtype}, device=dev, requires_grad=True)",
          wn)
    bias = f", torch.tensor({b}, dtype=torch.{s.dtype}, device=dev)" \
        if d.draw(st.booleans(), label="bias") else ""
    d.add(f"{y} = torch.nn.functional.linear({s.name}, {wn}{bias})", y)


def _linear(d: Drafter, s: Subject) -> None:
    """nn.Linear given its weights under no_grad, then called on the subject."""
    out = d.draw(st.integers(1, 3), label="out features")
    w, b = _weights(d, s, out)
    m, y = d.fresh("lin"), d.fresh("ly")
    d.add(f"{m} = torch.nn.Linear({s.shape[-1]}, {out}, device=dev, dtype=torch.{s.dtype})", m)
    d.add(f"with torch.no_grad():\n    {m}.weight.copy_(torch.tensor({w}, device=dev))\n"
          f"    {m}.bias.copy_(torch.tensor({b}, device=dev))")
    d.add(f"{y} = {m}({s.name})", y)


def _zero_grad(d: Drafter, s: Subject) -> None:
    """A Linear's backward fills weight.grad and bias.grad (values that do not depend on its
    unspecified initial weights), then Module.zero_grad clears or zeroes them."""
    m = d.fresh("lin")
    none = d.draw(st.booleans(), label="set to none")
    d.add(f"{m} = torch.nn.Linear({s.shape[-1]}, 2, device=dev, dtype=torch.{s.dtype})", m)
    d.add(f"{m}({s.name}.detach()).sum().backward()")
    d.add(f"{m}.zero_grad()" if none else f"{m}.zero_grad(set_to_none=False)")


MODULE_FORMS: Table[None] = Table("module form", [
    Op("parameter", _parameter),
    Op("functional_linear", _functional_linear, _features),
    Op("linear", _linear, _features),
    Op("zero_grad", _zero_grad, _features),
])


def module_step(d: Drafter) -> None:
    """nn.Parameter of a tensor, F.linear and nn.Linear on it, Module.zero_grad."""
    x = d.pick()
    if x is None:
        grad_source(d)
        return
    s = d.subject(x)
    choose(d, MODULE_FORMS, s).draft(d, s)


# ---- forms of the clearing and data tables --------------------------------------------------

GRAD_LAYOUTS = ("plain", "transposed", "strided", "expanded")


def assign_grad(d: Drafter, s: Subject) -> None:
    """x.grad = a tensor of x's shape and dtype in a layout of its own (kept as later
    gradients accumulate; an expanded one breaks the layout contract)."""
    how = d.draw(st.sampled_from(GRAD_LAYOUTS), label="grad layout")
    seed = d.draw(st.integers(0, 16), label="seed")
    d.add(f"{s.name}.grad = {layout_expr(s.shape, s.dtype, seed, how)}")


def sgd_variant(d: Drafter, s: Subject) -> None:
    """Two SGD steps with momentum, dampening, Nesterov, weight decay and maximize drawn (an
    invalid mix raises ValueError)."""
    momentum = d.draw(st.sampled_from(["0", "0.9"]), label="momentum")
    dampening = d.draw(st.sampled_from(["0", "0.5"]), label="dampening")
    nesterov = d.draw(st.booleans(), label="nesterov")
    decay = d.draw(st.sampled_from(["0", "0.1"]), label="weight decay")
    maximize = d.draw(st.booleans(), label="maximize")
    o = d.fresh("opt")
    d.add(f"{o} = torch.optim.SGD([{s.name}], lr=0.5, momentum={momentum}, "
          f"dampening={dampening}, nesterov={nesterov}, weight_decay={decay}, "
          f"maximize={maximize})", o)
    d.add(f"{o}.step()")
    d.add(f"{o}.step()")


def assign_data(d: Drafter, s: Subject) -> None:
    """x.data = t for a t of x's shape (new values) or of another shape or dtype."""
    seed = d.draw(st.integers(0, 16), label="seed")
    kind = d.draw(st.sampled_from(["same", "shape", "dtype"]), label="new data")
    shape = s.shape if kind != "shape" else (2,) + s.shape[1:] if s.shape else (2,)
    dtype = "float64" if kind == "dtype" and s.dtype != "float64" else s.dtype
    d.add(f"{s.name}.data = torch.tensor({literal(shape, dtype, seed)}, dtype=torch.{dtype}, "
          "device=dev)")
