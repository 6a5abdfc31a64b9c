"""Op families for autograd programs: tensors that require grad, tracked ops, backward in its
forms, gradient clearing, ``.data`` and ``detach()`` writes, and grad-mode blocks.

They draft against the live pool like the memory families (``strategies``), which they reuse
for the tracked ops themselves: any view, index, in-place or arithmetic op on a tensor that
requires grad records a graph.
"""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import strategies as st

from ..program import Program
from .strategies import (
    FAMILIES,
    Drafter,
    arith_step,
    index_step,
    inplace_step,
    layout_expr,
    literal,
    shapes,
    view_step,
)

GRAD_DTYPES = ("float32", "float64")


def grad_source(d: Drafter) -> None:
    """A leaf that requires grad (see ``grad_leaf``)."""
    grad_leaf(d)


def grad_leaf(d: Drafter) -> str:
    """A leaf that requires grad: made by a factory, or requires_grad_() on a (possibly
    non-contiguous) leaf, so the gradient layout contract meets every layout."""
    dt = d.draw(st.sampled_from(GRAD_DTYPES), label="dtype")
    shp = d.draw(shapes(max_dims=3), label="shape")
    seed = d.draw(st.integers(0, 16), label="seed")
    name = d.fresh("p")
    how = d.draw(st.sampled_from(["factory", "transposed", "expanded", "strided"])
                 if len(shp) >= 2 else st.just("factory"), label="leaf layout")
    if how == "factory":
        code = (f"{name} = torch.tensor({literal(shp, dt, seed)}, dtype=torch.{dt}, "
                "device=dev, requires_grad=True)")
    else:
        code = f"{name} = {layout_expr(shp, dt, seed, how)}.requires_grad_()"
    d.add(code, name)
    return name


def _tracked(d: Drafter) -> str | None:
    return d.pick(requires_grad=True)


TRACKED_OPS = ("mul", "add", "sub", "div", "pow", "exp", "sigmoid", "sum", "sum_dim", "mean",
               "amax", "mm", "matvec", "dot", "clamp", "where", "abs", "softmax",
               "log_softmax", "clone", "to64", "index_select", "gather", "masked_select",
               "neg", "sqrt_abs", "log_abs", "bce", "cross_entropy")


def tracked_step(d: Drafter) -> None:
    """A differentiable op on a tensor that requires grad (with operands that may too)."""
    x = _tracked(d)
    if x is None:
        grad_source(d)
        return
    t = d.value(x)
    nd, shp = t.dim(), tuple(t.shape)
    dt = str(t.dtype).split(".")[1]
    r = d.fresh("y")
    op = d.draw(st.sampled_from(TRACKED_OPS), label="tracked op")
    other = _other(d, x)
    if op in ("mul", "add", "sub", "div"):
        sym = {"mul": "*", "add": "+", "sub": "-", "div": "/"}[op]
        code = f"{r} = {x} {sym} {other}" if d.draw(st.booleans(), label="order") else \
            f"{r} = {other} {sym} {x}"
    elif op == "pow":
        e = d.draw(st.sampled_from(["2", "3", "0", "0.5", other]), label="exponent")
        code = f"{r} = {x} ** {e}" if e != "0.5" else f"{r} = {x}.abs() ** 0.5"
    elif op in ("exp", "sigmoid", "abs", "neg", "clone"):
        code = f"{r} = {x}.{op}()"
    elif op == "sqrt_abs":
        code = f"{r} = ({x}.abs() + 1).sqrt()"
    elif op == "log_abs":
        code = f"{r} = ({x}.abs() + 1).log()"
    elif op == "sum":
        code = f"{r} = {x}.sum()"
    elif op in ("sum_dim", "mean", "amax") and nd:
        fn = "sum" if op == "sum_dim" else op
        k = d.draw(st.integers(-nd, nd - 1), label="dim")
        keep = d.draw(st.booleans(), label="keepdim")
        code = f"{r} = {x}.{fn}({k}, keepdim={keep})" if t.numel() or op == "sum_dim" \
            else f"{r} = {x}.sum()"
    elif op == "mean":
        code = f"{r} = {x}.mean()"
    elif op == "amax":
        code = f"{r} = {x}.amax()" if t.numel() else f"{r} = {x}.sum()"
    elif op == "mm" and nd == 2:
        k = shp[1]
        w = _param_like(d, (k, d.draw(st.integers(1, 3), label="cols")), dt)
        code = f"{r} = {x}.mm({w})" if d.draw(st.booleans(), label="side") else \
            f"{r} = {x}.t().mm({_param_like(d, (shp[0], 2), dt)})"
    elif op == "matvec" and nd == 2:
        code = f"{r} = {x} @ {_param_like(d, (shp[1],), dt)}"
    elif op == "dot" and nd == 1:
        code = f"{r} = {x} @ {_param_like(d, shp, dt)}"
    elif op == "clamp":
        code = f"{r} = {x}.clamp({d.draw(st.sampled_from(['-1', 'None']), label='lo')}, " \
               f"{d.draw(st.sampled_from(['1.5', '2']), label='hi')})"
    elif op == "where":
        code = f"{r} = torch.where({x} > 0, {x}, {other})"
    elif op in ("softmax", "log_softmax") and nd:
        code = f"{r} = {x}.{op}({d.draw(st.integers(-nd, nd - 1), label='dim')})"
    elif op == "to64":
        code = f"{r} = {x}.to(torch.float64)" if dt == "float32" else f"{r} = {x}.float()"
    elif op == "index_select" and nd and shp[0]:
        code = f"{r} = {x}.index_select(0, torch.tensor([0, {shp[0] - 1}, 0], device=dev))"
    elif op == "gather" and nd and shp[0]:
        code = f"{r} = {x}.gather(0, torch.zeros_like({x}, dtype=torch.int64))"
    elif op == "masked_select":
        code = f"{r} = {x}.masked_select({x} > 0)"
    elif op == "bce" and t.numel():
        code = (f"{r} = torch.nn.functional.binary_cross_entropy_with_logits({x}, "
                f"torch.ones_like({x}) * 0.25, reduction="
                f"{d.draw(st.sampled_from(['mean', 'sum', 'none']), label='reduction')!r})")
    elif op == "cross_entropy" and nd == 2 and shp[1]:
        targets = [d.draw(st.integers(0, shp[1] - 1), label="class") for _ in range(shp[0])]
        code = (f"{r} = torch.nn.functional.cross_entropy({x}, torch.tensor({targets}, "
                f"dtype=torch.int64, device=dev), reduction="
                f"{d.draw(st.sampled_from(['mean', 'sum', 'none']), label='reduction')!r})")
    else:
        code = f"{r} = {x} * 2"
    d.add(code, r)


