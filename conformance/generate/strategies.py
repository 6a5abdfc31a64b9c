"""Hypothesis strategies for Programs.

A program is drafted one statement at a time. Each drafted statement is executed on the
reference right away (a ``Session``), so the next draw knows the live tensors' shapes and
dtypes and can pick arguments that are mostly valid (and sometimes deliberately invalid, to
exercise torch's errors). Every ``draw`` carries a ``label``.

One place bounds every generated size: ``LIMITS``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from hypothesis import strategies as st

from ..program import Program
from .core import ALL_DTYPES, LIMITS, dtypes, literal, shapes
from .drafter import Drafter, broadcastable_shape, drafts, layout_expr, operand, source

__all__ = [
    "ALL_DTYPES", "FAMILIES", "INPLACE_OPS", "LIMITS", "OUT_OPS", "Drafter",
    "advanced_index", "arith_step", "basic_index", "broadcastable_shape", "dtypes",
    "index_step", "inplace_step", "layout_expr", "literal", "operand", "out_step", "programs",
    "setitem_step", "shapes", "source", "view_step",
]


# ---- op families: each drafts one statement about the live pool ------------------------------

def _ints(xs: Sequence[int]) -> str:
    return ", ".join(str(x) for x in xs)


def _factor(d: Drafter, n: int) -> tuple[int, ...]:
    """A random shape with ``n`` elements, at most 4 dims, maybe with a -1."""
    dims: list[int] = []
    rest = n
    for _ in range(d.draw(st.integers(0, 3), label="factors")):
        divisors = [k for k in range(1, rest + 1) if rest % k == 0] if rest else [0, 1]
        k = d.draw(st.sampled_from(divisors), label="factor")
        dims.append(k)
        rest = rest // k if k else 0
    dims.append(rest)
    if len(dims) > 1 and n and d.draw(st.booleans(), label="infer"):
        dims[d.draw(st.integers(0, len(dims) - 1), label="infer at")] = -1
    return tuple(dims)


def view_step(d: Drafter) -> None:
    """One of torch's view ops (https://docs.pytorch.org/docs/stable/tensor_view.html)."""
    x = d.pick()
    if x is None:
        source(d)
        return
    t = d.value(x)
    nd, shp = t.dim(), tuple(t.shape)
    y = d.fresh("v")
    draw = d.draw
    dim = (lambda label="dim": draw(st.integers(-nd, nd - 1), label=label)) if nd else \
        (lambda label="dim": 0)
    op = draw(st.sampled_from([
        "view", "reshape", "flatten", "squeeze", "unsqueeze", "transpose", "t", "permute",
        "expand", "narrow", "select", "unbind", "split", "chunk", "diagonal", "as_strided",
        "basic_index", "contiguous", "clone", "view_as", "movedim", "mT"]), label="view op")
    if op in ("view", "reshape"):
        code = f"{y} = {x}.{op}({_ints(_factor(d, t.numel()))})"
    elif op == "flatten":
        if nd < 2:
            code = f"{y} = {x}.flatten()"
        else:
            a, b = sorted((dim(), dim()))
            code = f"{y} = {x}.flatten({a}, {b})"
    elif op == "squeeze":
        code = f"{y} = {x}.squeeze()" if not nd or draw(st.booleans(), label="all") else \
            f"{y} = {x}.squeeze({dim()})"
    elif op == "unsqueeze":
        code = f"{y} = {x}.unsqueeze({draw(st.integers(-nd - 1, nd), label='dim')})"
    elif op == "transpose":
        code = f"{y} = {x}.transpose({dim()}, {dim()})"
    elif op == "t":
        code = f"{y} = {x}.t()"
    elif op == "permute":
        perm = draw(st.permutations(range(nd)), label="perm")
        code = f"{y} = {x}.permute({_ints(perm)})" if nd else f"{y} = {x}.permute()"
    elif op == "expand":
        target = [s if s != 1 else draw(st.integers(1, 3), label="to") for s in shp]
        lead = [draw(st.integers(1, 2), label="lead")] if nd < LIMITS.max_dims and \
            draw(st.booleans(), label="add dim") else []
        if target and draw(st.booleans(), label="keep with -1"):
            target[0] = -1
        code = f"{y} = {x}.expand({_ints(lead + target)})"
    elif op == "narrow" and nd:
        k = dim()
        size = shp[k]
        start = draw(st.integers(0, size), label="start")
        code = f"{y} = {x}.narrow({k}, {start}, {draw(st.integers(0, size - start), label='len')})"
    elif op == "select" and nd:
        k = dim()
        code = f"{y} = {x}.select({k}, {draw(st.integers(-shp[k], max(shp[k] - 1, 0)), label='i')})"
    elif op in ("unbind", "split", "chunk") and nd:
        k = dim()
        arg = {"unbind": "", "split": f"{draw(st.integers(1, 3), label='size')}, ",
               "chunk": f"{draw(st.integers(1, 3), label='chunks')}, "}[op]
        code = f"{y} = {x}.{op}({arg}dim={k})" if op != "unbind" else f"{y} = {x}.unbind({k})"
    elif op == "diagonal" and nd >= 2:
        code = f"{y} = {x}.diagonal({draw(st.integers(-2, 2), label='offset')}, 0, {nd - 1})"
    elif op == "as_strided":
        size = tuple(draw(st.integers(0, 3), label="size") for _ in range(draw(
            st.integers(0, 2), label="nd")))
        stride = tuple(draw(st.integers(0, 3), label="stride") for _ in size)
        code = f"{y} = {x}.as_strided(({_ints(size)}{',' if len(size) == 1 else ''}), " \
               f"({_ints(stride)}{',' if len(stride) == 1 else ''}), " \
               f"{draw(st.integers(0, 2), label='offset')})"
    elif op == "basic_index" and nd:
        code = f"{y} = {x}[{basic_index(d, shp)}]"
    elif op in ("contiguous", "clone"):
        code = f"{y} = {x}.{op}()"
    elif op == "view_as":
        other = source(d, shape=_factor_positive(d, t.numel()), layout=False)
        code = f"{y} = {x}.view_as({other})"
    elif op == "movedim" and nd:
        code = f"{y} = {x}.movedim({dim()}, {dim()})"
    elif op == "mT" and nd >= 2:
        code = f"{y} = {x}.mT"
    else:
        code = f"{y} = {x}[...]"
    d.add(code, y)


