"""The families that write into an existing tensor: in-place ops (``INPLACE_OPS``) and ops with
``out=`` (``OUT_OPS``)."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import strategies as st

from .core import Subject, dtypes
from .drafter import Drafter, Op, Table, choose, operand, source

Args = Callable[[Drafter, Subject], str]


def _no_args(d: Drafter, s: Subject) -> str:
    return ""


def _method(name: str, args: Args = _no_args) -> Op[None]:
    """``r = x.name(args)``."""
    def draft(d: Drafter, s: Subject) -> None:
        r = d.fresh("r")
        d.add(f"{r} = {s.name}.{name}({args(d, s)})", r)
    return Op(name, draft)


def _augmented(symbol: str) -> Op[None]:
    """``r = x`` then ``r += other``: the augmented assignment rebinds r to what the in-place
    method returns."""
    def draft(d: Drafter, s: Subject) -> None:
        r = d.fresh("r")
        other = operand(d, s.name)
        d.add(f"{r} = {s.name}", r)
        d.add(f"{r} {symbol} {other}")
    return Op(symbol, draft)


def _other(d: Drafter, s: Subject) -> str:
    return operand(d, s.name)


def _copy_source(d: Drafter, s: Subject) -> str:
    # Complex sources are copied into complex tensors only; a scalar or the tensor itself
    # makes copy_ copy the tensor onto itself.
    other = operand(d, s.name, kinds="all" if s.dtype.startswith("complex") else "real")
    return other if other.startswith("t") else s.name


INPLACE_OPS: Table[None] = Table("in-place op", [
    _method("add_", _other),
    _method("sub_", _other),
    _method("mul_", _other),
    _method("div_", _other),
    _method("clamp_", lambda d, s:
            f"min={d.draw(st.sampled_from(['-1', '0', '0.5']), label='lo')}"),
    _method("fill_", lambda d, s: d.draw(st.sampled_from(["1", "0.5", "True"]), label="v")),
    _method("zero_"),
    _method("copy_", _copy_source),
    _augmented("+="),
    _augmented("-="),
    _augmented("*="),
    _augmented("/="),
    _method("neg_"),
    _method("exp_"),
    _method("abs_"),
])


def inplace_step(d: Drafter) -> None:
    """An in-place op: returns self, bumps the shared version counter, may not broadcast self,
    needs a castable result, and refuses to write overlapping memory where torch refuses."""
    x = d.pick()
    if x is None:
        source(d)
        return
    s = d.subject(x)
    choose(d, INPLACE_OPS, s).draft(d, s)


# ---- out= -----------------------------------------------------------------------------------

OUT_TARGETS = ("fresh", "empty", "pool", "self")
# Note: a reduction or product whose out aliases an input is left unspecified by the docs
# (torch zero-fills out before reading the input), so such outs are replaced by empty ones.
ALIASING_UNSPECIFIED = ("sum", "mm")


def _empty(d: Drafter, s: Subject) -> str:
    o = d.fresh("o")
    d.add(f"{o} = torch.empty(0, dtype=torch.{s.dtype}, device=dev)", o)
    return o


def out_target(d: Drafter, s: Subject) -> tuple[str, str]:
    """(how, name): the out tensor for an op on ``s``: a fresh tensor of its shape, an empty
    one, one of the pool, or ``s`` itself."""
    how = d.draw(st.sampled_from(OUT_TARGETS), label="out")
    if how == "fresh":
        # A complex result cast into a real out warns once per process (TORCH_WARN_ONCE),
        # which no model can predict: complex inputs get complex outs.
        kinds = "complex" if s.dtype.startswith("complex") else "all"
        return how, source(d, shape=s.shape, dtype=d.draw(dtypes(kinds), label="out dtype"))
    if how == "empty":
        return how, _empty(d, s)
    if how == "pool":
        return how, d.pick() or s.name
    return how, s.name


def _binary(d: Drafter, s: Subject) -> str:
    return f"{s.name}, {operand(d, s.name)}"


def _sum(d: Drafter, s: Subject) -> str:
    if not s.ndim:
        return s.name
    return f"{s.name}, {d.draw(st.integers(-1, s.ndim - 1), label='dim')}"


def _gather(d: Drafter, s: Subject) -> str:
    if not s.ndim:
        return f"{s.name}, 0, torch.tensor(0, device=dev)"
    return f"{s.name}, 0, torch.zeros_like({s.name}, dtype=torch.int64)"


def _unary(name: str) -> Op[str]:
    return Op(name, lambda d, s: s.name)


# mm of a matrix by its transpose makes a square of its rows (other shapes raise: deliberate).
OUT_OPS: Table[str] = Table("out op", [
    Op("add", _binary), Op("mul", _binary), Op("sub", _binary), Op("div", _binary),
    _unary("exp"), _unary("neg"), _unary("abs"),
    Op("sum", _sum),
    Op("mm", lambda d, s: f"{s.name}, {s.name}.t()" if s.ndim == 2 else f"{s.name}, {s.name}",
       lambda s: s.ndim != 2 or s.room(times=s.shape[0])),
    Op("index_select", lambda d, s: f"{s.name}, 0, torch.tensor([0], device=dev)"),
    Op("masked_select", lambda d, s: f"{s.name}, {s.name} != 0"),
    Op("gather", _gather),
    Op("where", lambda d, s: f"{s.name} != 0, {s.name}, {operand(d, s.name)}"),
    Op("clamp", lambda d, s: f"{s.name}, min=0"),
])


def out_step(d: Drafter) -> None:
    """An op with out=: the out object is returned, resized with a warning when it had
    elements and the wrong shape, cast-checked, overlap-checked."""
    x = d.pick()
    if x is None:
        source(d)
        return
    s = d.subject(x)
    how, o = out_target(d, s)
    op = choose(d, OUT_OPS, s)
    if op.name in ALIASING_UNSPECIFIED and how in ("pool", "self"):
        o = _empty(d, s)
    r = d.fresh("r")
    d.add(f"{r} = torch.{op.name}({op.draft(d, s)}, out={o})", r)
