"""The view family: torch's view ops (https://docs.pytorch.org/docs/stable/tensor_view.html),
plus contiguous() and clone(), which return self or a copy.

Each op of ``VIEW_OPS`` drafts an expression on a subject; ops that need dims apply only to
tensors that have them. ``t()`` of a tensor of more than 2 dims, a ``view`` of incompatible
strides or an ``as_strided`` out of bounds are deliberate: torch's errors are facts too.
"""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import strategies as st

from .core import LIMITS, Subject, dtypes, ints
from .drafter import Drafter, Op, Table, choose, source


def dim(d: Drafter, s: Subject, label: str = "dim") -> int:
    """A dim of ``s``, negative or not (0 for a 0-dim tensor, without a draw)."""
    return d.draw(st.integers(-s.ndim, s.ndim - 1), label=label) if s.ndim else 0


def factor(d: Drafter, n: int) -> tuple[int, ...]:
    """A random shape with ``n`` elements, at most ``LIMITS.max_dims`` dims, maybe with a -1."""
    dims: list[int] = []
    rest = n
    for _ in range(d.draw(st.integers(0, LIMITS.max_dims - 1), label="factors")):
        divisors = [k for k in range(1, rest + 1) if rest % k == 0] if rest else [0, 1]
        k = d.draw(st.sampled_from(divisors), label="factor")
        dims.append(k)
        rest = rest // k if k else 0
    dims.append(rest)
    # With no elements, a -1 beside a 0 is ambiguous: torch's error is a fact too.
    if len(dims) > 1 and d.draw(st.booleans(), label="infer"):
        dims[d.draw(st.integers(0, len(dims) - 1), label="infer at")] = -1
    return tuple(dims)


def factor_positive(d: Drafter, n: int) -> tuple[int, ...]:
    return tuple(s for s in factor(d, n) if s != -1) or (n,)


INDEX_KINDS = ("int", "slice", "None", "...")


def basic_index(d: Drafter, shp: Sequence[int]) -> str:
    """An index of ints, slices with positive steps, None and Ellipsis (``...`` alone for a
    0-dim tensor). A None is left out once the result could pass ``LIMITS.tensor_dims``."""
    if not shp:
        return "..."
    parts: list[str] = []
    used_ellipsis = False
    added = 0
    for s in shp[:d.draw(st.integers(1, len(shp)), label="indexed dims")]:
        kinds = INDEX_KINDS if len(shp) + added < LIMITS.tensor_dims else \
            tuple(k for k in INDEX_KINDS if k != "None")
        kind = d.draw(st.sampled_from(kinds), label="index kind")
        if kind == "int" and s:
            parts.append(str(d.draw(st.integers(-s, s - 1), label="i")))
        elif kind == "None":
            parts.append("None")
            parts.append(":")
            added += 1
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


# ---- the ops --------------------------------------------------------------------------------

def _reshaping(method: str) -> Op[str]:
    return Op(method, lambda d, s: f"{s.name}.{method}({ints(factor(d, s.numel))})")


def _flatten(d: Drafter, s: Subject) -> str:
    if s.ndim < 2:
        return f"{s.name}.flatten()"
    a, b = sorted((dim(d, s), dim(d, s)))
    return f"{s.name}.flatten({a}, {b})"


def _squeeze(d: Drafter, s: Subject) -> str:
    if not s.ndim or d.draw(st.booleans(), label="all"):
        return f"{s.name}.squeeze()"
    return f"{s.name}.squeeze({dim(d, s)})"


def _unsqueeze(d: Drafter, s: Subject) -> str:
    return f"{s.name}.unsqueeze({d.draw(st.integers(-s.ndim - 1, s.ndim), label='dim')})"


def _permute(d: Drafter, s: Subject) -> str:
    return f"{s.name}.permute({ints(d.draw(st.permutations(range(s.ndim)), label='perm'))})"


def _expand(d: Drafter, s: Subject) -> str:
    target = [n if n != 1 else d.draw(st.integers(1, LIMITS.max_count), label="to")
              for n in s.shape]
    lead = [d.draw(st.integers(1, LIMITS.max_lead), label="lead")] \
        if s.ndim < LIMITS.max_dims and d.draw(st.booleans(), label="add dim") else []
    if target and d.draw(st.booleans(), label="keep with -1"):
        target[0] = -1
    return f"{s.name}.expand({ints(lead + target)})"


def _expand_fits(s: Subject) -> bool:
    grown = LIMITS.max_lead * LIMITS.max_count ** s.shape.count(1)
    return s.room(dims=int(s.ndim < LIMITS.max_dims), times=grown)