def _factor_positive(d: Drafter, n: int) -> tuple[int, ...]:
    return tuple(s for s in _factor(d, n) if s != -1) or (n,)


def basic_index(d: Drafter, shp: Sequence[int]) -> str:
    """An index of ints, slices with positive steps, None and Ellipsis."""
    parts: list[str] = []
    used_ellipsis = False
    for s in shp[:d.draw(st.integers(1, len(shp)), label="indexed dims")]:
        kind = d.draw(st.sampled_from(["int", "slice", "None", "..."]), label="index kind")
        if kind == "int" and s:
            parts.append(str(d.draw(st.integers(-s, s - 1), label="i")))
        elif kind == "None":
            parts.append("None")
            parts.append(":")
        elif kind == "..." and not used_ellipsis:
            parts.append("...")
            used_ellipsis = True
            break
        else:
            a = d.draw(st.integers(-s - 1, s), label="start")
            b = d.draw(st.integers(-s - 1, s + 1), label="stop")
            step = d.draw(st.integers(1, 3), label="step")
            parts.append(f"{a}:{b}:{step}")
    return ", ".join(parts)


def advanced_index(d: Drafter, shp: Sequence[int], *, masks: bool = True) -> str:
    """An index with at least one integer list or tensor, or (``masks``) a boolean mask."""
    kinds = ["list", "tensor", "mixed"] + (["mask", "bool"] if masks else [])
    kind = d.draw(st.sampled_from(kinds), label="adv")
    nd = len(shp)
    if nd == 0 and not masks:
        return "..."
    if kind == "mask" or nd == 0:
        if nd == 0:
            return "True"
        k = d.draw(st.integers(1, nd), label="mask dims")
        mask = literal(shp[:k], "bool", d.draw(st.integers(0, 16), label="seed"))
        return f"torch.tensor({mask}, device=dev)"
    if kind == "bool":
        return d.draw(st.sampled_from(["True", "False"]), label="flag")

    def ix(s: int) -> str:
        n = d.draw(st.integers(0, 3), label="count")
        vals = [d.draw(st.integers(-s, s - 1), label="i") for _ in range(n)] if s else []
        return f"[{_ints(vals)}]" if kind == "list" else f"torch.tensor([{_ints(vals)}], " \
            "dtype=torch.int64, device=dev)"
    if kind == "mixed" and nd >= 2:
        first = d.draw(st.sampled_from(["slice", "int"]), label="first")
        head = ":" if first == "slice" else "0"
        return f"{head}, {ix(shp[1])}"
    return ix(shp[0])