def _param_like(d: Drafter, shape: tuple[int, ...], dt: str) -> str:
    name = d.fresh("w")
    rg = d.draw(st.booleans(), label="requires grad")
    d.add(f"{name} = torch.tensor({literal(shape, dt, d.draw(st.integers(0, 16), label='seed'))}"
          f", dtype=torch.{dt}, device=dev, requires_grad={rg})", name)
    return name


def _other(d: Drafter, x: str) -> str:
    """A second operand: a scalar, the same tensor, or another tensor (maybe tracked)."""
    kind = d.draw(st.sampled_from(["scalar", "same", "pool", "fresh"]), label="other")
    if kind == "scalar":
        return d.draw(st.sampled_from(["2", "0.5", "-1.5"]), label="scalar")
    if kind == "same":
        return x
    t = d.value(x)
    if kind == "pool":
        names = [n for n in d.tensors(requires_grad=True) if d.value(n).shape == t.shape]
        if names:
            return d.draw(st.sampled_from(names), label="pool other")
    dt = str(t.dtype).split(".")[1]
    shp = tuple(t.shape)
    if shp and d.draw(st.booleans(), label="broadcast"):
        shp = (1,) * 1 + shp[1:] if len(shp) > 1 else (1,)
    return _param_like(d, shp, dt)


def backward_step(d: Drafter) -> None:
    """backward() in its forms: on a scalar, with a gradient tensor (right or wrong shape),
    with retain_graph, through autograd.grad, or on something that does not require grad."""
    y = d.pick(requires_grad=True) or d.pick()
    if y is None:
        grad_source(d)
        return
    t = d.value(y)
    shp = tuple(t.shape)
    dt = str(t.dtype).split(".")[1]
    form = d.draw(st.sampled_from(["sum", "plain", "gradient", "gradient_wrong", "retain",
                                   "mean", "grad_fn", "autograd_grad", "autograd_grad_cg",
                                   "inputs"]), label="backward form")
    if form == "sum":
        code = f"{y}.sum().backward()"
    elif form == "plain":
        code = f"{y}.backward()"
    elif form == "mean" and dt in GRAD_DTYPES:
        code = f"{y}.mean().backward()" if t.numel() else f"{y}.sum().backward()"
    elif form in ("gradient", "gradient_wrong") and dt in GRAD_DTYPES:
        gshape = shp if form == "gradient" else (shp + (1,) if len(shp) < 3 else shp[1:])
        seed = d.draw(st.integers(0, 16), label="seed")
        g = d.fresh("g")
        d.add(f"{g} = torch.tensor({literal(gshape, dt, seed)}, dtype=torch.{dt}, device=dev)",
              g)
        code = f"{y}.backward({g})"
    elif form == "retain":
        code = f"{y}.sum().backward(retain_graph=True)"
    elif form == "grad_fn":
        code = f"{y}.backward(torch.ones_like({y}))"
    elif form in ("autograd_grad", "autograd_grad_cg", "inputs"):
        leaves = d.tensors(requires_grad=True, leaf=True)
        if not leaves:
            code = f"{y}.sum().backward()"
        else:
            k = d.draw(st.integers(1, min(2, len(leaves))), label="inputs")
            chosen = d.draw(st.permutations(leaves), label="leaves")[:k]
            r = d.fresh("gr")
            if form == "inputs":
                d.add(f"{y}.sum().backward(inputs=[{', '.join(chosen)}])")
                return
            extra = ", allow_unused=True" if d.draw(st.booleans(), label="unused ok") else ""
            cg = ", create_graph=True" if form == "autograd_grad_cg" else ""
            d.add(f"{r} = torch.autograd.grad({y}.sum(), [{', '.join(chosen)}]{extra}{cg})", r)
            return
    else:
        code = f"{y}.sum().backward()"
    d.add(code)


