"""Tensors that require grad, and the tracked family: differentiable ops on them
(``TRACKED_OPS``), with operands that may require grad too."""

from __future__ import annotations

from hypothesis import strategies as st

from .core import LIMITS, Subject, literal, shapes
from .drafter import Drafter, Op, Table, choose, layout_expr
from .views import has_dims

GRAD_DTYPES = ("float32", "float64")
LEAF_LAYOUTS = ("factory", "transposed", "expanded", "strided")


def grad_leaf(d: Drafter) -> str:
    """A leaf that requires grad: made by a factory, or requires_grad_() on a (possibly
    non-contiguous) leaf, so the gradient layout contract meets every layout."""
    dt = d.draw(st.sampled_from(GRAD_DTYPES), label="dtype")
    shp = d.draw(shapes(max_dims=LIMITS.grad_dims), label="shape")
    seed = d.draw(st.integers(0, 16), label="seed")
    name = d.fresh("p")
    how = d.draw(st.sampled_from(LEAF_LAYOUTS) if len(shp) >= 2 else st.just("factory"),
                 label="leaf layout")
    if how == "factory":
        code = (f"{name} = torch.tensor({literal(shp, dt, seed)}, dtype=torch.{dt}, "
                "device=dev, requires_grad=True)")
    else:
        code = f"{name} = {layout_expr(shp, dt, seed, how)}.requires_grad_()"
    d.add(code, name)
    return name


def grad_source(d: Drafter) -> None:
    """A leaf that requires grad (see ``grad_leaf``)."""
    grad_leaf(d)


def param_like(d: Drafter, shape: tuple[int, ...], dt: str) -> str:
    """A fresh leaf of ``shape``, which requires grad or not."""
    name = d.fresh("w")
    rg = d.draw(st.booleans(), label="requires grad")
    d.add(f"{name} = torch.tensor({literal(shape, dt, d.draw(st.integers(0, 16), label='seed'))}"
          f", dtype=torch.{dt}, device=dev, requires_grad={rg})", name)
    return name


def other(d: Drafter, s: Subject) -> str:
    """A second operand: a scalar, the same tensor, or another tensor (maybe tracked)."""
    kind = d.draw(st.sampled_from(["scalar", "same", "pool", "fresh"]), label="other")
    if kind == "scalar":
        return d.draw(st.sampled_from(["2", "0.5", "-1.5"]), label="scalar")
    if kind == "same":
        return s.name
    if kind == "pool":
        names = [n for n in d.tensors(requires_grad=True)
                 if tuple(d.value(n).shape) == s.shape]
        if names:
            return d.draw(st.sampled_from(names), label="pool other")
    shp = s.shape
    if shp and d.draw(st.booleans(), label="broadcast"):
        shp = (1,) + shp[1:]
    return param_like(d, shp, s.dtype)


# ---- the tracked ops ------------------------------------------------------------------------

def _arithmetic(name: str, symbol: str) -> Op[str]:
    def draft(d: Drafter, s: Subject) -> str:
        y = other(d, s)
        if d.draw(st.booleans(), label="order"):
            return f"{s.name} {symbol} {y}"
        return f"{y} {symbol} {s.name}"
    return Op(name, draft)


def _pow(d: Drafter, s: Subject) -> str:
    e = d.draw(st.sampled_from(["2", "3", "0", "0.5", other(d, s)]), label="exponent")
    return f"{s.name} ** {e}" if e != "0.5" else f"{s.name}.abs() ** 0.5"


def _method(name: str) -> Op[str]:
    return Op(name, lambda d, s: f"{s.name}.{name}()")


def _dim_keepdim(d: Drafter, s: Subject) -> tuple[int, bool]:
    return (d.draw(st.integers(-s.ndim, s.ndim - 1), label="dim"),
            d.draw(st.booleans(), label="keepdim"))


def _sum_dim(d: Drafter, s: Subject) -> str:
    k, keep = _dim_keepdim(d, s)
    return f"{s.name}.sum({k}, keepdim={keep})"


def _reduction(name: str) -> Op[str]:
    """mean or amax over a dim (over all of a 0-dim tensor); of an empty tensor, a sum (its
    mean is nan, its amax an error)."""
    def draft(d: Drafter, s: Subject) -> str:
        if not s.ndim:
            return f"{s.name}.{name}()"
        k, keep = _dim_keepdim(d, s)
        return f"{s.name}.{name}({k}, keepdim={keep})" if s.numel else f"{s.name}.sum()"
    return Op(name, draft)


