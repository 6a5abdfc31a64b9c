"""The autograd families besides the tracked ops: backward in its forms (``BACKWARD_FORMS``),
clearing gradients (``CLEAR_FORMS``), ``.data`` and ``detach()`` (``DATA_FORMS``), and grad-mode
blocks around another family's step (``mode_step``)."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import strategies as st

from .arith import arith_step
from .core import Subject, literal
from .drafter import Drafter, Op, Table, choose
from .grad_api import assign_data, assign_grad, sgd_variant
from .indexing import index_step
from .tracked import GRAD_DTYPES, grad_source, tracked_step
from .views import view_step
from .writes import inplace_step


def _statement(code: Callable[[Subject], str]) -> Callable[[Drafter, Subject], None]:
    """A form of one statement, written from the subject alone."""
    def draft(d: Drafter, s: Subject) -> None:
        d.add(code(s))
    return draft


# ---- backward -------------------------------------------------------------------------------

def _gradient(wrong: bool) -> Callable[[Drafter, Subject], None]:
    """backward(g) with g of the output's shape or (``wrong``) not."""
    def draft(d: Drafter, s: Subject) -> None:
        shp = s.shape
        gshape = (shp + (1,) if len(shp) < 3 else shp[1:]) if wrong else shp
        seed = d.draw(st.integers(0, 16), label="seed")
        g = d.fresh("g")
        d.add(f"{g} = torch.tensor({literal(gshape, s.dtype, seed)}, dtype=torch.{s.dtype}, "
              "device=dev)", g)
        d.add(f"{s.name}.backward({g})")
    return draft


def _chosen_leaves(d: Drafter, s: Subject) -> str:
    k = d.draw(st.integers(1, min(2, len(s.leaves))), label="inputs")
    return ", ".join(d.draw(st.permutations(s.leaves), label="leaves")[:k])


def _autograd_grad(create_graph: bool) -> Callable[[Drafter, Subject], None]:
    """torch.autograd.grad of the output's sum for one or two leaves."""
    def draft(d: Drafter, s: Subject) -> None:
        chosen = _chosen_leaves(d, s)
        r = d.fresh("gr")
        extra = ", allow_unused=True" if d.draw(st.booleans(), label="unused ok") else ""
        cg = ", create_graph=True" if create_graph else ""
        d.add(f"{r} = torch.autograd.grad({s.name}.sum(), [{chosen}]{extra}{cg})", r)
    return draft


def _inputs(d: Drafter, s: Subject) -> None:
    d.add(f"{s.name}.sum().backward(inputs=[{_chosen_leaves(d, s)}])")


def _grad_dtype(s: Subject) -> bool:
    return s.dtype in GRAD_DTYPES


def _has_leaves(s: Subject) -> bool:
    return bool(s.leaves)


def _mean(s: Subject) -> str:
    return f"{s.name}.mean().backward()" if s.numel else f"{s.name}.sum().backward()"


BACKWARD_FORMS: Table[None] = Table("backward form", [
    Op("sum", _statement(lambda s: f"{s.name}.sum().backward()")),
    Op("plain", _statement(lambda s: f"{s.name}.backward()")),
    Op("gradient", _gradient(False), _grad_dtype),
    Op("gradient_wrong", _gradient(True), _grad_dtype),
    Op("retain", _statement(lambda s: f"{s.name}.sum().backward(retain_graph=True)")),
    Op("mean", _statement(_mean), _grad_dtype),
    Op("grad_fn", _statement(lambda s: f"{s.name}.backward(torch.ones_like({s.name}))")),
    Op("autograd_grad", _autograd_grad(False), _has_leaves),
    Op("autograd_grad_cg", _autograd_grad(True), _has_leaves),
    Op("inputs", _inputs, _has_leaves),
    Op("create_graph", _statement(lambda s: f"{s.name}.sum().backward(create_graph=True)")),
])