def index_step(d: Drafter) -> None:
    """Advanced indexing and the explicit indexing functions (all copies)."""
    x = d.pick()
    if x is None:
        source(d)
        return
    t = d.value(x)
    shp, nd = tuple(t.shape), t.dim()
    y = d.fresh("i")
    op = d.draw(st.sampled_from(["adv", "index_select", "masked_select", "nonzero",
                                 "nonzero_tuple", "gather"]), label="index op")
    if op == "adv":
        code = f"{y} = {x}[{advanced_index(d, shp)}]"
    elif op == "index_select" and nd:
        k = d.draw(st.integers(0, nd - 1), label="dim")
        vals = [d.draw(st.integers(0, max(shp[k] - 1, 0)), label="i")
                for _ in range(d.draw(st.integers(0, 3), label="n"))] if shp[k] else []
        code = (f"{y} = torch.index_select({x}, {k}, torch.tensor([{_ints(vals)}], "
                "dtype=torch.int64, device=dev))")
    elif op == "masked_select":
        mshape = broadcastable_shape(d, shp)
        mask = literal(mshape, "bool", d.draw(st.integers(0, 16), label="seed"))
        code = f"{y} = torch.masked_select({x}, torch.tensor({mask}, dtype=torch.bool, device=dev))"
    elif op == "nonzero":
        code = f"{y} = {x}.nonzero()"
    elif op == "nonzero_tuple":
        code = f"{y} = torch.nonzero({x}, as_tuple=True)"
    elif op == "gather" and nd:
        k = d.draw(st.integers(0, nd - 1), label="dim")
        ishape = [d.draw(st.integers(0, s), label="index size") if i != k else
                  d.draw(st.integers(0, 3), label="index size") for i, s in enumerate(shp)]
        idx = _index_values(d, ishape, shp[k])
        code = (f"{y} = torch.gather({x}, {k}, torch.tensor({idx}, dtype=torch.int64, "
                "device=dev))")
    else:
        code = f"{y} = {x}[[0]]" if nd and shp[0] else f"{y} = {x}.nonzero()"
    d.add(code, y)


def _index_values(d: Drafter, shape: Sequence[int], bound: int) -> str:
    n = math.prod(shape)
    flat = [d.draw(st.integers(0, max(bound - 1, 0)), label="i") for _ in range(n)]

    def nest(vals: list[int], dims: Sequence[int]) -> Any:
        if not dims:
            return vals[0]
        step = math.prod(dims[1:])
        return [nest(vals[i * step:(i + 1) * step], dims[1:]) for i in range(dims[0])]
    return repr(nest(flat, shape)) if shape else repr(flat[0])


INPLACE_OPS = ("add_", "sub_", "mul_", "div_", "clamp_", "fill_", "zero_", "copy_", "+=", "-=",
               "*=", "/=", "neg_", "exp_", "abs_")


def inplace_step(d: Drafter) -> None:
    """An in-place op: returns self, bumps the shared version counter, may not broadcast self,
    needs a castable result, and refuses to write overlapping memory where torch refuses."""
    x = d.pick()
    if x is None:
        source(d)
        return
    op = d.draw(st.sampled_from(INPLACE_OPS), label="in-place op")
    r = d.fresh("r")
    if op in ("fill_",):
        code = f"{r} = {x}.fill_({d.draw(st.sampled_from(['1', '0.5', 'True']), label='v')})"
    elif op in ("zero_", "neg_", "exp_", "abs_"):
        code = f"{r} = {x}.{op}()"
    elif op == "clamp_":
        code = f"{r} = {x}.clamp_(min={d.draw(st.sampled_from(['-1', '0', '0.5']), label='lo')})"
    elif op in ("+=", "-=", "*=", "/="):
        other = operand(d, x)
        d.add(f"{r} = {x}", r)
        code = f"{r} {op} {other}"
        d.add(code)
        return
    else:
        complex_ok = d.value(x).dtype.is_complex
        other = operand(d, x, kinds="all" if complex_ok or op != "copy_" else "real")
        if op == "copy_" and not other.startswith("t"):
            other = x
        code = f"{r} = {x}.{op}({other})"
    d.add(code, r)


