"""Observation: every documented, observable fact of the live values in a namespace.

It uses only public torch API (and the ``_version``/``_base``/``_is_view`` attributes the docs
name), so it observes real torch and the reference alike, and works on torch 2.0 and newer.
Facts are plain JSON-able data; each is keyed by the Python expression that reads it, so a
mismatch can be printed as runnable code.
"""

from __future__ import annotations

import functools
import math
import types
import warnings
from typing import Any

Facts = dict[str, Any]

def attr(obj: Any, name: str, default: Any = None) -> Any:
    """``getattr`` with a default that never raises: the reference refuses a name it lacks with
    NotModelled (missing API), not AttributeError, and observation never crashes."""
    try:
        return getattr(obj, name)
    except Exception:  # noqa: BLE001
        return default


_ABSENT = object()


def has(obj: Any, name: str) -> bool:
    return attr(obj, name, _ABSENT) is not _ABSENT


# Whether values of a type are tensors, by type: asked about every value of every step.
_TENSOR_TYPE: dict[type, bool] = {}


def is_tensor(x: Any) -> bool:
    t = type(x)
    known = _TENSOR_TYPE.get(t)
    if known is None:
        known = _TENSOR_TYPE[t] = has(t, "untyped_storage") and has(t, "stride") and \
            has(x, "dtype")
    return known


# The names a program's harness binds (the torch module, the device, helpers): not values.
HARNESS_NAMES = frozenset({"torch", "dev", "np", "focal", "tvops"})


def is_user_name(name: str) -> bool:
    return not name.startswith("_") and name not in HARNESS_NAMES


def live_values(namespace: dict[str, Any]) -> dict[str, Any]:
    """The user-visible names of a program namespace, with tuples and lists that hold tensors
    flattened to ``name[i]`` (each element observed as what it is)."""
    out: dict[str, Any] = {}
    for name, value in namespace.items():
        if not is_user_name(name):
            continue
        if isinstance(value, (tuple, list)) and type(value).__name__ != "Size" \
                and any(is_tensor(v) for v in value):
            for i, v in enumerate(value):
                out[f"{name}[{i}]"] = v
            out[name] = ("seq", type(value).__name__, len(value))
        else:
            out[name] = value
    return out


# Values that are not modules or optimizers (asked of every value of every step).
_HOLDS_NO_TENSORS = (int, float, complex, str, bytes, tuple, list, dict, type(None),
                     types.ModuleType, types.FunctionType, types.BuiltinFunctionType)


def attached_tensors(name: str, value: Any) -> dict[str, Any]:
    """The tensors a bound object holds, keyed by the expression that reads each: a module's
    parameters (``lin.weight``), an optimizer's per-parameter state (its momentum buffers).
    They are observed as if bound, so what a step does to them is compared."""
    out: dict[str, Any] = {}
    if isinstance(value, _HOLDS_NO_TENSORS) or is_tensor(value):
        return out
    named = attr(value, "named_parameters")
    if callable(named) and has(value, "_parameters"):
        for pname, p in named():
            out[f"{name}.{pname}"] = p
        return out
    state, groups = attr(value, "state"), attr(value, "param_groups")
    if isinstance(state, dict) and isinstance(groups, list):
        for gi, group in enumerate(groups):
            for pi, p in enumerate(group.get("params", ()) if isinstance(group, dict) else ()):
                for key, v in state.get(p, {}).items():
                    if is_tensor(v):
                        out[f"{name}.state[{name}.param_groups[{gi}]['params'][{pi}]]"
                            f"[{key!r}]"] = v
    return out