def backward_step(d: Drafter) -> None:
    """backward() in its forms: on a scalar, with a gradient tensor (right or wrong shape),
    with retain_graph, through autograd.grad, or on something that does not require grad."""
    y = d.pick(requires_grad=True) or d.pick()
    if y is None:
        grad_source(d)
        return
    s = d.subject(y, leaves=tuple(d.tensors(requires_grad=True, leaf=True)))
    choose(d, BACKWARD_FORMS, s).draft(d, s)


# ---- clearing gradients ---------------------------------------------------------------------

def _keep(d: Drafter, s: Subject) -> None:
    g = d.fresh("gk")
    d.add(f"{g} = {s.name}.grad", g)


def _sgd(zero_grad: str) -> Callable[[Drafter, Subject], None]:
    def draft(d: Drafter, s: Subject) -> None:
        o = d.fresh("opt")
        d.add(f"{o} = torch.optim.SGD([{s.name}], lr=0.5)", o)
        d.add(f"{o}.step()")
        d.add(f"{o}.{zero_grad}")
    return draft


def _has_grad(s: Subject) -> bool:
    return s.grad


CLEAR_FORMS: Table[None] = Table("clear", [
    Op("none", _statement(lambda s: f"{s.name}.grad = None")),
    Op("zero", _statement(lambda s: f"{s.name}.grad.zero_()"), _has_grad),
    Op("data_zero", _statement(lambda s: f"{s.name}.grad.data.zero_()"), _has_grad),
    Op("sgd", _sgd("zero_grad()")),
    Op("sgd_keep", _sgd("zero_grad(set_to_none=False)")),
    Op("keep", _keep),
    Op("assign_layout", assign_grad),
    Op("sgd_variant", sgd_variant),
])


def clear_step(d: Drafter) -> None:
    """Clearing gradients: = None, zero_(), .data.zero_(), an SGD step and zero_grad."""
    x = d.pick(requires_grad=True, leaf=True)
    if x is None:
        grad_source(d)
        return
    s = d.subject(x, grad=d.value(x).grad is not None)
    choose(d, CLEAR_FORMS, s).draft(d, s)


# ---- .data and detach() ---------------------------------------------------------------------

def _alias(attribute: str) -> Callable[[Drafter, Subject], None]:
    def draft(d: Drafter, s: Subject) -> None:
        r = d.fresh("dd")
        d.add(f"{r} = {s.name}{attribute}", r)
    return draft


DATA_FORMS: Table[None] = Table("data form", [
    Op("detach", _alias(".detach()")),
    Op("data", _alias(".data")),
    Op("detach_write", _statement(lambda s: f"{s.name}.detach().mul_(2)")),
    Op("data_write", _statement(lambda s: f"{s.name}.data.mul_(2)")),
    Op("retain", _statement(lambda s: f"{s.name}.retain_grad()")),
    Op("data_assign", assign_data),
    Op("data_imul", _statement(lambda s: f"{s.name}.data *= 2")),
])


def data_step(d: Drafter) -> None:
    """``.data`` and ``detach()``: aliases that do not require grad; writes through them."""
    x = d.pick(requires_grad=True)
    if x is None:
        grad_source(d)
        return
    s = d.subject(x)
    choose(d, DATA_FORMS, s).draft(d, s)


# ---- grad-mode blocks -----------------------------------------------------------------------

MODE_BLOCKS = ("with torch.no_grad():", "with torch.enable_grad():",
               "with torch.set_grad_enabled(False):", "with torch.inference_mode():")
MODE_FAMILIES: dict[str, Callable[[Drafter], None]] = {
    "tracked": tracked_step, "view": view_step, "inplace": inplace_step, "arith": arith_step,
    "index": index_step,
}


def mode_step(d: Drafter) -> None:
    """A grad-mode block around a tracked op, a view, an in-place op or arithmetic."""
    block = d.draw(st.sampled_from(MODE_BLOCKS), label="mode")
    family = d.draw(st.sampled_from(list(MODE_FAMILIES)), label="inner family")
    d.note("mode", block)
    d.note("inner family", family)
    d.block = block
    try:
        MODE_FAMILIES[family](d)
    finally:
        d.block = ""
