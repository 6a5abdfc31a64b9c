"""The index family (advanced indexing and the indexing functions, which all copy) and the
setitem family (assignment through a basic or an advanced index, in place)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from hypothesis import strategies as st

from .core import LIMITS, Subject, ints, literal, nest
from .drafter import Drafter, Op, Table, broadcastable_shape, choose, source
from .views import basic_index, has_dims

ADVANCED_KINDS = ("list", "tensor", "mixed")
MASK_KINDS = ("mask", "bool")


def advanced_index(d: Drafter, shp: Sequence[int], *, masks: bool = True) -> str:
    """An index with at least one integer list or tensor, or (``masks``) a boolean mask."""
    kind = d.draw(st.sampled_from(ADVANCED_KINDS + (MASK_KINDS if masks else ())), label="adv")
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
        n = d.draw(st.integers(0, LIMITS.max_count), label="count")
        vals = [d.draw(st.integers(-s, s - 1), label="i") for _ in range(n)] if s else []
        return f"[{ints(vals)}]" if kind == "list" else f"torch.tensor([{ints(vals)}], " \
            "dtype=torch.int64, device=dev)"
    if kind == "mixed" and nd >= 2:
        first = d.draw(st.sampled_from(["slice", "int"]), label="first")
        head = ":" if first == "slice" else "0"
        return f"{head}, {ix(shp[1])}"
    return ix(shp[0])


def index_values(d: Drafter, shape: Sequence[int], bound: int) -> str:
    """A nested list of shape ``shape`` of indices in 0..bound-1 (0 when ``bound`` is 0)."""
    flat = [d.draw(st.integers(0, max(bound - 1, 0)), label="i") for _ in range(math.prod(shape))]
    return repr(nest(flat, shape))


# ---- the index ops: fresh tensors -----------------------------------------------------------

# The index tensors index_select is given: a list of int64 (or int32) indices, which may be
# empty, a 0-dim index (accepted), or a 2-D one (torch's error).
INDEX_FORMS = ("int64", "int32", "empty", "0-dim", "2-D")


def _index_select(d: Drafter, s: Subject) -> str:
    k = d.draw(st.integers(0, s.ndim - 1), label="dim")
    size = s.shape[k]
    form = d.draw(st.sampled_from(INDEX_FORMS), label="index form")
    vals = [d.draw(st.integers(0, max(size - 1, 0)), label="i")
            for _ in range(d.draw(st.integers(1, LIMITS.max_count), label="n"))] if size else []
    data = "[]" if form == "empty" or not vals else str(vals[0]) if form == "0-dim" \
        else f"[[{ints(vals)}]]" if form == "2-D" else f"[{ints(vals)}]"
    dtype = "int32" if form == "int32" else "int64"
    return (f"torch.index_select({s.name}, {k}, torch.tensor({data}, "
            f"dtype=torch.{dtype}, device=dev))")


def _masked_select(d: Drafter, s: Subject) -> str:
    mask = literal(broadcastable_shape(d, s.shape), "bool",
                   d.draw(st.integers(0, 16), label="seed"))
    return f"torch.masked_select({s.name}, torch.tensor({mask}, dtype=torch.bool, device=dev))"


def _gather(d: Drafter, s: Subject) -> str:
    k = d.draw(st.integers(0, s.ndim - 1), label="dim")
    ishape = [d.draw(st.integers(0, n), label="index size") if i != k else
              d.draw(st.integers(0, LIMITS.max_count), label="index size")
              for i, n in enumerate(s.shape)]
    # Sometimes what gather refuses: an index of another number of dims, or one side larger
    # than the input's outside dim (1 in 8 each).
    error = d.draw(st.integers(0, 7), label="gather error")
    if error == 1:
        ishape = ishape[:-1] if len(ishape) > 1 else ishape + [1]
    elif error == 2 and len(ishape) > 1:
        other = (k + 1) % len(ishape)
        ishape[other] = s.shape[other] + 1
    idx = index_values(d, ishape, s.shape[k])
    return f"torch.gather({s.name}, {k}, torch.tensor({idx}, dtype=torch.int64, device=dev))"


def _counted(s: Subject) -> bool:
    """Room for a dim replaced by up to ``LIMITS.max_count`` indices."""
    return has_dims(s) and s.room(times=LIMITS.max_count)


INDEX_OPS: Table[str] = Table("index op", [
    Op("adv", lambda d, s: f"{s.name}[{advanced_index(d, s.shape)}]",
       lambda s: s.room(dims=1, times=LIMITS.max_count)),
    Op("index_select", _index_select, _counted),
    Op("masked_select", _masked_select),
    Op("nonzero", lambda d, s: f"{s.name}.nonzero()", lambda s: s.room(times=max(s.ndim, 1))),
    Op("nonzero_tuple", lambda d, s: f"torch.nonzero({s.name}, as_tuple=True)"),
    Op("gather", _gather, _counted),
])


def index_step(d: Drafter) -> None:
    """Advanced indexing and the explicit indexing functions (all copies)."""
    x = d.pick()
    if x is None:
        source(d)
        return
    s = d.subject(x)
    y = d.fresh("i")
    d.add(f"{y} = {choose(d, INDEX_OPS, s).draft(d, s)}", y)


# ---- setitem: the keys ----------------------------------------------------------------------

def _advanced_key(d: Drafter, s: Subject) -> str:
    # A mask written into an expanded tensor goes through masked_fill_ with a second warning,
    # which the model does not cover (NotModelled): no masks there.
    return advanced_index(d, s.shape, masks=not s.expanded)


SETITEM_KEYS: Table[str] = Table("setitem key", [
    Op("basic", lambda d, s: basic_index(d, s.shape)),
    Op("advanced", _advanced_key),
])


def setitem_step(d: Drafter) -> None:
    """Assignment through basic or advanced indexing (in place), of a scalar or a tensor."""
    x = d.pick(min_dims=1)
    if x is None:
        source(d, min_dims=1)
        return
    s = d.subject(x)
    key = choose(d, SETITEM_KEYS, s).draft(d, s)
    if d.draw(st.sampled_from(["scalar", "tensor"]), label="value") == "scalar":
        value = d.draw(st.sampled_from(["7", "-2.5", "True"]), label="scalar")
    else:
        value = source(d, dtype=s.dtype, shape=d.draw(st.sampled_from([(), (1,)]),
                                                       label="value shape"))
    d.add(f"{x}[{key}] = {value}")
