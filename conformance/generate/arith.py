"""The arith family: fresh (out-of-place) results: broadcasting, type promotion, values,
reductions, products, and the Python values item() and tolist() return."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from hypothesis import strategies as st

from .core import COMPLEX_DTYPES, Subject
from .drafter import Drafter, Op, Table, choose, operand, source


def _binary(symbol: str) -> Op[str]:
    return Op(symbol, lambda d, s: f"{s.name} {symbol} {operand(d, s.name)}")


def _power(d: Drafter, s: Subject) -> str:
    return f"{s.name} ** {d.draw(st.sampled_from(['2', '0.5', '0', '-1']), label='e')}"


def _add_alpha(d: Drafter, s: Subject) -> str:
    alpha = d.draw(st.sampled_from(["2", "-1", "0.5"]), label="alpha")
    return f"torch.add({s.name}, {operand(d, s.name)}, alpha={alpha})"


def _div(mode: str) -> Op[str]:
    return Op(f"div_{mode}", lambda d, s:
              f"torch.div({s.name}, {operand(d, s.name)}, rounding_mode={mode!r})")


def _function(name: str) -> Op[str]:
    return Op(name, lambda d, s: f"torch.{name}({s.name})")


def _clamp(d: Drafter, s: Subject) -> str:
    lo = d.draw(st.sampled_from(["-1", "0", "None"]), label="lo")
    return f"{s.name}.clamp({lo}, {d.draw(st.sampled_from(['1', '2.5', 'None']), label='hi')})"


def _reduction(name: str) -> Op[str]:
    def draft(d: Drafter, s: Subject) -> str:
        if not s.ndim or d.draw(st.booleans(), label="all dims"):
            return f"{s.name}.{name}()"
        k = d.draw(st.integers(-s.ndim, s.ndim - 1), label="dim")
        return f"{s.name}.{name}({k}, keepdim={d.draw(st.booleans(), label='keepdim')})"
    return Op(name, draft)


def _product(name: str, shape: Callable[[Drafter, Subject, int], tuple[int, ...]],
             times: int) -> Op[str]:
    """``torch.name(x, other)`` with an other of the matching ``shape`` for x's last side,
    sometimes one row too many (1 in 10: torch's shape error), sometimes of another dtype (1 in
    6: its dtype error). ``times`` bounds the other's and the result's elements by x's."""
    def draft(d: Drafter, s: Subject) -> str:
        k = s.shape[-1] if s.shape else 1
        other_shape = shape(d, s, k)
        if d.draw(st.integers(0, 9), label="bad shape") == 0:
            other_shape = (k + 1,) + other_shape[1:]
        same = d.draw(st.integers(0, 5), label="mixed dtype") != 0
        other = source(d, shape=other_shape, dtype=s.dtype if same else None)
        return f"torch.{name}({s.name}, {other})"
    return Op(name, draft, lambda s: s.room(times=times))


def _batch(s: Subject) -> int:
    return s.shape[0] if s.shape else 1


def _bmm_fits(s: Subject) -> bool:
    # bmm of a vector (which raises) makes an other of its length squared.
    return s.room(times=4 * (max(s.shape[0], 1) if s.ndim == 1 else 1))


def _matmul_shape(d: Drafter, s: Subject, k: int) -> tuple[int, ...]:
    return (k,) if d.draw(st.booleans(), label="vec") else (k, 3)


# ---- issue 17's reductions, sorting, comparisons and joining (breadth-reduce) ----------------

def _dim(d: Drafter, s: Subject) -> int:
    return d.draw(st.integers(-s.ndim, s.ndim - 1), label="dim") if s.ndim else 0


def _norm(d: Drafter, s: Subject) -> str:
    p = d.draw(st.sampled_from(["2", "1", "0", "3", "float('inf')", "-float('inf')", "'fro'"]),
               label="p")
    if not s.ndim or d.draw(st.booleans(), label="all dims"):
        return f"{s.name}.norm({p})"
    return f"{s.name}.norm({p}, dim={_dim(d, s)}, keepdim={d.draw(st.booleans(), label='keepdim')})"


def _sort(d: Drafter, s: Subject) -> str:
    stable = d.draw(st.booleans(), label="stable")
    desc = d.draw(st.booleans(), label="descending")
    if stable:
        return f"torch.sort({s.name}, dim={_dim(d, s)}, descending={desc}, stable=True)"
    return f"{s.name}.sort({_dim(d, s)}, {desc})"