def _mm(d: Drafter, s: Subject) -> str:
    w = param_like(d, (s.shape[1], d.draw(st.integers(1, LIMITS.max_count), label="cols")),
                   s.dtype)
    if d.draw(st.booleans(), label="side"):
        return f"{s.name}.mm({w})"
    return f"{s.name}.t().mm({param_like(d, (s.shape[0], 2), s.dtype)})"


def _clamp(d: Drafter, s: Subject) -> str:
    return f"{s.name}.clamp({d.draw(st.sampled_from(['-1', 'None']), label='lo')}, " \
        f"{d.draw(st.sampled_from(['1.5', '2']), label='hi')})"


def _softmax(name: str) -> Op[str]:
    return Op(name, lambda d, s:
              f"{s.name}.{name}({d.draw(st.integers(-s.ndim, s.ndim - 1), label='dim')})",
              has_dims)


def _to64(d: Drafter, s: Subject) -> str:
    return f"{s.name}.to(torch.float64)" if s.dtype == "float32" else f"{s.name}.float()"


def _reduction_kind(d: Drafter) -> str:
    return repr(d.draw(st.sampled_from(["mean", "sum", "none"]), label="reduction"))


def _bce(d: Drafter, s: Subject) -> str:
    return (f"torch.nn.functional.binary_cross_entropy_with_logits({s.name}, "
            f"torch.ones_like({s.name}) * 0.25, reduction={_reduction_kind(d)})")


def _cross_entropy(d: Drafter, s: Subject) -> str:
    rows, classes = s.shape
    targets = [d.draw(st.integers(0, classes - 1), label="class") for _ in range(rows)]
    return (f"torch.nn.functional.cross_entropy({s.name}, torch.tensor({targets}, "
            f"dtype=torch.int64, device=dev), reduction={_reduction_kind(d)})")


def _is_matrix(s: Subject) -> bool:
    return s.ndim == 2


def _has_rows(s: Subject) -> bool:
    return s.ndim >= 1 and s.shape[0] > 0


TRACKED_OPS: Table[str] = Table("tracked op", [
    _arithmetic("mul", "*"), _arithmetic("add", "+"), _arithmetic("sub", "-"),
    _arithmetic("div", "/"),
    Op("pow", _pow),
    _method("exp"), _method("sigmoid"), _method("sum"),
    Op("sum_dim", _sum_dim, has_dims),
    _reduction("mean"), _reduction("amax"),
    Op("mm", _mm, lambda s: _is_matrix(s) and s.room(times=LIMITS.max_count)),
    Op("matvec", lambda d, s: f"{s.name} @ {param_like(d, (s.shape[1],), s.dtype)}", _is_matrix),
    Op("dot", lambda d, s: f"{s.name} @ {param_like(d, s.shape, s.dtype)}",
       lambda s: s.ndim == 1),
    Op("clamp", _clamp),
    Op("where", lambda d, s: f"torch.where({s.name} > 0, {s.name}, {other(d, s)})"),
    _method("abs"),
    _softmax("softmax"), _softmax("log_softmax"),
    _method("clone"),
    Op("to64", _to64),
    Op("index_select", lambda d, s: f"{s.name}.index_select(0, torch.tensor([0, "
       f"{s.shape[0] - 1}, 0], device=dev))", lambda s: _has_rows(s) and s.room(times=3)),
    Op("gather", lambda d, s: f"{s.name}.gather(0, torch.zeros_like({s.name}, "
       "dtype=torch.int64))", _has_rows),
    Op("masked_select", lambda d, s: f"{s.name}.masked_select({s.name} > 0)"),
    _method("neg"),
    Op("sqrt_abs", lambda d, s: f"({s.name}.abs() + 1).sqrt()"),
    Op("log_abs", lambda d, s: f"({s.name}.abs() + 1).log()"),
    Op("bce", _bce, lambda s: s.numel > 0),
    Op("cross_entropy", _cross_entropy, lambda s: _is_matrix(s) and s.shape[1] > 0),
])


def tracked_step(d: Drafter) -> None:
    """A differentiable op on a tensor that requires grad (with operands that may too)."""
    x = d.pick(requires_grad=True)
    if x is None:
        grad_source(d)
        return
    s = d.subject(x)
    r = d.fresh("y")
    d.add(f"{r} = {choose(d, TRACKED_OPS, s).draft(d, s)}", r)
