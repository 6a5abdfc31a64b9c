"""Backward formulas, and the wrapper that records graph nodes around the reference's ops.

Each formula follows torch's ``tools/autograd/derivatives.yaml`` (names of nodes, which tensors
are saved, which formula), written with the reference's tensor ops so that gradients can be
differentiated again (``create_graph=True``). Formulas that scatter into a zero tensor (slices,
selects, indexing) compute with NumPy and refuse double backward (NotModelled).

The wrapper implements the rules every op shares:
- out= refuses inputs that require grad;
- in-place ops refuse leaves that require grad and views of them, and rebase the history of
  what they modify (a view's base gets a ``CopySlices`` node, the view an
  ``AsStridedBackward0``);
- only floating point and complex results get a grad_fn.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import _autograd as A
from . import _dtypes as D
from . import _indexing as I
from . import _layout as L
from . import _ops as O
from . import _views as V
from ._autograd import short_name
from ._errors import NotModelled
from ._tensor import Tensor

Plan = tuple[str, Sequence[Any], Sequence[A.SavedTensor], Callable[[list[Any]], list[Any]]]
Formula = Callable[..., "Plan | None"]

LEAF_INPLACE = "a leaf Variable that requires grad is being used in an in-place operation."
VIEW_OF_LEAF = ("a view of a leaf Variable that requires grad is being used in an in-place "
                "operation.")
NO_GRAD_VIEW = (
    "A view was created in no_grad mode and is being modified inplace with grad mode enabled. "
    "Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify your "
    "code by moving both the view and the inplace either both inside the no_grad block (if you "
    "don't want the inplace to be tracked) or both outside (if you want the inplace to be "
    "tracked).")
INFERENCE_VIEW = (
    "A view was created in inference mode and is being modified inplace in normal mode. Given "
    "that this use case is ambiguous and error-prone, it is forbidden. You can clarify your code "
    "by moving both the view and the inplace either both inside the inference_mode block (if you "
    "don't want the inplace to be tracked) or both outside (if you want the inplace to be "
    "tracked).")
INFERENCE_INPLACE = (
    "Inplace update to inference tensor outside InferenceMode is not allowed.You can make a "
    "clone to get a normal tensor before doing inplace update.See "
    "https://github.com/pytorch/rfcs/pull/17 for more details.")


def _req(x: Any) -> bool:
    return isinstance(x, Tensor) and x.requires_grad


def _meta(t: Tensor) -> A.Meta:
    return (t._shape, t._dtype, t.device)


def _differentiable_dtype(t: Any) -> bool:
    return isinstance(t, Tensor) and (t._dtype.is_floating_point or t._dtype.is_complex)


def S(t: Any, output: bool = False) -> A.SavedTensor:  # noqa: N802 - "save"
    return A.save(t, output=output)


# ---- the recording wrapper -----------------------------------------------------------------------

def check_inplace(self: Tensor, others_require: bool) -> None:
    """The errors torch raises before an in-place op that autograd must record."""
    base = self._base_t if self._view else None
    if base is not None and self.__dict__.get("_inherited") and (
            self._creation == "inference" or (self._creation == "no_grad"
                                              and base.requires_grad)):
        mode, how = (("inference", "in normal mode") if self._creation == "inference" else
                     ("no_grad", "with grad mode enabled"))
        fn = self._grad_fn
        short = short_name(type(fn).__name__) if fn else "a function"
        raise RuntimeError(
            f"Output {self._output_nr} of {short} is a view of a view which was created in "
            f"{mode} mode and is being modified inplace {how}. "
            + NO_GRAD_VIEW[NO_GRAD_VIEW.index("Given"):].replace(
                "no_grad block", f"{'inference_mode' if mode == 'inference' else mode} block"))
    if base is not None and self._creation == "no_grad" and base.requires_grad:
        raise RuntimeError(NO_GRAD_VIEW)
    if base is not None and self._creation == "inference":
        raise RuntimeError(INFERENCE_VIEW)
    if base is not None and self._creation == "multi" and (others_require or self.requires_grad):
        fn = self._grad_fn
        short = short_name(type(fn).__name__) if fn else "a function"
        raise RuntimeError(
            f"Output {self._output_nr} of {short} is a view "
            "and is being modified inplace. This view is the output of a function that returns "
            "multiple views. Such functions do not allow the output views to be modified "
            "inplace. You should replace the inplace operation by an out-of-place one.")
    if base is not None and self.requires_grad and base.grad_fn is None:
        raise RuntimeError(VIEW_OF_LEAF)
    if self._requires_grad and self.grad_fn is None:
        raise RuntimeError(LEAF_INPLACE)


def check_inference_inplace(self: Tensor) -> None:
    if self._inference and not A.is_inference_mode_enabled():
        raise RuntimeError(INFERENCE_INPLACE)


def _node(plan: Plan, first_edge: A.Edge | None = None,
          self_args: tuple[Any, ...] = ()) -> A.Node:
    """The node of ``plan``; for an in-place op, every input that is self (``self_args``: the
    pre-op clone and self itself) leads to self's history before the op."""
    name, inputs, saved, backward = plan
    node = A.make_node(name, inputs, backward, saved)
    if first_edge is not None:
        node.next_functions = tuple(first_edge if any(x is a for a in self_args) else e
                                    for x, e in zip(inputs, node.next_functions))
    return node


def attach(outputs: Sequence[Tensor], node: A.Node) -> None:
    node._meta = [_meta(o) for o in outputs]
    for i, o in enumerate(outputs):
        o._grad_fn = node
        o._output_nr = i
        o._attr_version = o._vc.value


def _move_retained(t: Tensor, node: A.Node) -> None:
    if t._retains_grad and t._grad_fn is not None:
        t._grad_fn._retained.pop(t._output_nr, None)
        node._retained[0] = t


def rebase(self: Tensor, node: A.Node) -> None:
    """The history of a tensor modified in place (torch's rebase_history)."""
    node._meta = [_meta(self)]
    base = self._base_t if self._view else None
    if base is None:
        _move_retained(self, node)
        self._grad_fn, self._output_nr = node, 0
        return
    bgeom = (base._shape, base._strides, base._offset)
    vgeom = (self._shape, self._strides, self._offset)

    def copy_slices(grads: list[Any]) -> list[Any]:
        g = grads[0]
        assert node._backward is not None
        res = node._backward([_embed_slice(g, bgeom, vgeom)])
        grad_base = _copy_slices_result(g, bgeom, vgeom, res[0])
        return [grad_base] + list(res[1:])
    cs = A.node_class("CopySlices")([A.gradient_edge(base)] + list(node.next_functions[1:]),
                                   copy_slices, node._saved, [_meta(base)])
    cs._numpy_only = True
    _move_retained(base, cs)
    base._grad_fn, base._output_nr = cs, 0
    asb = _as_strided_node(base, self, (cs, 0))
    _move_retained(self, asb)
    self._grad_fn, self._output_nr = asb, 0
    self._attr_version = self._vc.value