def plain(value: Any) -> Any:
    """A JSON-able form of a Python value (complex numbers as [re, im], nan/inf as strings),
    by value: torch's and the reference's objects of the same meaning give the same form."""
    kind = type(value)
    if kind in _AS_IS:
        return value
    if kind is list:  # a tensor's values: rows of numbers first, without a call per element
        if value and type(value[0]) is not list:
            kinds = set(map(type, value))
            if kinds <= _AS_IS or (kinds == _FLOAT and math.isfinite(sum(value))):
                return list(value)
        return [plain(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return value
    if isinstance(value, complex):
        return {"re": plain(value.real), "im": plain(value.imag)}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    name = type(value).__name__
    if name in BY_STR:
        return str(value)
    if name in INFO_FIELDS:
        return {f: plain(_attempt(lambda f=f: getattr(value, f), AttributeError))
                for f in INFO_FIELDS[name]}
    if is_tensor(value):
        return f"<tensor {list(value.shape)} {value.dtype}>"
    return f"<{name}>"


# Python values whose plain form is themselves; a list of floats whose sum is finite holds
# no nan or infinity.
_AS_IS = frozenset({bool, int, str, type(None)})
_FLOAT = {float}

# Objects compared by their string form: the same on both sides for the same meaning
# ("torch.float32", "cuda:0", "torch.contiguous_format", "torch.strided").
BY_STR = frozenset({"dtype", "device", "memory_format", "layout"})
# torch.finfo and torch.iinfo, compared field by field.
INFO_FIELDS = {"finfo": ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution",
                         "dtype"),
               "iinfo": ("bits", "max", "min", "dtype")}


# A Python int this large is an object id or a memory address (CPython ids are addresses):
# no program of the suite computes such a number otherwise.
ADDRESS_FLOOR = 2**32


class Identities:
    """What ids and addresses identify, in one namespace: the names bound to each object, and
    the storages' byte ranges. ``id(x)`` and ``x.data_ptr()`` differ between torch and the
    reference (and between two runs); what they point at is the fact."""

    def __init__(self, live: dict[str, Any], tensors: dict[str, Any],
                 seen: dict[int, tuple[int, str]] | None = None) -> None:
        """``seen``: what each int observed before identified when it was first observed (kept
        by the session, with the int itself, so its id is never reused): once ``before = id(y)``
        was the id of ``y``, it stays so after ``y`` is freed and CPython gives the same
        address to a new object."""
        self.seen = {} if seen is None else seen
        self.ids: dict[int, str] = {}
        for n, v in live.items():
            self.ids.setdefault(id(v), n)
        self.storages: list[tuple[int, int, str]] = []
        for n, t in tensors.items():
            if _strided(t):
                try:
                    start, nbytes = _storage_range(t)
                except Exception:  # noqa: BLE001 - an unobservable storage identifies nothing
                    continue
                if start:
                    self.storages.append((start, nbytes, n))

    def describe(self, v: int) -> str | None:
        """``<id of x>``, ``<address of x's storage + 8>``, ``<address>``; None for a number
        that is not an id or an address."""
        if abs(v) < ADDRESS_FLOOR:
            return None
        if id(v) in self.seen:
            return self.seen[id(v)][1]
        what = self._identify(v)
        self.seen[id(v)] = (v, what)
        return what

    def _identify(self, v: int) -> str:
        if v in self.ids:
            return f"<id of {self.ids[v]}>"
        for start, nbytes, name in self.storages:
            if start <= v < start + max(nbytes, 1):
                return f"<address of {name}'s storage + {v - start}>"
        return "<address>"


def value_facts(v: Any, identities: Identities | None = None) -> Facts:
    """A bound value that is not a tensor or an array: its type's name and its value; an id or
    an address as what it identifies."""
    kind = type(v).__name__
    if identities is not None and isinstance(v, int) and not isinstance(v, bool):
        what = identities.describe(v)
        if what is not None:
            return {"type": kind, "value": what}
    if kind == "Size":
        return {"type": kind, "value": [int(x) for x in v]}
    if has(v, "next_functions") and has(v, "name"):
        return {"type": "node", "node": kind}  # a grad_fn bound to a name
    if callable(v) and not isinstance(v, type):
        return {"type": kind}  # functions and bound methods: the type alone
    return {"type": kind, "value": plain(v)}


# Whether a tensor type has a layout attribute: the reference's tensors are all strided and
# have none (asking would raise the model's missing-API error, on every tensor of every step).
_HAS_LAYOUT: dict[type, bool] = {}


def _strided(t: Any) -> bool:
    kind = type(t)
    has_layout = _HAS_LAYOUT.get(kind)
    if has_layout is None:
        has_layout = _HAS_LAYOUT[kind] = has(kind, "layout")
    return not has_layout or str(attr(t, "layout", "torch.strided")) == "torch.strided"


def _storage_key(t: Any) -> Any:
    if not _strided(t):
        return ("no storage", id(t))
    ptr = t.untyped_storage().data_ptr()
    # Note: torch reports 0 for every storage without bytes; such storages are not aliases.
    return ptr if ptr else ("empty", id(t))


def model_hook(t: Any, name: str, default: Any = None) -> Any:
    """One of the reference's observer hooks (``_version_unspecified``, ``_unspecified``, ...),
    or ``default`` for a tensor whose type has none (torch's: no exception raised and caught
    for every tensor of every step)."""
    kind = type(t)
    known = _HOOKS.get((kind, name))
    if known is None:
        known = _HOOKS[(kind, name)] = has(kind, name)
    return attr(t, name, default) if known else default


_HOOKS: dict[tuple[type, str], bool] = {}


def _version(t: Any) -> Any:
    if model_hook(t, "_version_unspecified", False) is True:  # the reference leaves it open
        return UNSPECIFIED
    try:
        return int(t._version)
    except RuntimeError as e:  # inference tensors have no version counter
        return f"RuntimeError: {e}"


def grad_of(t: Any) -> Any:
    """``t.grad`` where torch keeps one (leaves, and non-leaves that retain it), read without
    the warning a non-leaf's ``.grad`` gives."""
    try:
        leaf = t.is_leaf
        if not (leaf or t.retains_grad):
            return None
    except RuntimeError:  # a view whose grad_fn cannot be rebuilt (see tensor_facts)
        return None
    if leaf:  # only a non-leaf's .grad warns
        return t.grad
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return t.grad


def _attempt(read: Any, *errors: type[Exception]) -> Any:
    """A fact that torch may refuse to give (an error is an observation too)."""
    caught: tuple[type[Exception], ...] = (RuntimeError, *errors)
    try:
        return read()
    except caught as e:
        return f"{type(e).__name__}: {e}"


def unobservable(e: BaseException) -> str:
    return f"<unobservable: {type(e).__name__}: {e}>"


def _within_storage(t: Any) -> bool:
    """Whether every element a tensor addresses lies inside its storage (torch can leave an
    ``out`` tensor with a shape larger than its storage after a failed resize)."""
    if 0 in tuple(t.shape):
        return True
    last = t.storage_offset() + sum((n - 1) * st for n, st in zip(t.shape, t.stride()))
    return t.storage_offset() >= 0 and (last + 1) * t.element_size() <= \
        t.untyped_storage().nbytes()


def tensor_facts(t: Any, names_by_id: dict[int, str], with_values: bool = True) -> Facts:
    """Every fact of a tensor; what cannot be read is recorded as unobservable, never raised.
    Tensors of another layout than strided (sparse) have no strides, storage or values here."""
    if not _strided(t):
        return {"layout": str(t.layout), "shape": list(t.shape), "dtype": str(t.dtype),
                "device": str(t.device)}
    try:
        return _strided_facts(t, names_by_id, with_values)
    except Exception as e:  # noqa: BLE001 - observation never crashes a check
        return {"shape": list(t.shape), "dtype": str(t.dtype), "unobservable": unobservable(e)}


def _strided_facts(t: Any, names_by_id: dict[int, str], with_values: bool) -> Facts:
    base = t._base
    if base is None:
        base_name = None
    else:
        base_name = names_by_id.get(id(base), "<unnamed>")
    try:
        grad_fn = t.grad_fn
    except RuntimeError as e:
        # Reading grad_fn of a view made under no_grad (or inference mode, or by a
        # multi-output op) after its family changed in place raises.
        grad_fn = None
        grad_fn_error: str | None = f"RuntimeError: {e}"
    else:
        grad_fn_error = None
    facts: Facts = {
        "shape": list(t.shape),
        "stride": list(t.stride()),
        "storage_offset": t.storage_offset(),
        "dtype": str(t.dtype),
        "device": str(t.device),
        "is_contiguous": bool(t.is_contiguous()),
        "_version": _version(t),
        "_is_view": bool(t._is_view()),
        "_base": base_name,
        "storage_nbytes": int(t.untyped_storage().nbytes()),
        "requires_grad": bool(t.requires_grad),
        "is_leaf": _attempt(lambda: bool(t.is_leaf)),
        "grad_fn": grad_fn_error or (None if grad_fn is None else type(grad_fn).__name__),
    }
    if grad_fn is not None:
        facts["grad_fn.next_functions"] = [
            [None if f is None else type(f).__name__, int(nr)]
            for f, nr in grad_fn.next_functions]
        facts["retains_grad"] = bool(t.retains_grad)
        # The reference says when the graph's node names are left open (double backward).
        if model_hook(t, "_unspecified_graph", False) is True:
            facts["grad_fn"] = facts["grad_fn.next_functions"] = UNSPECIFIED
    inference = attr(t, "is_inference", None)
    if callable(inference) and inference():
        facts["is_inference"] = True
    if t.is_complex() and t.is_conj():
        facts["is_conj"] = True
    if t.is_neg():  # the negative bit (x.conj().imag and its views)
        facts["is_neg"] = True
    if with_values and str(t.device) != "meta" and not _within_storage(t):
        facts["values"] = "<unobservable: the shape addresses bytes past the storage>"
    elif with_values and str(t.device) != "meta":
        # Read through detach(): off the CPU tolist() copies to the host with an autograd-aware
        # op, which raises for a view whose grad_fn can no longer be rebuilt (seen on CUDA).
        values = plain(t.detach().tolist())
        # The reference says which elements hold uninitialised memory; those are not facts.
        hook = model_hook(t, "_unspecified")
        unspecified = hook() if callable(hook) else []
        facts["values"] = _mark_unspecified(values, unspecified) if unspecified else values
    return facts


UNSPECIFIED = "<unspecified>"


def _mark_unspecified(values: Any, positions: list[int]) -> Any:
    """Replace the row-major ``positions`` of a nested list (or a scalar) by UNSPECIFIED."""
    if not isinstance(values, list):
        return UNSPECIFIED
    flat: list[Any] = []

    def walk(v: Any) -> Any:
        if isinstance(v, list):
            return [walk(x) for x in v]
        flat.append(v)
        return len(flat) - 1
    shape = walk(values)
    for p in positions:
        flat[p] = UNSPECIFIED

    def rebuild(s: Any) -> Any:
        return [rebuild(x) for x in s] if isinstance(s, list) else flat[s]
    return rebuild(shape)


def observe(namespace: dict[str, Any], seen: dict[int, tuple[int, str]] | None = None) -> Facts:
    """Facts of every live value: per-name facts, plus the alias partition (names grouped by
    storage), the identity partition (names bound to one object) and overlapping pairs.
    ``seen``: the session's memory of ids and addresses (see Identities)."""
    live = live_values(namespace)
    for name, value in list(live.items()):
        live.update(attached_tensors(name, value))
    for name, value in list(live.items()):
        if is_tensor(value):
            g = grad_of(value)
            if g is not None:
                live[f"{name}.grad"] = g
    tensors = {n: v for n, v in live.items() if is_tensor(v)}
    names_by_id: dict[int, str] = {}
    for n, v in tensors.items():
        names_by_id.setdefault(id(v), n)
    arrays = {n: v for n, v in live.items() if _is_ndarray(v)}
    values: dict[str, Facts] = {}
    identities = Identities(live, tensors, seen)
    for n, v in live.items():
        if is_tensor(v):
            values[n] = tensor_facts(v, names_by_id)
            if "unobservable" in values[n] or "layout" in values[n]:
                tensors.pop(n)  # no storage to partition or overlap
        elif n in arrays:
            values[n] = array_facts(v)
        elif isinstance(v, tuple) and len(v) == 3 and isinstance(v[0], str) and v[0] == "seq":
            values[n] = {"type": v[1], "len": v[2]}
        else:
            values[n] = value_facts(v, identities)
    ranges = [(_storage_key(t), _storage_range(t)) for t in tensors.values() if _strided(t)]

    def memory_key(x: Any) -> Any:
        return _storage_key(x) if is_tensor(x) else _array_key(x, ranges)
    both = {**tensors, **arrays}
    return {
        "values": values,
        "aliases": _partition(both, memory_key),
        "identity": _partition(both, id),
        "overlaps": _overlaps(tensors),
    }


def _is_ndarray(x: Any) -> bool:
    return type(x).__module__ == "numpy" and type(x).__name__ == "ndarray"


def array_facts(a: Any) -> Facts:
    """A NumPy array's facts (numpy() results, from_numpy inputs): its dtype, layout, whether
    it is writeable, and its values."""
    return {"type": "ndarray", "dtype": f"numpy.{a.dtype}", "shape": list(a.shape),
            "strides": list(a.strides), "writeable": bool(a.flags.writeable),
            "values": plain(a.tolist())}


def _storage_range(t: Any) -> tuple[int, int]:
    st = t.untyped_storage()
    return int(st.data_ptr()), int(st.nbytes())


def _array_key(a: Any, ranges: list[tuple[Any, tuple[int, int]]]) -> Any:
    """An array shares memory with a tensor when its first byte lies in the tensor's storage;
    otherwise it is keyed by the buffer that owns its memory."""
    addr = int(a.__array_interface__["data"][0])
    if a.size:
        for key, (start, nbytes) in ranges:
            if start and start <= addr < start + nbytes:
                return key
    root = a
    while _is_ndarray(attr(root, "base", None)):
        root = root.base
    return ("array", int(root.__array_interface__["data"][0]) if root.size else id(a))


def _partition(tensors: dict[str, Any], key: Any) -> dict[str, str]:
    """Each name mapped to the first name (in namespace order) in its group."""
    first: dict[Any, str] = {}
    out: dict[str, str] = {}
    for n, t in tensors.items():
        out[n] = first.setdefault(key(t), n)
    return out


def _byte_spans(t: Any) -> frozenset[int]:
    return _spans(t.element_size(), t.storage_offset(), tuple(t.shape), tuple(t.stride()))


@functools.lru_cache(maxsize=4096)
def _spans(size: int, offset: int, shape: tuple[int, ...], strides: tuple[int, ...]
           ) -> frozenset[int]:
    offs = [offset]
    for s, st in zip(shape, strides):
        offs = [o + i * st for o in offs for i in range(s)]
    return frozenset(o * size + b for o in offs for b in range(size))


def _overlaps(tensors: dict[str, Any]) -> list[list[str]]:
    """Pairs of distinct objects on one storage whose element bytes intersect."""
    groups: dict[Any, list[str]] = {}
    for n, t in tensors.items():
        if _strided(t) and t.numel() and t.numel() <= 4096 and _within_storage(t):
            groups.setdefault(_storage_key(t), []).append(n)
    pairs = []
    for names in groups.values():
        if len(names) < 2:
            continue
        spans = {n: _byte_spans(tensors[n]) for n in names}
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                if tensors[a] is not tensors[b] and spans[a] & spans[b]:
                    pairs.append([a, b])
    return pairs