def setitem_step(d: Drafter) -> None:
    """Assignment through basic or advanced indexing (in place)."""
    x = d.pick(min_dims=1)
    if x is None:
        source(d, min_dims=1)
        return
    shp = tuple(d.value(x).shape)
    expanded = any(s > 1 and st_ == 0 for s, st_ in zip(shp, d.value(x).stride()))
    # A mask written into an expanded tensor goes through masked_fill_ with a second warning,
    # which the model does not cover (NotModelled): no masks there.
    key = basic_index(d, shp) if d.draw(st.booleans(), label="basic") else \
        advanced_index(d, shp, masks=not expanded)
    kind = d.draw(st.sampled_from(["scalar", "tensor"]), label="value")
    if kind == "scalar":
        value = d.draw(st.sampled_from(["7", "-2.5", "True"]), label="scalar")
    else:
        value = source(d, dtype=str(d.value(x).dtype).split(".")[1],
                       shape=d.draw(st.sampled_from([(), (1,)]), label="value shape"))
    d.add(f"{x}[{key}] = {value}")


OUT_OPS = ("add", "mul", "sub", "div", "exp", "neg", "abs", "sum", "mm", "index_select",
           "masked_select", "gather", "where", "clamp")


def out_step(d: Drafter) -> None:
    """An op with out=: the out object is returned, resized with a warning when it had
    elements and the wrong shape, cast-checked, overlap-checked."""
    x = d.pick()
    if x is None:
        source(d)
        return
    t = d.value(x)
    target = d.draw(st.sampled_from(["fresh", "empty", "pool", "self"]), label="out")
    if target == "fresh":
        # A complex result cast into a real out warns once per process (TORCH_WARN_ONCE),
        # which no model can predict: complex inputs get complex outs.
        kinds = "all" if not t.dtype.is_complex else "complex"
        o = source(d, shape=tuple(t.shape), dtype=d.draw(dtypes(kinds), label="out dtype"),
                   layout=True)
    elif target == "empty":
        o = d.fresh("o")
        d.add(f"{o} = torch.empty(0, dtype=torch.{str(t.dtype).split('.')[1]}, device=dev)", o)
    elif target == "pool":
        o = d.pick() or x
    else:
        o = x
    op = d.draw(st.sampled_from(OUT_OPS), label="out op")
    if op in ("sum", "mm") and target in ("pool", "self"):
        # Note: a reduction or product whose out aliases an input is left unspecified by the
        # docs (torch zero-fills out before reading the input), so it is not generated.
        o = d.fresh("o")
        d.add(f"{o} = torch.empty(0, dtype=torch.{str(t.dtype).split('.')[1]}, device=dev)", o)
    r = d.fresh("r")
    nd = t.dim()
    if op in ("add", "mul", "sub", "div"):
        args = f"{x}, {operand(d, x)}"
    elif op in ("exp", "neg", "abs"):
        args = x
    elif op == "sum":
        args = f"{x}, {d.draw(st.integers(-1, max(nd - 1, 0)), label='dim')}" if nd else x
    elif op == "mm":
        args = f"{x}, {x}.t()" if nd == 2 else f"{x}, {x}"
    elif op == "index_select":
        args = f"{x}, 0, torch.tensor([0], device=dev)"
    elif op == "masked_select":
        args = f"{x}, {x} != 0"
    elif op == "gather":
        args = f"{x}, 0, torch.zeros_like({x}, dtype=torch.int64)" if nd else \
            f"{x}, 0, torch.tensor(0, device=dev)"
    elif op == "where":
        args = f"{x} != 0, {x}, {operand(d, x)}"
    else:
        args = f"{x}, min=0"
    d.add(f"{r} = torch.{op}({args}, out={o})", r)