def regenerate_view_grad_fn(view: Tensor) -> None:
    base = view._base_t
    assert base is not None
    node = _as_strided_node(base, view, A.gradient_edge(base))
    _move_retained(view, node)
    view._grad_fn, view._output_nr = node, 0
    view._attr_version = view._vc.value


def _as_strided_node(base: Tensor, view: Tensor, edge: A.Edge) -> A.Node:
    bgeom = (base._shape, base._strides, base._offset)
    vgeom = (view._shape, view._strides, view._offset)

    def backward(grads: list[Any]) -> list[Any]:
        return [_as_strided_backward(grads[0], bgeom, vgeom)]
    node = A.node_class("AsStridedBackward0")([edge], backward, (), [_meta(view)])
    node._numpy_only = True
    return node


def differentiable(fn: Callable[..., Any], formula: Formula, *, inplace_self: bool = False,
                   name: str | None = None) -> Callable[..., Any]:
    """Wrap a reference op so that it records a node when autograd needs one."""
    opname = name or fn.__name__

    @functools.wraps(fn)
    def op(*args: Any, **kwargs: Any) -> Any:
        target = args[0] if inplace_self else kwargs.get("_inplace")
        if target is not None and target._inference and not A.is_inference_mode_enabled():
            # torch refuses when it bumps the version, after the kernel wrote.
            with A.suspended():
                fn(*args, **kwargs)
            raise RuntimeError(INFERENCE_INPLACE)
        if not A.is_inference_mode_enabled() and any(
                isinstance(a, Tensor) and a._inference for a in args):
            return _mark_version_unspecified(_op(*args, **kwargs))
        return _op(*args, **kwargs)

    def _op(*args: Any, **kwargs: Any) -> Any:
        target = args[0] if inplace_self else kwargs.get("_inplace")
        if not A.recording():
            return fn(*args, **kwargs)
        out = kwargs.get("out")
        tensors = [a for a in args if isinstance(a, Tensor)] + \
            [v for k, v in kwargs.items() if isinstance(v, Tensor) and k not in ("out", "_inplace")]
        req = any(t.requires_grad for t in tensors if t is not target)
        if out is not None:
            if req or any(t.requires_grad for t in tensors) or out.requires_grad:
                raise RuntimeError(f"{opname}(): functions with out=... arguments don't support "
                                   "automatic differentiation, but one of the arguments requires "
                                   "grad.")
            return fn(*args, **kwargs)
        if target is not None:
            if not (req or target.requires_grad):
                return fn(*args, **kwargs)
            check_inplace(target, req)
            first = A.gradient_edge(target)
            before = target._vc.value
            with A.suspended():
                orig = O.clone(target)
                result = fn(*args, **kwargs)
            # The formula sees self's value before the op, and whether self needed a gradient;
            # self passed again as another operand is saved as itself, at its version before
            # the op (so backward finds it modified, as torch does for x.mul_(x)).
            orig._requires_grad = target.requires_grad
            new_args = (orig,) + tuple(args[1:]) if args and args[0] is target else args
            kw = {k: v for k, v in kwargs.items() if k != "_inplace"}
            plan = formula(result, *new_args, **kw)
            if plan is None:
                raise NotModelled(f"autograd through in-place {opname}")
            for saved in plan[2]:
                if saved.tensor is target and not saved.is_output:
                    saved.version = before
            rebase(target, _node(plan, first, (orig, target)))
            return result
        if not req:
            return fn(*args, **kwargs)
        with A.suspended():
            result = fn(*args, **kwargs)
        outputs = list(result) if isinstance(result, tuple) else [result]
        if not outputs or not all(_differentiable_dtype(o) for o in outputs):
            return result
        plan = formula(result, *args, **kwargs)
        if plan is None:
            return result
        attach(outputs, _node(plan))
        return result
    return op


def _mark_version_unspecified(result: Any) -> Any:
    """Results computed from inference tensors outside inference mode: torch's version counter
    of them depends on its dispatch path (observed at 1 for clone and nonzero), which no
    document states."""
    for r in (result if isinstance(result, tuple) else (result,)):
        if isinstance(r, Tensor) and not r._inference:
            r.__dict__["_version_unspecified"] = True
    return result


# ---- NumPy helpers for the scatter-style formulas ------------------------------------------------

def _new(shape: Sequence[int], like: Tensor, values: Any, strides: Sequence[int] | None = None,
         bumps: int = 0) -> Tensor:
    """A fresh tensor of ``values``; ``bumps`` is how many in-place writes torch's formula
    makes into it (its version when it is stolen into ``.grad``)."""
    t = Tensor._empty(tuple(shape), like._dtype, like.device, strides)
    for _ in range(bumps):
        t._vc.bump()
    if like._storage.has_data() and values is not None:
        t._write(D.from_storage(D.to_storage(np.asarray(values), like._dtype), like._dtype)
                 if like._dtype is D.bfloat16 else np.asarray(values))
        t._taint(np.zeros(tuple(shape), dtype=np.bool_))
    return t


def _vals(t: Tensor) -> Any:
    return t._values() if t._storage.has_data() else None


def _offsets(geom: tuple[tuple[int, ...], tuple[int, ...], int], rel: int) -> np.ndarray:
    shape, strides, off = geom
    return np.asarray(L.element_offsets(shape, strides, off - rel), dtype=np.int64).reshape(shape)


def _as_strided_backward(g: Tensor, bgeom: Any, vgeom: Any) -> Tensor:
    bshape, bstrides, boff = bgeom
    if L.has_internal_overlap(bshape, bstrides) is not False and math.prod(bshape) > 1:
        raise NotModelled("as_strided backward onto an overlapping base")
    if math.prod(bshape) == 0:
        # Note: torch's buffer and the stealing of the result differ for empty bases in ways
        # its docs do not cover.
        raise NotModelled("as_strided backward onto an empty base")
    vals = _vals(g)
    if vals is None:
        return _new(bshape, g, None, bstrides)
    rel = min(boff, vgeom[2])
    bo, vo = _offsets(bgeom, rel), _offsets(vgeom, rel)
    size = int(max(bo.max(initial=0), vo.max(initial=0))) + 1
    buf = np.zeros(size, dtype=vals.dtype)
    np.add.at(buf, vo.reshape(-1), vals.reshape(-1))
    # as_strided_backward returns the base's geometry as a view of a flat zero buffer.
    flat = _new((size,), g, buf, bumps=1)
    from ._tensor import view_of
    return view_of(flat, bshape, bstrides, boff - rel, track=True)


def _embed_slice(g: Tensor, bgeom: Any, vgeom: Any) -> Tensor:
    """The part of ``g`` (laid out as the base) that the view covers, as a fresh tensor."""
    vals = _vals(g)
    vshape = vgeom[0]
    if vals is None:
        return _new(vshape, g, None)
    rel = bgeom[2]
    bo, vo = _offsets(bgeom, rel), _offsets(vgeom, rel)
    size = int(max(bo.max(initial=0), vo.max(initial=0))) + 1
    buf = np.zeros(size, dtype=vals.dtype)
    buf[bo.reshape(-1)] = vals.reshape(-1)
    return _new(vshape, g, buf[vo])