def _topk(d: Drafter, s: Subject) -> str:
    k = _dim(d, s)
    size = s.shape[k] if s.ndim else 1
    n = d.draw(st.integers(0, size + (1 if d.draw(st.integers(0, 9), label="too many") == 0
                                      else 0)), label="k")
    return f"{s.name}.topk({n}, {k}, largest={d.draw(st.booleans(), label='largest')})"


def _close(d: Drafter, s: Subject) -> str:
    """torch.equal with a copy or another tensor of one shape; allclose with a nearby tensor."""
    if d.draw(st.booleans(), label="equal"):
        other = f"{s.name}.clone()" if d.draw(st.booleans(), label="copy") else \
            source(d, shape=s.shape)
        return f"torch.equal({s.name}, {other})"
    eps = d.draw(st.sampled_from(["1e-6", "1e-3", "0"]), label="eps")
    return f"torch.allclose({s.name}, {s.name} + {eps}, equal_nan=" \
        f"{d.draw(st.booleans(), label='equal_nan')})"


def _join(name: str) -> Op[str]:
    """``torch.cat`` / ``torch.stack`` of the subject with one or two tensors of its shape
    (any dtype: the result's is promoted) along a drawn dim."""
    def draft(d: Drafter, s: Subject) -> str:
        others = [source(d, shape=s.shape) for _ in range(d.draw(st.integers(1, 2), label="n"))]
        nd = s.ndim + (name == "stack")
        k = d.draw(st.integers(-nd, nd - 1), label="dim") if nd else 0
        return f"torch.{name}([{', '.join([s.name, *others])}], {k})"
    return Op(name, draft, lambda s: s.room(dims=int(name == "stack"), times=3)
              and (name == "stack" or s.ndim >= 1))


ARITH_OPS: Table[str] = Table("arith op", [
    *(_binary(symbol) for symbol in ("+", "-", "*", "/", "//")),
    Op("**", _power),
    Op("add_alpha", _add_alpha),
    _div("trunc"),
    _div("floor"),
    *(_function(name) for name in ("neg", "exp", "log", "sqrt", "abs")),
    Op("clamp", _clamp),
    *(_binary(symbol) for symbol in ("==", "<", ">=", "!=")),
    Op("where", lambda d, s: f"torch.where({s.name} > 0, {s.name}, {operand(d, s.name)})"),
    *(_reduction(name) for name in ("sum", "mean", "amax", "amin")),
    _product("mm", lambda d, s, k: (k, 2), 4),
    replace(_product("bmm", lambda d, s, k: (_batch(s) + int(
        d.draw(st.integers(0, 5), label="batch mismatch") == 0), k, 2), 4), applies=_bmm_fits),
    _product("matmul", _matmul_shape, 6),
    Op("item", lambda d, s: f"{s.name}.item()"),
    # Python's float() and int(): one element only (ValueError otherwise, unlike item()).
    Op("float", lambda d, s: f"float({s.name})", lambda s: s.dtype not in COMPLEX_DTYPES),
    Op("int", lambda d, s: f"int({s.name})", lambda s: s.dtype not in COMPLEX_DTYPES),
    Op("tolist", lambda d, s: f"{s.name}.tolist()"),
    Op("result_type", lambda d, s: f"torch.result_type({s.name}, {operand(d, s.name)})"),
    # issue 17 (breadth-reduce)
    *(_reduction(name) for name in ("prod", "all", "any", "argmax", "argmin", "max", "min",
                                    "std", "var")),
    Op("norm", _norm),
    Op("cumsum", lambda d, s: f"{s.name}.cumsum({_dim(d, s)})"),
    Op("sort", _sort),
    Op("topk", _topk),
    Op("allclose_equal", _close),
    _join("cat"),
    _join("stack"),
    Op("flip", lambda d, s: f"{s.name}.flip({_dim(d, s)})"),
    # issue 17 (breadth2): matrix by vector
    _product("mv", lambda d, s, k: (k,), 2),
])


def arith_step(d: Drafter) -> None:
    """A fresh (out-of-place) op: broadcasting, promotion, reductions, products."""
    x = d.pick()
    if x is None:
        source(d)
        return
    s = d.subject(x)
    r = d.fresh("r")
    d.add(f"{r} = {choose(d, ARITH_OPS, s).draft(d, s)}", r)