def arith_step(d: Drafter) -> None:
    """A fresh (out-of-place) op: broadcasting, promotion, reductions, products."""
    x = d.pick()
    if x is None:
        source(d)
        return
    t = d.value(x)
    nd = t.dim()
    r = d.fresh("r")
    op = d.draw(st.sampled_from([
        "+", "-", "*", "/", "//", "**", "add_alpha", "div_trunc", "div_floor", "neg", "exp",
        "log", "sqrt", "abs", "clamp", "==", "<", ">=", "!=", "where", "sum", "mean", "amax",
        "amin", "mm", "bmm", "matmul", "item", "tolist", "result_type"]), label="op")
    if op in ("+", "-", "*", "/", "//", "==", "<", ">=", "!="):
        code = f"{r} = {x} {op} {operand(d, x)}"
    elif op == "**":
        code = f"{r} = {x} ** {d.draw(st.sampled_from(['2', '0.5', '0', '-1']), label='e')}"
    elif op == "add_alpha":
        alpha = d.draw(st.sampled_from(["2", "-1", "0.5"]), label="alpha")
        code = f"{r} = torch.add({x}, {operand(d, x)}, alpha={alpha})"
    elif op in ("div_trunc", "div_floor"):
        code = f"{r} = torch.div({x}, {operand(d, x)}, rounding_mode={op[4:]!r})"
    elif op in ("neg", "exp", "log", "sqrt", "abs"):
        code = f"{r} = torch.{op}({x})"
    elif op == "clamp":
        code = f"{r} = {x}.clamp({d.draw(st.sampled_from(['-1', '0', 'None']), label='lo')}, " \
               f"{d.draw(st.sampled_from(['1', '2.5', 'None']), label='hi')})"
    elif op == "where":
        code = f"{r} = torch.where({x} > 0, {x}, {operand(d, x)})"
    elif op in ("sum", "mean", "amax", "amin"):
        dims = "" if not nd or d.draw(st.booleans(), label="all dims") else \
            f"{d.draw(st.integers(-nd, nd - 1), label='dim')}, keepdim=" \
            f"{d.draw(st.booleans(), label='keepdim')}"
        code = f"{r} = {x}.{op}({dims})"
    elif op in ("mm", "bmm", "matmul"):
        shp = tuple(t.shape)
        k = shp[-1] if shp else 1
        other_shape = {"mm": (k, 2), "bmm": (shp[0] if shp else 1, k, 2),
                       "matmul": (k,) if d.draw(st.booleans(), label="vec") else (k, 3)}[op]
        if d.draw(st.integers(0, 9), label="bad shape") == 0:
            other_shape = (k + 1,) + other_shape[1:]
        same = d.draw(st.integers(0, 5), label="mixed dtype") != 0
        other = source(d, shape=other_shape,
                       dtype=str(t.dtype).split(".")[1] if same else None)
        code = f"{r} = torch.{op}({x}, {other})"
    elif op == "item":
        code = f"{r} = {x}.item()"
    elif op == "tolist":
        code = f"{r} = {x}.tolist()"
    else:
        code = f"{r} = torch.result_type({x}, {operand(d, x)})"
    d.add(code, r)


FAMILIES: dict[str, Callable[[Drafter], None]] = {
    "view": view_step, "index": index_step, "inplace": inplace_step, "setitem": setitem_step,
    "out": out_step, "arith": arith_step,
}


def programs(families: Sequence[str] = tuple(FAMILIES), *, min_steps: int = 1,
             max_steps: int | None = None, claims: Sequence[str] = (),
             first: Callable[[Drafter], object] | None = None) -> st.SearchStrategy[Program]:
    """A program: a source tensor (or what ``first`` drafts), then ``min_steps``..``max_steps``
    (at most ``LIMITS.max_steps``) statements drafted by the given families."""
    top = LIMITS.max_steps if max_steps is None else max_steps
    return drafts(FAMILIES, families, first=first or source, min_steps=min_steps,
                  max_steps=top, limit=LIMITS.max_steps).map(lambda d: d.program(claims))