def _copy_slices_result(g: Tensor, bgeom: Any, vgeom: Any, grad_self: Tensor | None) -> Tensor:
    vals = _vals(g)
    bshape, bstrides, _ = bgeom
    if vals is None:
        return _new(bshape, g, None, bstrides)
    rel = bgeom[2]
    bo, vo = _offsets(bgeom, rel), _offsets(vgeom, rel)
    size = int(max(bo.max(initial=0), vo.max(initial=0))) + 1
    buf = np.zeros(size, dtype=vals.dtype)
    buf[bo.reshape(-1)] = vals.reshape(-1)
    sv = _vals(grad_self) if grad_self is not None else None
    buf[vo.reshape(-1)] = 0 if sv is None else np.broadcast_to(
        sv.astype(vals.dtype), vgeom[0]).reshape(-1)
    return _new(bshape, g, buf[bo], bstrides)


def _scatter_into(shape: Sequence[int], g: Tensor, place: Callable[[np.ndarray, Any], None],
                  bumps: int = 0) -> Tensor:
    vals = _vals(g)
    if vals is None:
        return _new(shape, g, None, bumps=bumps)
    buf = np.zeros(tuple(shape), dtype=vals.dtype)
    place(buf, vals)
    return _new(shape, g, buf, bumps=bumps)


def _numpy_node(plan: Plan) -> Plan:
    """Mark a plan whose backward computes outside the tensor ops."""
    name, inputs, saved, backward = plan

    def bw(grads: list[Any]) -> list[Any]:
        if A.is_grad_enabled() and any(_req(g) for g in grads):
            raise NotModelled(f"double backward through {name}")
        return backward(grads)
    return name, inputs, saved, bw


def to_dtype(t: Tensor, dt: D.dtype) -> Tensor:
    return to(t, dt)


# ---- pointwise formulas --------------------------------------------------------------------------

def _scalar(x: Any) -> bool:
    return not isinstance(x, Tensor)


def f_add(result: Any, a: Any, b: Any, *, alpha: Any = 1, **_: Any) -> Plan:
    def bw(g: list[Any]) -> list[Any]:
        gb = None
        if _req(b):
            gb = g[0] if alpha == 1 else O.mul(g[0], alpha)
        return [g[0] if _req(a) else None, gb]
    return "AddBackward0", [a, b], [], bw


def f_sub(result: Any, a: Any, b: Any, *, alpha: Any = 1, **_: Any) -> Plan:
    if _scalar(a):  # 1 - x is rsub(x, 1)
        def rbw(g: list[Any]) -> list[Any]:
            n = O.neg(g[0])
            return [n if alpha == 1 else O.mul(n, alpha)]
        return "RsubBackward1", [b], [], rbw

    def bw(g: list[Any]) -> list[Any]:
        gb = None
        if _req(b):
            n = O.neg(g[0])
            gb = n if alpha == 1 else O.mul(n, alpha)
        return [g[0] if _req(a) else None, gb]
    return "SubBackward0", [a, b], [], bw


def f_mul(result: Any, a: Any, b: Any, **_: Any) -> Plan:
    sa = S(b) if _req(a) else None
    sb = S(a) if _req(b) else None

    def bw(g: list[Any]) -> list[Any]:
        return [O.mul(g[0], sa.tensor) if sa else None, O.mul(g[0], sb.tensor) if sb else None]
    return "MulBackward0", [a, b], [s for s in (sa, sb) if s], bw


def f_div(result: Any, a: Any, b: Any, *, rounding_mode: Any = None, **_: Any) -> Plan:
    if rounding_mode is not None:
        def zbw(g: list[Any]) -> list[Any]:
            z = O.mul(g[0], 0)
            return [z if _req(a) else None, z if _req(b) else None]
        # Python scalars arrive wrapped as tensors: always div.Tensor_mode.
        return "DivBackward2", [a, b], [], zbw
    if _scalar(a):
        raise NotModelled("scalar / tensor outside the operator")
    so = S(b)
    ss = S(a) if _req(b) else None

    def bw(g: list[Any]) -> list[Any]:
        other = so.tensor
        ga = O.div(g[0], other) if _req(a) else None
        gb = None
        if ss is not None:
            gb = O.mul(O.neg(g[0]), O.div(O.div(ss.tensor, other), other))
        return [ga, gb]
    return "DivBackward0", [a, b], [s for s in (so, ss) if s], bw


def rdiv(x: Tensor, scalar: Any) -> Tensor:
    """``scalar / x``: torch computes ``x.reciprocal() * scalar`` (two nodes)."""
    if not A.needs_graph(x) or not (_differentiable_dtype(x) or x._dtype.kind in "biu"):
        with A.suspended():
            return O.mul(O.reciprocal(x), scalar)
    with A.suspended():
        r = O.reciprocal(x)
        res = O.mul(r, scalar)
    sr = S(r, output=True)

    def rbw(g: list[Any]) -> list[Any]:
        t = sr.tensor
        return [O.mul(O.neg(g[0]), O.mul(t, t))]
    recip = _node(("ReciprocalBackward0", [x], [sr], rbw))
    attach([r], recip)
    return _record(res, "MulBackward0", [r, scalar], [S(scalar)],
                   lambda g: [O.mul(g[0], scalar), None])


def _record(result: Tensor, name: str, inputs: Sequence[Any], saved: Sequence[A.SavedTensor],
            bw: Callable[[list[Any]], list[Any]]) -> Tensor:
    attach([result], _node((name, inputs, saved, bw)))
    return result


def f_neg(result: Any, a: Any, **_: Any) -> Plan:
    return "NegBackward0", [a], [], lambda g: [O.neg(g[0])]


def f_pow(result: Any, a: Any, e: Any, **_: Any) -> Plan:
    if _scalar(e):
        sa = S(a)

        def bw(g: list[Any]) -> list[Any]:
            if e == 0:
                from ._creation import contiguous_format, zeros_like
                with A.grad_mode(False):
                    return [zeros_like(sa.tensor, memory_format=contiguous_format)]
            x = sa.tensor
            return [O.mul(g[0], O.mul(O.pow(x, e - 1), e))]
        return "PowBackward0", [a], [sa], bw
    if _scalar(a):
        raise NotModelled("pow with a scalar base outside the operator")
    sa, se, sr = S(a), S(e), S(result, output=True)

    def bw1(g: list[Any]) -> list[Any]:
        x, ex, r = sa.tensor, se.tensor, sr.tensor
        ga = ge = None
        if _req(a):
            ga = O.where(O.eq(ex, 0.0), 0.0, O.mul(g[0], O.mul(ex, O.pow(x, O.sub(ex, 1)))))
        if _req(e):
            cond = _logical_and(O.eq(x, 0), O.ge(ex, 0))
            ge = O.where(cond, 0.0, O.mul(g[0], O.mul(r, O.log(x))))
        return [ga, ge]
    return "PowBackward1", [a, e], [sa, se, sr], bw1