def clear_step(d: Drafter) -> None:
    """Clearing gradients: = None, zero_(), .data.zero_(), an SGD step and zero_grad."""
    x = d.pick(requires_grad=True, leaf=True)
    if x is None:
        grad_source(d)
        return
    form = d.draw(st.sampled_from(["none", "zero", "data_zero", "sgd", "sgd_keep", "keep"]),
                  label="clear")
    if form == "none":
        d.add(f"{x}.grad = None")
    elif form == "zero":
        d.add(f"{x}.grad.zero_()" if d.value(x).grad is not None else f"{x}.grad = None")
    elif form == "data_zero":
        d.add(f"{x}.grad.data.zero_()" if d.value(x).grad is not None else f"{x}.grad = None")
    elif form == "keep":
        g = d.fresh("gk")
        d.add(f"{g} = {x}.grad", g)
    else:
        o = d.fresh("opt")
        d.add(f"{o} = torch.optim.SGD([{x}], lr=0.5)", o)
        d.add(f"{o}.step()")
        d.add(f"{o}.zero_grad()" if form == "sgd" else f"{o}.zero_grad(set_to_none=False)")


def data_step(d: Drafter) -> None:
    """``.data`` and ``detach()``: aliases that do not require grad; writes through them."""
    x = d.pick(requires_grad=True)
    if x is None:
        grad_source(d)
        return
    form = d.draw(st.sampled_from(["detach", "data", "detach_write", "data_write", "retain"]),
                  label="data form")
    r = d.fresh("dd")
    if form == "detach":
        d.add(f"{r} = {x}.detach()", r)
    elif form == "data":
        d.add(f"{r} = {x}.data", r)
    elif form == "detach_write":
        d.add(f"{x}.detach().mul_(2)")
    elif form == "data_write":
        d.add(f"{x}.data.mul_(2)")
    else:
        d.add(f"{x}.retain_grad()")


MODE_BLOCKS = ("with torch.no_grad():", "with torch.enable_grad():",
               "with torch.set_grad_enabled(False):", "with torch.inference_mode():")


def mode_step(d: Drafter) -> None:
    """A grad-mode block around a tracked op, a view, an in-place op or arithmetic."""
    block = d.draw(st.sampled_from(MODE_BLOCKS), label="mode")
    family = d.draw(st.sampled_from(["tracked", "view", "inplace", "arith", "index"]),
                    label="inner family")
    inner = {"tracked": tracked_step, "view": view_step, "inplace": inplace_step,
             "arith": arith_step, "index": index_step}[family]
    d.block = block
    try:
        inner(d)
    finally:
        d.block = ""


GRAD_FAMILIES: dict[str, Callable[[Drafter], None]] = {
    "grad_source": grad_source, "tracked": tracked_step, "backward": backward_step,
    "clear": clear_step, "data": data_step, "mode": mode_step,
    "view": FAMILIES["view"], "inplace": FAMILIES["inplace"], "index": FAMILIES["index"],
}

# Weights of the autograd state machine: tracked ops and backward calls dominate.
GRAD_MIX = ("grad_source", "tracked", "tracked", "tracked", "backward", "backward", "clear",
            "data", "mode", "view", "inplace", "index")


@st.composite
def grad_programs(draw: st.DrawFn, families: tuple[str, ...] = tuple(GRAD_MIX), *,
                  min_steps: int = 2, max_steps: int = 10) -> Program:
    """A program that starts from a leaf requiring grad and mixes the given families."""
    d = Drafter(draw)
    grad_source(d)
    n = draw(st.integers(min_steps, max_steps), label="steps")
    for _ in range(n):
        GRAD_FAMILIES[draw(st.sampled_from(families), label="family")](d)
    return d.program()