def _narrow(d: Drafter, s: Subject) -> str:
    k = dim(d, s)
    size = s.shape[k]
    start = d.draw(st.integers(0, size), label="start")
    return f"{s.name}.narrow({k}, {start}, {d.draw(st.integers(0, size - start), label='len')})"


def _select(d: Drafter, s: Subject) -> str:
    k = dim(d, s)
    i = d.draw(st.integers(-s.shape[k], max(s.shape[k] - 1, 0)), label="i")
    return f"{s.name}.select({k}, {i})"


def _splitting(method: str, label: str) -> Op[str]:
    def draft(d: Drafter, s: Subject) -> str:
        k = dim(d, s)
        return f"{s.name}.{method}({d.draw(st.integers(1, LIMITS.max_count), label=label)}, " \
            f"dim={k})"
    return Op(method, draft, has_dims)


def _diagonal(d: Drafter, s: Subject) -> str:
    return f"{s.name}.diagonal({d.draw(st.integers(-2, 2), label='offset')}, 0, {s.ndim - 1})"


def _tuple(xs: Sequence[int]) -> str:
    return f"({ints(xs)}{',' if len(xs) == 1 else ''})"


def _as_strided(d: Drafter, s: Subject) -> str:
    nd = d.draw(st.integers(0, LIMITS.strided_dims), label="nd")
    size = tuple(d.draw(st.integers(0, LIMITS.max_count), label="size") for _ in range(nd))
    stride = tuple(d.draw(st.integers(0, LIMITS.max_count), label="stride") for _ in size)
    offset = d.draw(st.integers(0, 2), label="offset")
    return f"{s.name}.as_strided({_tuple(size)}, {_tuple(stride)}, {offset})"


def _view_as(d: Drafter, s: Subject) -> str:
    other = source(d, shape=factor_positive(d, s.numel), layout=False)
    return f"{s.name}.view_as({other})"


def _view_dtype(d: Drafter, s: Subject) -> str:
    """view(dtype): the same element size keeps the layout, another rescales the last dim."""
    return f"{s.name}.view(torch.{d.draw(dtypes(), label='view dtype')})"


def _reshape_as(d: Drafter, s: Subject) -> str:
    other = source(d, dtype=s.dtype, shape=factor_positive(d, s.numel), layout=False)
    return f"{s.name}.reshape_as({other})"


def _broadcast_to(d: Drafter, s: Subject) -> str:
    """broadcast_to(shape): expand's rule, with the shape as one tuple."""
    target = [n if n != 1 else d.draw(st.integers(1, LIMITS.max_count), label="to")
              for n in s.shape]
    lead = [d.draw(st.integers(1, LIMITS.max_lead), label="lead")] \
        if s.ndim < LIMITS.max_dims and d.draw(st.booleans(), label="add dim") else []
    return f"{s.name}.broadcast_to({tuple(lead + target)})"


def has_dims(s: Subject) -> bool:
    return s.ndim >= 1


def is_matrix_or_more(s: Subject) -> bool:
    return s.ndim >= 2


# ---- issue 17's composite views (breadth-reduce) --------------------------------------------

def _split_with_sizes(d: Drafter, s: Subject) -> str:
    k = dim(d, s)
    n = s.shape[k]
    cut = d.draw(st.integers(0, n), label="cut")
    sizes = [cut, n - cut] if d.draw(st.integers(0, 9), label="bad sizes") else [cut, n - cut + 1]
    return f"{s.name}.split_with_sizes({sizes}, {k})"


def _tensor_split(d: Drafter, s: Subject) -> str:
    k = dim(d, s)
    if d.draw(st.booleans(), label="sections"):
        return f"{s.name}.tensor_split({d.draw(st.integers(1, LIMITS.max_count), label='n')}, {k})"
    cuts = d.draw(st.lists(st.integers(0, s.shape[k] + 1), max_size=LIMITS.max_count),
                  label="indices")
    return f"torch.tensor_split({s.name}, {cuts}, {k})"


def _hvdsplit(name: str, min_dims: int) -> Op[str]:
    def draft(d: Drafter, s: Subject) -> str:
        n = d.draw(st.integers(1, LIMITS.max_count), label="sections")
        return f"{s.name}.{name}({n})" if d.draw(st.booleans(), label="by count") else \
            f"torch.{name}({s.name}, [{n}])"
    return Op(name, draft, lambda s: s.ndim >= min_dims)