def rpow(x: Tensor, base: Any) -> Tensor:
    """``scalar ** x``: PowBackward2."""
    from ._creation import tensor
    with A.suspended():
        res = O.pow(tensor(base, device=x.device), x)
    if not A.needs_graph(x) or not _differentiable_dtype(res):
        return res
    se, sr = S(x), S(res, output=True)

    def bw(g: list[Any]) -> list[Any]:
        ex, r = se.tensor, sr.tensor
        if base == 0:
            return [O.where(O.ge(ex, 0), 0.0, O.mul(g[0], O.mul(r, math.log(base) if base > 0
                                                                else float("nan"))))]
        return [O.mul(g[0], O.mul(r, math.log(base) if base > 0 else float("nan")))]
    return _record(res, "PowBackward2", [x], [se, sr, S(base)], bw)


def _logical_and(a: Tensor, b: Tensor) -> Tensor:
    return O.mul(a, b)


def f_exp(result: Any, a: Any, **_: Any) -> Plan:
    sr = S(result, output=True)
    return "ExpBackward0", [a], [sr], lambda g: [O.mul(g[0], sr.tensor)]


def f_log(result: Any, a: Any, **_: Any) -> Plan:
    sa = S(a)
    return "LogBackward0", [a], [sa], lambda g: [O.div(g[0], sa.tensor)]


def f_sqrt(result: Any, a: Any, **_: Any) -> Plan:
    sr = S(result, output=True)
    return "SqrtBackward0", [a], [sr], lambda g: [O.div(g[0], O.mul(sr.tensor, 2))]


def _sign_values(t: Tensor) -> Tensor:
    """sgn is a unary op: its result has the layout TensorIterator gives its input."""
    vals = _vals(t)
    return _new(t._shape, t, None if vals is None else np.sign(vals), O.unary_layout(t))


def _sign(t: Tensor) -> Tensor:
    """``sgn``: differentiable with a zero gradient (SgnBackward0), so a double-backward result
    through abs still requires grad, as torch's does."""
    res = _sign_values(t)
    if A.needs_graph(t):
        return _record(res, "SgnBackward0", [t], [], lambda g: [O.mul(g[0], 0)])
    return res


def f_abs(result: Any, a: Any, **_: Any) -> Plan:
    if a._dtype.is_complex:
        raise NotModelled("abs backward of a complex tensor")
    sa = S(a)
    return "AbsBackward0", [a], [sa], lambda g: [O.mul(g[0], _sign(sa.tensor))]


def f_clamp(result: Any, a: Any, min: Any = None, max: Any = None, **_: Any  # noqa: A002
            ) -> Plan:
    if _req(min) or _req(max):
        raise NotModelled("clamp backward to tensor bounds")
    sa = S(a)
    tensor_bounds = isinstance(min, Tensor) or isinstance(max, Tensor)

    def bw(g: list[Any]) -> list[Any]:
        x = sa.tensor
        if min is not None and max is not None:
            mask = _logical_and(O.ge(x, min), O.le(x, max))
        elif min is not None:
            mask = O.ge(x, min)
        else:
            mask = O.le(x, max)
        return [O.where(mask, g[0], 0.0)] + ([None, None] if tensor_bounds else [])
    saved = [sa] + [S(b) for b in (min, max) if isinstance(b, Tensor)]
    if tensor_bounds:
        return "ClampBackward0", [a, min, max], saved, bw
    return "ClampBackward1", [a], saved, bw


def f_where(result: Any, cond: Tensor, a: Any, b: Any, **_: Any) -> Plan:
    sc = S(cond)

    def bw(g: list[Any]) -> list[Any]:
        c = sc.tensor
        return [O.where(c, g[0], 0.0) if _req(a) else None,
                O.where(c, 0.0, g[0]) if _req(b) else None]
    return "WhereBackward0", [a, b], [sc], bw


def _zeros_like(g: Tensor) -> Tensor:
    """``zeros_like(grad)``: a constant, so it never requires grad, even in double backward."""
    from ._creation import zeros_like
    with A.grad_mode(False):
        return zeros_like(g)


def f_fill(result: Any, self: Tensor, value: Any, **_: Any) -> Plan:
    # fill_.Scalar and fill_.Tensor have entries of their own (after fill.Scalar/.Tensor).
    if isinstance(value, Tensor):
        return "FillBackward3", [self, value], [], lambda g: [_zeros_like(g[0]), O.sum(g[0])]
    return "FillBackward2", [self], [], lambda g: [_zeros_like(g[0])]


def f_zero(result: Any, self: Tensor, **_: Any) -> Plan:
    return "ZeroBackward0", [self], [], lambda g: [_zeros_like(g[0])]


def f_copy(result: Any, self: Tensor, src: Any, non_blocking: bool = False, **_: Any) -> Plan:
    return "CopyBackwards", [self, src], [], lambda g: [_zeros_like(g[0]), g[0]]


def f_clone(result: Any, a: Tensor, **_: Any) -> Plan:
    return "CloneBackward0", [a], [], lambda g: [g[0]]


# ---- reductions ----------------------------------------------------------------------------------

def _dims(t: Tensor, dim: Any) -> list[int]:
    if dim is None or dim == () or dim == []:
        return list(range(t.dim()))
    ds = [dim] if isinstance(dim, int) else list(dim)
    return sorted(V.wrap_dim(d, t.dim()) for d in ds)


def _restore(g: Tensor, sizes: tuple[int, ...], dims: list[int], keepdim: bool) -> Tensor:
    if not keepdim and sizes:
        for d in dims:
            g = V.unsqueeze(g, d)
    return g


def f_sum(result: Any, a: Tensor, dim: Any = None, keepdim: bool = False, **_: Any) -> Plan:
    sizes = a._shape
    if dim is None:
        return "SumBackward0", [a], [], lambda g: [V.expand(g[0], sizes)]
    dims = _dims(a, dim)
    return "SumBackward1", [a], [], lambda g: [V.expand(_restore(g[0], sizes, dims, keepdim),
                                                        sizes)]


def f_mean(result: Any, a: Tensor, dim: Any = None, keepdim: bool = False, **_: Any) -> Plan:
    sizes = a._shape
    if dim is None:
        n = a.numel()
        return "MeanBackward0", [a], [], lambda g: [O.div(V.expand(g[0], sizes), n)]
    dims = _dims(a, dim)
    n = math.prod(sizes[d] for d in dims)
    return "MeanBackward1", [a], [], lambda g: [
        O.div(V.expand(_restore(g[0], sizes, dims, keepdim), sizes), n)]


def _extremum_formula(name: str) -> Formula:
    def f(result: Any, a: Tensor, dim: Any = (), keepdim: bool = False, **_: Any) -> Plan:
        sizes = a._shape
        dims = _dims(a, None if dim == () else dim)
        sa, sr = S(a), S(result, output=True)

        def bw(g: list[Any]) -> list[Any]:
            mask = O.eq(_restore(sr.tensor, sizes, dims, keepdim), sa.tensor)
            count = O.sum(mask, dims, keepdim=True)
            return [O.mul(O.div(_restore(g[0], sizes, dims, keepdim), count), mask)]
        return name, [a], [sa, sr], bw
    return f


# ---- products ------------------------------------------------------------------------------------

def _column_major(t: Tensor) -> bool:
    """mm_mat1_backward / mm_mat2_backward: "if input was column-major, return grad as
    column-order" (strides (1, rows), whatever the sizes)."""
    s, st = t._shape, t._strides
    return st[0] == 1 and st[1] == s[0]


def f_mm(result: Any, a: Tensor, b: Tensor, **_: Any) -> Plan:
    sb = S(b) if _req(a) else None
    sa = S(a) if _req(b) else None
    a_colmajor, b_colmajor = _column_major(a), _column_major(b)

    def bw(g: list[Any]) -> list[Any]:
        ga = gb = None
        if sb is not None:
            m2 = sb.tensor
            ga = V.t(O.mm(m2, V.t(g[0]))) if a_colmajor else O.mm(g[0], V.t(m2))
        if sa is not None:
            m1 = sa.tensor
            gb = V.t(O.mm(V.t(g[0]), m1)) if b_colmajor else O.mm(V.t(m1), g[0])
        return [ga, gb]
    return "MmBackward0", [a, b], [s for s in (sa, sb) if s], bw


def f_bmm(result: Any, a: Tensor, b: Tensor, **_: Any) -> Plan:
    sb = S(b) if _req(a) else None
    sa = S(a) if _req(b) else None

    def bw(g: list[Any]) -> list[Any]:
        return [O.bmm(g[0], V.transpose(sb.tensor, 1, 2)) if sb else None,
                O.bmm(V.transpose(sa.tensor, 1, 2), g[0]) if sa else None]
    return "BmmBackward0", [a, b], [s for s in (sa, sb) if s], bw


_ORIG_MATMUL = O.matmul