def _unflatten(d: Drafter, s: Subject) -> str:
    k = dim(d, s)
    sizes = factor(d, s.shape[k])
    return f"{s.name}.unflatten({k}, {_tuple(sizes)})"


def _unfold(d: Drafter, s: Subject) -> str:
    k = dim(d, s)
    n = s.shape[k] if s.ndim else 1
    size = d.draw(st.integers(0, n + (d.draw(st.integers(0, 9), label="too big") == 0)),
                  label="size")
    return f"{s.name}.unfold({k}, {size}, {d.draw(st.integers(1, LIMITS.max_count), label='step')})"


def _unfold_fits(s: Subject) -> bool:
    # Windows of size n with step 1 along a side of n: at most n * (n + 1) / 2 more elements.
    side = max(s.shape, default=1)
    return s.room(dims=1, times=max(side, 1))


def _complex_view(d: Drafter, s: Subject) -> str:
    # conj().imag: a view with the negative bit (issue 17, breadth2)
    form = d.draw(st.sampled_from(["real", "imag", "view_as_real", "conj().imag"]),
                  label="complex view")
    return f"torch.view_as_real({s.name})" if form == "view_as_real" else f"{s.name}.{form}"


def _adjoint(d: Drafter, s: Subject) -> str:
    form = d.draw(st.sampled_from(["adjoint()", "H", "mH"]), label="adjoint form")
    return f"{s.name}.{form}"


VIEW_OPS: Table[str] = Table("view op", [
    _reshaping("view"),
    _reshaping("reshape"),
    Op("flatten", _flatten),
    Op("squeeze", _squeeze),
    Op("unsqueeze", _unsqueeze, lambda s: s.room(dims=1)),
    Op("transpose", lambda d, s: f"{s.name}.transpose({dim(d, s)}, {dim(d, s)})"),
    Op("t", lambda d, s: f"{s.name}.t()"),
    Op("permute", _permute),
    Op("expand", _expand, _expand_fits),
    Op("narrow", _narrow, has_dims),
    Op("select", _select, has_dims),
    Op("unbind", lambda d, s: f"{s.name}.unbind({dim(d, s)})", has_dims),
    _splitting("split", "size"),
    _splitting("chunk", "chunks"),
    Op("diagonal", _diagonal, is_matrix_or_more),
    Op("as_strided", _as_strided),
    Op("basic_index", lambda d, s: f"{s.name}[{basic_index(d, s.shape)}]"),
    Op("contiguous", lambda d, s: f"{s.name}.contiguous()"),
    Op("clone", lambda d, s: f"{s.name}.clone()"),
    Op("view_as", _view_as),
    Op("movedim", lambda d, s: f"{s.name}.movedim({dim(d, s)}, {dim(d, s)})", has_dims),
    Op("mT", lambda d, s: f"{s.name}.mT", is_matrix_or_more),
    # issue 17: view ops the programs never drew
    Op("T", lambda d, s: f"{s.name}.T"),
    Op("view_dtype", _view_dtype),
    Op("reshape_as", _reshape_as),
    Op("swapdims", lambda d, s: f"{s.name}.swapdims({dim(d, s)}, {dim(d, s)})", has_dims),
    Op("broadcast_to", _broadcast_to, _expand_fits),
    # issue 17 (breadth-reduce)
    Op("split_with_sizes", _split_with_sizes, has_dims),
    Op("tensor_split", _tensor_split, has_dims),
    _hvdsplit("hsplit", 1),
    _hvdsplit("vsplit", 2),
    _hvdsplit("dsplit", 3),
    Op("unflatten", _unflatten, lambda s: has_dims(s) and s.room(dims=LIMITS.max_dims - 1)),
    Op("unfold", _unfold, _unfold_fits),
    # Note: of a complex tensor, adjoint gives a conjugate view, which other steps cannot take
    # further in the model (imag of it, indexed writes through it: NotModelled); the claim
    # tests cover the complex forms, random programs adjoint real tensors.
    Op("adjoint", _adjoint, lambda s: is_matrix_or_more(s) and "complex" not in s.dtype),
    Op("complex_view", _complex_view, lambda s: s.room(dims=1, times=2)),
])


def view_step(d: Drafter) -> None:
    """One of torch's view ops on a live tensor, bound to a fresh name."""
    x = d.pick()
    if x is None:
        source(d)
        return
    s = d.subject(x)
    y = d.fresh("v")
    d.add(f"{y} = {choose(d, VIEW_OPS, s).draft(d, s)}", y)