def matmul(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """torch.matmul decomposes into dot, mv, mm (and bmm): its graph shows those nodes."""
    if out is not None or not A.needs_graph(input, other) or \
            not (_differentiable_dtype(input) and _differentiable_dtype(other)):
        if out is not None and A.needs_graph(input, other):
            raise RuntimeError("matmul(): functions with out=... arguments don't support "
                               "automatic differentiation, but one of the arguments requires "
                               "grad.")
        with A.suspended():
            return _ORIG_MATMUL(input, other, out=out)
    da, db = input.dim(), other.dim()
    with A.suspended():
        res = _ORIG_MATMUL(input, other)  # every error check first
    if db == 1 and da in (1, 2):
        # Note: as codegen does, each operand is saved only for the other's formula (mv's
        # self: grad.ger(vec) needs vec, vec: self.t().mv(grad) needs self).
        sb = S(other) if _req(input) else None
        sa = S(input) if _req(other) else None
        saved = [s for s in (sa, sb) if s]
    if da == 1 and db == 1:
        return _record(res, "DotBackward0", [input, other], saved, lambda g: [
            O.mul(g[0], sb.tensor) if sb else None,
            O.mul(g[0], sa.tensor) if sa else None])
    if da == 2 and db == 1:
        return _record(res, "MvBackward0", [input, other], saved, lambda g: [
            O.mul(V.unsqueeze(g[0], 1), sb.tensor) if sb else None,
            O.matmul(V.t(sa.tensor), g[0]) if sa else None])
    if da == 2 and db == 2:
        return mm(input, other)
    if da == 1 and db == 2:
        r = mm(V.unsqueeze(input, 0), other)
        prev = A.gradient_edge(r)
        r._shape, r._strides = r._shape[1:], r._strides[1:]
        r._vc.bump()
        node = A.node_class("SqueezeBackward4")([prev], lambda g: [V.unsqueeze(g[0], 0)], ())
        attach([r], node)
        return r
    raise NotModelled("autograd through batched matmul")


# ---- views ---------------------------------------------------------------------------------------

def view_wrapper(fn: Callable[..., Any], name_of: Callable[..., str],
                 backward_of: Callable[..., Callable[[Tensor], Any]],
                 numpy_only: bool = False) -> Callable[..., Any]:
    """A view op: records ``name_of(a, *args)`` with the gradient ``backward_of(a, *args)``."""
    def formula(result: Any, a: Tensor, *args: Any, **kwargs: Any) -> Plan:
        bw = backward_of(a, *args, **kwargs)
        plan: Plan = (name_of(a, *args, **kwargs), [a], [], lambda g: [bw(g[0])])
        return _numpy_node(plan) if numpy_only else plan
    return differentiable(fn, formula)


def _picking_view(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """select/slice/narrow/diagonal/as_strided: backward scatters into zeros."""
    def formula(result: Any, a: Tensor, *args: Any, **kwargs: Any) -> Plan:
        sizes = a._shape
        # Replay the op on a contiguous index tensor to know which elements it picks.
        from ._creation import arange
        with A.suspended(), A.grad_mode(False):
            idx = V.reshape(arange(math.prod(sizes)), sizes) if sizes else arange(1).reshape(())
            picked = fn(idx, *args, **kwargs)
            pos = picked._values().astype(np.int64)

        def bw(g: list[Any]) -> list[Any]:
            return [_scatter_into(sizes, g[0], lambda buf, v: np.add.at(
                buf.reshape(-1), pos.reshape(-1), v.reshape(-1)))]
        return _numpy_node((name(a, *args, **kwargs) if callable(name) else name, [a], [], bw))
    return differentiable(fn, formula)


def _multi_view(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """unbind/split/chunk: several views, one node; in-place on any output is refused."""
    def formula(result: Any, a: Tensor, *args: Any, **kwargs: Any) -> Plan:
        sizes = a._shape
        from ._creation import arange
        with A.suspended(), A.grad_mode(False):
            idx = V.reshape(arange(math.prod(sizes)), sizes) if sizes else arange(1)
            parts = [p._values().astype(np.int64) for p in fn(idx, *args, **kwargs)]
        for r in result:
            r._creation = "multi"

        def bw(g: list[Any]) -> list[Any]:
            def place(buf: np.ndarray, _: Any) -> None:
                for pos, gi in zip(parts, g):
                    v = _vals(gi)
                    if v is not None:
                        np.add.at(buf.reshape(-1), pos.reshape(-1), v.reshape(-1))
            return [_scatter_into(sizes, g[0], place)]
        nm = name
        if name == "SplitBackward0" and isinstance(
                args[0] if args else kwargs.get("split_size_or_sections"), (list, tuple)):
            nm = "SplitWithSizesBackward0"
        return _numpy_node((nm, [a], [], bw))
    return differentiable(fn, formula)


def _reshape(self: Tensor, *shape: Any) -> Tensor:
    if not A.needs_graph(self):
        return V.reshape.__wrapped__(self, *shape)  # type: ignore[attr-defined]
    with A.suspended():
        res = V.reshape.__wrapped__(self, *shape)  # type: ignore[attr-defined]
    sizes = self._shape
    if res._storage is self._storage:
        if res is self:
            return res
        # ATen reshape: view() for contiguous inputs, _reshape_alias for other viewable ones.
        name = "ViewBackward0" if self.is_contiguous() else "ReshapeAliasBackward0"
        return _record(res, name, [self], [], lambda g: [V.reshape(g[0], sizes)])
    # A copy: clone, then _unsafe_view.
    clone_node = _node(("CloneBackward0", [self], [], lambda g: [g[0]]))
    clone_node._meta = [_meta(self)]
    node = A.node_class("UnsafeViewBackward0")([(clone_node, 0)],
                                               lambda g: [V.reshape(g[0], sizes)], ())
    attach([res], node)
    return res


# ---- indexing ------------------------------------------------------------------------------------

def f_index(result: Any, src: Tensor, adv: list[tuple[int, Tensor]], **_: Any) -> Plan:
    sizes = src._shape
    saved = [S(t) for _, t in adv]
    from ._creation import arange
    with A.suspended(), A.grad_mode(False):
        idx = V.reshape(arange(math.prod(sizes)), sizes) if sizes else arange(1).reshape(())
        pos = I.index.__wrapped__(idx, adv)._values().astype(np.int64)  # type: ignore

    def bw(g: list[Any]) -> list[Any]:
        return [_scatter_into(sizes, g[0], lambda buf, v: np.add.at(
            buf.reshape(-1), pos.reshape(-1), v.reshape(-1)), bumps=1)]
    return _numpy_node(("IndexBackward0", [src], saved, bw))


def f_index_select(result: Any, src: Tensor, dim: int, index: Tensor, **_: Any) -> Plan:
    return _gathering("IndexSelectBackward0", src, [S(index)],
                      lambda idx: I.index_select.__wrapped__(idx, dim, index))  # type: ignore


def f_masked_select(result: Any, src: Tensor, mask: Tensor, **_: Any) -> Plan:
    shape = L.broadcast_shapes(src._shape, mask._shape)
    # masked_select_backward: zeros_like(input.expand(shape), preserve_format).
    exp_strides = L.expand_strides(src._shape, src._strides, shape)
    plan = _gathering("MaskedSelectBackward0", src, [S(src), S(mask)],
                      lambda idx: I.masked_select.__wrapped__(  # type: ignore[attr-defined]
                          V.expand(idx, shape) if idx._shape != shape else idx, mask),
                      grad_shape=shape,
                      strides=L.preserve_format_strides(shape, exp_strides))
    return plan


def f_gather(result: Any, src: Tensor, dim: int, index: Tensor, **_: Any) -> Plan:
    return _gathering("GatherBackward0", src, [S(src), S(index)],
                      lambda idx: I.gather.__wrapped__(idx, dim, index))  # type: ignore


def _gathering(name: str, src: Tensor, saved: list[A.SavedTensor],
               pick: Callable[[Tensor], Tensor], grad_shape: tuple[int, ...] | None = None,
               strides: Sequence[int] | None = None) -> Plan:
    """Ops that read elements of ``src`` by position: the gradient scatters back (summing)
    into zeros, which torch's formula then writes in place once."""
    sizes = src._shape if grad_shape is None else grad_shape
    from ._creation import arange
    with A.suspended(), A.grad_mode(False):
        n = math.prod(sizes)
        idx = V.reshape(arange(n), sizes) if sizes else V.reshape(arange(1), ())
        pos = pick(idx)._values().astype(np.int64)

    def bw(g: list[Any]) -> list[Any]:
        res = _scatter_into(sizes, g[0], lambda buf, v: np.add.at(
            buf.reshape(-1), pos.reshape(-1), v.reshape(-1)), bumps=1)
        if strides is not None and tuple(strides) != res._strides:
            moved = _new(sizes, res, _vals(res), strides, bumps=1)
            return [moved]
        return [res]
    return _numpy_node((name, [src], saved, bw))


def getitem(self: Tensor, key: Any) -> Tensor:
    """Basic indexing is a chain of view ops (select, slice, unsqueeze; ``alias`` when nothing
    applies); advanced indexing then gathers (IndexBackward0)."""
    view, adv = I._apply(self, key)
    if not adv:
        if view is self:
            return alias(self)
        return view
    return index(view, adv)


def _alias(self: Tensor) -> Tensor:
    from ._tensor import view_of
    return view_of(self, self._shape, self._strides, self._offset)


def setitem(self: Tensor, key: Any, value: Any) -> None:
    if A.recording() and (_req(self) or _req(value)):
        check_inference_inplace(self)
        if self._requires_grad and self.grad_fn is None:
            _view, adv = I._apply(self, key) if key not in (True, False) else (self, [])
            raise RuntimeError(LEAF_INPLACE if adv else VIEW_OF_LEAF)
        raise NotModelled("autograd through __setitem__")
    check_inference_inplace(self)
    with A.suspended():
        I.setitem(self, key, value)


# ---- conversions and nn ops ----------------------------------------------------------------------

def to(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.Tensor.to.html
    "If the self Tensor already has the correct torch.dtype and torch.device, then self is
    returned. Otherwise, the returned tensor is a copy of self with the desired torch.dtype and
    torch.device." (``copy=True`` always copies.) The copy keeps self's layout
    (preserve_format); a copy out of a meta tensor has no data to copy."""
    from ._device import device as make_device
    dtype = kwargs.pop("dtype", None)
    device = kwargs.pop("device", None)
    copy = kwargs.pop("copy", False)
    kwargs.pop("non_blocking", None)
    if kwargs.pop("memory_format", None) is not None:
        raise NotModelled("to(memory_format=...)")
    if kwargs:
        raise TypeError(f"to() got an unexpected keyword argument '{next(iter(kwargs))}'")
    for a in args:
        if isinstance(a, D.dtype):
            dtype = a
        elif isinstance(a, Tensor):
            dtype, device = a._dtype, a.device
        elif isinstance(a, bool):
            copy = a
        else:
            device = a
    wanted = make_device(device) if device is not None else None
    if wanted is not None and wanted.type == "cuda":
        # ATen's ensure_has_index: "cuda" is the current device (cuda:0 here).
        from ._device import canonical
        wanted = canonical(wanted)
    dt = dtype or self._dtype
    # Note: the requested device is otherwise compared as given: "cpu:0" is not "cpu", so it
    # copies.
    if dt is self._dtype and (wanted is None or wanted == self.device) and not copy:
        return self
    target = _tensor_device(wanted) if wanted is not None else self.device
    if self._dtype.is_complex and not dt.is_complex:
        # Note: torch warns once per process (TORCH_WARN_ONCE) when it drops imaginary parts.
        raise NotModelled("to() from complex to real (its warning fires once per process)")
    if self.device.type == "meta" and target.type != "meta":
        raise NotImplementedError("Cannot copy out of meta tensor; no data!")
    with A.suspended():
        res = O.converted(self, dt, target)
    if A.needs_graph(self) and (dt.is_floating_point or dt.is_complex):
        src_dt, src_dev = self._dtype, self.device
        return _record(res, "ToCopyBackward0", [self], [],
                       lambda g: [to(g[0], src_dev, src_dt)])
    return res


def _pin_memory(self: Tensor, device: Any = None) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.Tensor.pin_memory.html
    "Copies the tensor to pinned memory, if it's not already pinned." Only dense CPU tensors
    can be pinned, and page-locked memory needs an accelerator on the host."""
    from ._device import HOST
    from ._ops import LEGACY_NAMES
    if self.device.type == "meta":
        raise RuntimeError(f"cannot pin 'Meta{LEGACY_NAMES[self._dtype.name]}Type' only dense "
                           "CPU tensors can be pinned")
    if self.device.type == "cuda":
        from ._views import _legacy_type
        raise RuntimeError(f"cannot pin '{_legacy_type(self)}' only dense CPU tensors can be "
                           "pinned")
    if self.device.type != "cpu":
        raise NotModelled(f"pin_memory of a {self.device.type} tensor")
    if HOST["accelerator"] is None:
        raise NotModelled("pin_memory on a host the harness did not describe")
    if not HOST["accelerator"]:
        raise RuntimeError("Cannot access accelerator device when none is available.")
    if self._storage.pinned:
        return self
    # ATen's _pin_memory: a storage of computeStorageNbytes(sizes, strides) bytes from the
    # pinned allocator (not resizable), set_ with self's sizes and strides, then copy_.
    from ._storage import Storage
    nbytes = L.storage_extent(self._shape, self._strides, 0) * self._dtype.itemsize
    storage = Storage(nbytes, self.device, resizable=False)
    storage.pinned = True
    res = Tensor._new(storage, 0, self._shape, self._strides, self._dtype)
    with A.suspended():
        O.copy_(res, self)
    res._vc = type(res._vc)()
    if A.needs_graph(self):
        return _record(res, "PinMemoryBackward0", [self], [], lambda g: [g[0]])
    return res


def _tensor_device(d: Any) -> Any:
    """The device a tensor placed on ``d`` reports: CPU tensors have no index."""
    from ._device import CPU, canonical
    return CPU if d.type == "cpu" else canonical(d)


def _cpu(self: Tensor) -> Tensor:
    return to(self, "cpu")


def _cuda(self: Tensor, device: Any = None, non_blocking: bool = False) -> Tensor:
    return to(self, "cuda" if device is None else device)


def _unary_values(name: str, fn: Callable[[Any], Any]) -> Callable[..., Tensor]:
    op = O._unary_float(name, O._correctly_rounded(fn))
    return op


_sigmoid_forward = _unary_values("sigmoid", lambda a: 1.0 / (1.0 + np.exp(-a)))


def f_sigmoid(result: Any, a: Tensor, **_: Any) -> Plan:
    sr = S(result, output=True)

    def bw(g: list[Any]) -> list[Any]:
        y = sr.tensor
        return [O.mul(O.mul(g[0], O.sub(1, y)), y)]
    return "SigmoidBackward0", [a], [sr], bw


def _softmax_values(a: Any, dim: int, log: bool) -> Any:
    with np.errstate(all="ignore"):
        return _softmax_wide(a, dim, log)


def _softmax_wide(a: Any, dim: int, log: bool) -> Any:
    wide = a.astype(np.float64)
    m = np.max(wide, axis=dim, keepdims=True) if wide.size else wide
    e = np.exp(wide - m)
    s = np.sum(e, axis=dim, keepdims=True)
    return ((wide - m) - np.log(s) if log else e / s).astype(a.dtype)


def _softmax_forward(log: bool) -> Callable[..., Tensor]:
    def op(input: Tensor, dim: int | None = None, dtype: D.dtype | None = None,
           _stacklevel: int = 3) -> Tensor:
        if dim is None:
            raise NotModelled("softmax without dim (implicit dim warning)")
        if dtype is not None:
            input = to(input, dtype)
        if not input._dtype.is_floating_point:
            # Note: the CPU kernel ("softmax_lastdim_kernel_impl") dispatches inside a parallel
            # region, which turns its NotImplementedError into a RuntimeError; the CUDA kernel
            # ("host_softmax") raises NotImplementedError (seen on an H200, torch 2.11).
            error = NotImplementedError if input.device.type == "cuda" else RuntimeError
            raise error(O.not_implemented("softmax", input._dtype))
        d = V.wrap_dim(dim, input.dim())
        res = Tensor._empty(input._shape, input._dtype, input.device)
        if input._storage.has_data() and input.numel():
            vals = input._values()
            res._write(_softmax_values(vals, d, log) if vals.ndim else
                       (np.zeros_like(vals) if log else np.ones_like(vals)))
            res._taint(np.broadcast_to(input._unspecified_mask().any(axis=d, keepdims=True)
                                       if vals.ndim else input._unspecified_mask(), input._shape))
        return res
    op.__name__ = "log_softmax" if log else "softmax"
    return op


def f_softmax(result: Any, a: Tensor, dim: int | None = None, *args: Any, **kw: Any) -> Plan:
    sr = S(result, output=True)
    d = V.wrap_dim(dim if dim is not None else 0, a.dim())

    def bw(g: list[Any]) -> list[Any]:
        y = sr.tensor
        return [O.mul(y, O.sub(g[0], O.sum(O.mul(g[0], y), d, keepdim=True)))]
    return "SoftmaxBackward0", [a], [sr], bw


def f_log_softmax(result: Any, a: Tensor, dim: int | None = None, *args: Any, **kw: Any
                  ) -> Plan:
    sr = S(result, output=True)
    d = V.wrap_dim(dim if dim is not None else 0, a.dim())

    def bw(g: list[Any]) -> list[Any]:
        y = sr.tensor
        return [O.sub(g[0], O.mul(O.exp(y), O.sum(g[0], d, keepdim=True)))]
    return "LogSoftmaxBackward0", [a], [sr], bw


# ---- wiring --------------------------------------------------------------------------------------

def _no_formula(*args: Any, **kwargs: Any) -> Plan | None:
    """Ops with no derivative: bool results (comparisons), and scatter_ (NotModelled)."""
    return None


def _install() -> dict[str, Callable[..., Any]]:
    ops: dict[str, Callable[..., Any]] = {}
    pointwise: dict[str, Formula] = {
        "add": f_add, "sub": f_sub, "mul": f_mul, "div": f_div, "neg": f_neg, "pow": f_pow,
        "exp": f_exp, "log": f_log, "sqrt": f_sqrt, "abs": f_abs, "clamp": f_clamp}
    for name, f in pointwise.items():
        ops[name] = differentiable(getattr(O, name), f)
    for name in ("eq", "ne", "lt", "le", "gt", "ge"):
        ops[name] = differentiable(getattr(O, name), _no_formula)
    ops["where"] = differentiable(O.where, f_where)
    ops["fill_"] = differentiable(O.fill_, f_fill, inplace_self=True)
    ops["zero_"] = differentiable(O.zero_, f_zero, inplace_self=True)
    ops["copy_"] = differentiable(O.copy_, f_copy, inplace_self=True)
    ops["clone"] = differentiable(O.clone, f_clone)
    ops["sum"] = differentiable(O.sum, f_sum)
    ops["mean"] = differentiable(O.mean, f_mean)
    ops["amax"] = differentiable(O.amax, _extremum_formula("AmaxBackward0"))
    ops["amin"] = differentiable(O.amin, _extremum_formula("AminBackward0"))
    ops["mm"] = differentiable(O.mm, f_mm)
    ops["bmm"] = differentiable(O.bmm, f_bmm)
    ops["sigmoid"] = differentiable(_sigmoid_forward, f_sigmoid)
    ops["softmax"] = differentiable(_softmax_forward(False), f_softmax)
    ops["log_softmax"] = differentiable(_softmax_forward(True), f_log_softmax)
    ops["scatter_"] = differentiable(I.scatter_, _no_formula, inplace_self=True)
    for name, f in ops.items():
        if hasattr(O, name):
            setattr(O, name, f)
    O.matmul = matmul
    ops["matmul"] = matmul
    ops["contiguous"] = O.contiguous
    return ops


OPS = _install()
mm = OPS["mm"]


def _unsqueeze_to(g: Tensor, sizes: tuple[int, ...], dim: Any) -> Tensor:
    """unsqueeze_to: the gradient itself when nothing was squeezed, else unsqueezed back."""
    if dim is None:
        dims = [d for d, s in enumerate(sizes) if s == 1]
    else:
        raw = dim if isinstance(dim, (list, tuple)) else [dim]
        dims = sorted(V.wrap_dim(d, len(sizes)) for d in raw) if sizes else []
        dims = [d for d in dims if sizes[d] == 1]
    for d in dims:
        g = V.unsqueeze(g, d)
    return g


def _views() -> None:
    def inv(perm: Sequence[int]) -> list[int]:
        out = [0] * len(perm)
        for i, p in enumerate(perm):
            out[p] = i
        return out

    def norm_perm(a: Tensor, *dims: Any) -> list[int]:
        ds = dims[0] if len(dims) == 1 and isinstance(dims[0], (list, tuple)) else dims
        return [V.wrap_dim(d, a.dim()) for d in ds]

    wrap = {
        "view": view_wrapper(V.view, lambda a, *s: "ViewBackward0",
                             lambda a, *s: lambda g: V.reshape(g, a._shape)),
        "squeeze": view_wrapper(
            V.squeeze, lambda a, dim=None: "SqueezeBackward0" if dim is None else (
                "SqueezeBackward2" if isinstance(dim, (list, tuple)) else "SqueezeBackward1"),
            lambda a, dim=None: lambda g: _unsqueeze_to(g, a._shape, dim)),
        "unsqueeze": view_wrapper(V.unsqueeze, lambda a, d: "UnsqueezeBackward0",
                                  lambda a, d: lambda g: V.squeeze(
                                      g, V.wrap_dim(d, a.dim() + 1))),
        "transpose": view_wrapper(V.transpose, lambda a, d0, d1: "TransposeBackward0",
                                  lambda a, d0, d1: lambda g: V.transpose(g, d0, d1)),
        "t": view_wrapper(V.t, lambda a: "TBackward0", lambda a: lambda g: V.t(g)),
        "permute": view_wrapper(V.permute, lambda a, *d: "PermuteBackward0",
                                lambda a, *d: lambda g: V.permute(g, inv(norm_perm(a, *d)))),
        "expand": view_wrapper(V.expand, lambda a, *s: "ExpandBackward0",
                               lambda a, *s: lambda g: A.sum_to(g, a._shape)),
        "as_strided": view_wrapper(
            V.as_strided, lambda a, *s, **k: "AsStridedBackward0",
            lambda a, size, stride, storage_offset=None: (
                lambda g: _as_strided_backward(
                    g, (a._shape, a._strides, a._offset),
                    (tuple(size), tuple(stride),
                     a._offset if storage_offset is None else storage_offset))),
            numpy_only=True),
        "select": _picking_view("SelectBackward0", V.select),
        "slice_dim": _picking_view("SliceBackward0", V.slice_dim),
        "diagonal": _picking_view("DiagonalBackward0", V.diagonal),
        "unbind": _multi_view("UnbindBackward0", V.unbind),
        "split": _multi_view("SplitBackward0", V.split),
    }
    for name, f in wrap.items():
        setattr(V, name, f)
        setattr(I, name, f) if hasattr(I, name) else None
    V.swapaxes = V.swapdims = V.transpose
    V.reshape = functools.wraps(V.reshape)(_reshape)
    V.reshape.__wrapped__ = _ORIG_RESHAPE


_ORIG_RESHAPE = V.reshape
_views()
alias = differentiable(_alias, lambda r, a: ("AliasBackward0", [a], [], lambda g: [g[0]]),
                       name="alias")
index = differentiable(I.index, f_index)
I.index = index
I.index_select = differentiable(I.index_select, f_index_select)
I.masked_select = differentiable(I.masked_select, f_masked_select)
I.gather = differentiable(I.gather, f_gather)


def _attach_methods() -> None:
    for name in V.VIEW_METHODS:
        setattr(Tensor, name, getattr(V, name))
    Tensor.__getitem__ = getitem
    Tensor.__setitem__ = setitem
    Tensor.to = to
    Tensor.cpu = _cpu  # type: ignore[attr-defined]
    Tensor.cuda = _cuda  # type: ignore[attr-defined]
    Tensor.is_pinned = lambda self: bool(  # type: ignore[attr-defined]
        self.device.type == "cpu" and self._storage.pinned)
    Tensor.pin_memory = _pin_memory  # type: ignore[attr-defined]
    for name, dt in (("float", D.float32), ("double", D.float64), ("half", D.float16)):
        setattr(Tensor, name, functools.partialmethod(to, dt))
    Tensor.sigmoid = lambda self: OPS["sigmoid"](self)
    Tensor.softmax = lambda self, dim=None, dtype=None: OPS["softmax"](
        self, dim, dtype)
    Tensor.log_softmax = lambda self, dim=None, dtype=None: OPS["log_softmax"](
        self, dim, dtype)


_attach_methods()


def floor_divide(a: Any, b: Any) -> Tensor:
    """``a // b`` (floor_divide) has no derivative: torch records a ``NotImplemented`` node
    that raises when backward reaches it."""
    if not A.needs_graph(a, b):
        with A.suspended():
            return O.div(a, b, rounding_mode="floor")
    with A.suspended():
        res = O.div(a, b, rounding_mode="floor")
    if not _differentiable_dtype(res):
        return res

    def bw(g: list[Any]) -> list[Any]:
        raise RuntimeError("derivative for aten::floor_divide is not implemented")
    # Note: torch's NotImplemented node has edges only for the inputs that require grad.
    inputs = [x for x in (a, b) if _req(x)]
    return _record(res, "NotImplemented", inputs, [], bw)

