"""Matrix products: ``mm``, ``bmm``, ``matmul`` (and the ``dot`` it folds into).

https://docs.pytorch.org/docs/stable/generated/torch.matmul.html
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from math import prod
from typing import Any

import numpy as np

from .._core import dtypes as D
from .._core import layout as L
from .._core.errors import NotModelled
from .._core.release import follows
from .._core.tensor import Tensor
from .iterator import (
    assert_no_internal_overlap,
    check_same_device,
    emit,
    missing_kernel,
    refuse_barebones,
)
from .views import expand


def _dtype_pair_check(a: Tensor, b: Tensor) -> None:
    if a._dtype is not b._dtype:
        # The operands' names differ by kernel ("m1 and m2" on the CPU, "mat1 and mat2" in
        # the CUDA kernel): the phrase from "to have" on is what both say.
        raise RuntimeError("to have the same dtype, but got: "
                           f"{a._dtype.c_name} != {b._dtype.c_name}")


def _product(name: str, a: Tensor, b: Tensor, shape: tuple[int, ...], out: Tensor | None,
             fn: Callable[[Any, Any], Any], extra: Sequence[Tensor] = ()) -> Tensor:
    """The product ``fn`` of ``a`` and ``b`` values (``extra``: other operands it reads)."""
    check_same_device([*extra, a, b, *([out] if out is not None else [])], iterator=False)
    refuse_barebones(name, a, b)
    if out is not None:
        if out._dtype is not a._dtype:
            raise RuntimeError(f"Expected out tensor to have dtype {a._dtype.c_name}, "
                               f"but got {out._dtype.c_name} instead")
        if tuple(out._shape) == tuple(shape) and out.device.type != "meta":
            # An out= of another shape is resized first (contiguous strides): nothing left
            # to overlap (seen on torch 2.13: mm into an expanded (2, 1) out of a (2, 2)
            # product warns, resizes and writes). The check is the CPU and CUDA kernels'
            # (the meta function writes nothing and makes none).
            assert_no_internal_overlap(out)

    def kernel() -> Any:
        runs = all(s != 0 for s in shape) and a.numel() and b.numel()
        # Note: dot dispatches on dtype before looking at sizes; the others run no kernel
        # for empty operands.
        # Note: the CPU kernels have no bool instance; cuBLAS has no integer products either
        # (on CUDA every integer dtype raises as bool does: seen on an H200, torch 2.11).
        # Meta tensors run only shape functions, which have no dtype to lack (seen on 2.13:
        # mm, bmm and mv of bool meta tensors succeed).
        no_kernel = a.device.type != "meta" and (
            a._dtype is D.bool_ or (a.device.type == "cuda" and a._dtype.kind in "iu"))
        if no_kernel and (runs or _bool_kernel(name, a.dim(), b.dim()) == "dot"):
            raise missing_kernel(_bool_kernel(name, a.dim(), b.dim()), a._dtype)
        if not (a._storage.has_data() and b._storage.has_data()):
            return None
        with np.errstate(all="ignore"):
            return fn(a._values(), b._values())
    return emit(shape, a._dtype, a.device, kernel, out=out, sources=[*extra, a, b])


def _bool_kernel(name: str, da: int, db: int) -> str:
    """The CPU kernel a product of bool tensors reaches (none has a bool instance); on CUDA
    they are "baddbmm_cuda", "dot", "addmv_impl_cuda" and "addmm_cuda"."""
    if name == "bmm" or (name == "matmul" and db >= 3):
        return "bmm"
    if name == "mv":
        return "addmv_impl_cpu"
    if name == "matmul" and da == 1 and db == 1:
        return "dot"
    if name == "matmul" and db == 1:
        return "addmv_impl_cpu"
    return "addmm_impl_cpu_"


def _addmv_dtype_message(mat: Tensor, vec: Tensor) -> str:
    v, m = vec._dtype.scalar_type, mat._dtype.scalar_type
    return f"addmv input tensors must have the same dtype, but got {v}, {m}, and {v}"


def mm(input: Tensor, mat2: Tensor, *, out: Tensor | None = None) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.mm.html
    "This function does not broadcast." Both operands are matrices of one dtype."""
    if input.dim() != 2:
        raise RuntimeError("self must be a matrix")
    if mat2.dim() != 2:
        raise RuntimeError("mat2 must be a matrix")
    if input._shape[1] != mat2._shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({input._shape[0]}x"
                           f"{input._shape[1]} and {mat2._shape[0]}x{mat2._shape[1]})")
    _dtype_pair_check(input, mat2)
    return _product("mm", input, mat2, (input._shape[0], mat2._shape[1]), out, np.matmul)


def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta: Any = 1, alpha: Any = 1,
          out: Tensor | None = None) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.addmm.html
    "out = beta * input + alpha * (mat1 @ mat2)"; input broadcasts to the product's shape (the
    checks of ATen's ADDMM_META, in its order)."""
    if out is not None:
        raise NotModelled("addmm(out=...)")
    for first, name in ((input, "self"), (mat1, "mat1")):
        if first._dtype is not mat2._dtype:
            raise RuntimeError(f"{name} and mat2 must have the same dtype, but got "
                               f"{first._dtype.scalar_type} and {mat2._dtype.scalar_type}")
    for m, name in ((mat1, "mat1"), (mat2, "mat2")):
        if m.dim() != 2:
            raise RuntimeError(f"{name} must be a matrix, got {m.dim()}-D tensor")
    if mat1._shape[1] != mat2._shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({mat1._shape[0]}x"
                           f"{mat1._shape[1]} and {mat2._shape[0]}x{mat2._shape[1]})")
    shape = (mat1._shape[0], mat2._shape[1])
    bias = expand(input, *shape)  # raises expand's error when input does not broadcast

    def fn(a: Any, b: Any) -> Any:
        product = alpha * np.matmul(a, b)
        # "If beta is 0, then input will be ignored, and nan and inf in it will not be
        # propagated."
        return product if beta == 0 else beta * bias._values() + product
    return _product("addmm", mat1, mat2, shape, None, fn, extra=[input])


def mv(input: Tensor, vec: Tensor, *, out: Tensor | None = None) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.mv.html
    "Performs a matrix-vector product of the matrix input and the vector vec. If input is a
    (n x m) tensor, vec is a 1-D tensor of size m, out will be 1-D of size n." "This function
    does not broadcast." ATen computes it as addmv into the result (or ``out``), whose dtype
    its message names first."""
    if input.dim() == 0 and input.device.type != "meta":
        # The CPU and CUDA kernels read input.size(0) before checking dims (seen on torch
        # 2.13); the meta function checks dims first.
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    if input.dim() != 2 or vec.dim() != 1:
        raise RuntimeError("vector + matrix @ vector expected, got 1, "
                           f"{input.dim()}, {vec.dim()}")
    (n, m), k = input._shape, vec._shape[0]
    if m != k:
        # The meta function words the same check without the result's size.
        raise RuntimeError(f"size mismatch, got input ({n}x{m}), vec ({k})"
                           if input.device.type == "meta" else
                           f"size mismatch, got input ({n}), mat ({n}x{m}), vec ({k})")
    first = out if out is not None else vec
    if input._dtype is not vec._dtype or first._dtype is not vec._dtype:
        if input.device.type == "meta":
            raise NotModelled("mv of mixed dtypes on meta (its meta function checks none)")
        raise RuntimeError("addmv input tensors must have the same dtype, but got "
                           f"{first._dtype.scalar_type}, {input._dtype.scalar_type}, and "
                           f"{vec._dtype.scalar_type}")
    return _product("mv", input, vec, (n,), out, np.matmul)


def bmm(input: Tensor, mat2: Tensor, *, out: Tensor | None = None) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.bmm.html
    "This function does not broadcast." """
    if input.dim() != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if mat2.dim() != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    bs, n, m = input._shape
    if mat2._shape[:2] != (bs, m):
        raise RuntimeError("Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{bs}, {m}] but got: [{mat2._shape[0]}, {mat2._shape[1]}].")
    if input._dtype is not mat2._dtype:
        raise RuntimeError(f"expected scalar type {input._dtype.scalar_type} but found "
                           f"{mat2._dtype.scalar_type}")
    return _product("bmm", input, mat2, (bs, n, mat2._shape[2]), out, np.matmul)


def matmul(input: Tensor, other: Tensor, *, out: Tensor | None = None,
           other_requires_grad: bool = False) -> Tensor:
    """https://docs.pytorch.org/docs/stable/generated/torch.matmul.html
    Dispatches on dimensionality (dot, mv, mm, batched with broadcasting). Whether ``other``
    requires grad decides how a batch is folded; the caller, which knows autograd, says."""
    da, db = input.dim(), other.dim()
    if da == 0 or db == 0:
        raise RuntimeError("both arguments to matmul need to be at least 1D, but they are "
                           f"{da}D and {db}D")
    if da == 1 and db == 1:
        # dot checks the dtypes before the sizes.
        if input._dtype is not other._dtype:
            raise RuntimeError("dot : expected both vectors to have same dtype, but found "
                               f"{input._dtype.scalar_type} and "
                               f"{other._dtype.scalar_type}")
        if input._shape != other._shape:
            raise RuntimeError(
                f"inconsistent tensor size, expected tensor [{input._shape[0]}] and src "
                f"[{other._shape[0]}] to have the same number of elements, but got "
                f"{input._shape[0]} and {other._shape[0]} elements respectively")
        return _product("matmul", input, other, (), out, np.matmul)
    if da >= 3 and db <= 2 and not _matmul_folds(input, other_requires_grad, out):
        # Note: ATen folds input's batch dims into the rows of one mm or mv only when that
        # needs no copy (should_fold in aten/src/ATen/native/LinearAlgebra.cpp; observed on
        # torch 2.13: a strided batch by a matrix raises bmm's size and dtype errors);
        # otherwise it expands other and calls bmm, whose checks and messages are bmm's.
        b, k = prod(input._shape[:-2]), input._shape[-1]
        m2 = other._shape[0] if db == 1 else other._shape[-2]
        if k != m2:
            raise RuntimeError("Expected size for first two dimensions of batch2 tensor to be: "
                               f"[{b}, {k}] but got: [{b}, {m2}].")
        if input._dtype is not other._dtype:
            raise RuntimeError(f"expected scalar type {input._dtype.scalar_type} but "
                               f"found {other._dtype.scalar_type}")
    if da >= 2 and db == 1:
        # matmul folds the batch dims into the rows of one matrix-vector product.
        rows, k = prod(input._shape[:-1]), input._shape[-1]
        if k != other._shape[0]:
            raise RuntimeError(f"size mismatch, got input ({rows}), mat ({rows}x{k}), vec "
                               f"({other._shape[0]})")
        if input._dtype is not other._dtype:
            raise RuntimeError(_addmv_dtype_message(input, other))
        return _product("matmul", input, other, input._shape[:-1], out, np.matmul)
    shape = _matmul_shape(input, other)
    res = _product("matmul", input, other, shape, out, np.matmul)
    if da == 1 and db == 2 and out is None:
        # Note: ATen computes vector @ matrix as mm(a.unsqueeze(0), b).squeeze_(0); the in-place
        # squeeze_ leaves the fresh result at version 1 (observed on torch 2.13).
        res._vc.bump()
    return res


def _matmul_folds(input: Tensor, other_requires_grad: bool, out: Tensor | None) -> bool:
    """Whether matmul of a batch (3 or more dims) by a matrix or vector folds the batch into
    rows: when other requires grad (without out=), when input is empty, or when its leading dims
    view as rows without a copy (each stride is the next one times the next size)."""
    if other_requires_grad and out is None:
        return True
    if input.numel() == 0:
        return True
    shape, strides = input._shape, input._strides
    if follows("matmul-folds-viewable-batch"):
        # From 2.14 the leading dims fold when they can be viewed as rows: size-1 dims, whose
        # strides address nothing, are left out of the test.
        dims = [i for i in range(len(shape) - 1) if shape[i] != 1]
        return all(strides[a] == strides[b] * shape[b] for a, b in zip(dims, dims[1:]))
    return all(strides[i] == strides[i + 1] * shape[i + 1] for i in range(len(shape) - 2))


def _matmul_shape(input: Tensor, other: Tensor) -> tuple[int, ...]:
    """The checks and the result shape of a matmul that is neither dot nor matrix-vector."""
    da, db = input.dim(), other.dim()
    if db >= 3:
        # Batched: the batch dims broadcast first, then bmm checks the flattened batches.
        batch_dims = L.broadcast_shapes(input._shape[:-2], other._shape[:-2])
        if input._shape[-1] != other._shape[-2]:
            b = prod(batch_dims)
            raise RuntimeError("Expected size for first two dimensions of batch2 tensor to be: "
                               f"[{b}, {input._shape[-1]}] but got: [{b}, {other._shape[-2]}].")
    if db >= 2 and input._shape[-1] != other._shape[-2]:
        rows = prod(input._shape[:-1])
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x"
                           f"{input._shape[-1]} and {other._shape[-2]}x{other._shape[-1]})")
    if da >= 3 and db >= 3:
        batch = L.broadcast_shapes(input._shape[:-2], other._shape[:-2])
    else:
        batch = None
    if input._dtype is not other._dtype:
        # Which kernel matmul folds into decides the message.
        if db == 1:
            raise RuntimeError(_addmv_dtype_message(input, other))
        if db >= 3:
            raise RuntimeError(f"expected scalar type {input._dtype.scalar_type} but "
                               f"found {other._dtype.scalar_type}")
        _dtype_pair_check(input, other)
    a_shape = input._shape if da > 1 else (1,) + input._shape
    b_shape = other._shape if db > 1 else other._shape + (1,)
    batch = L.broadcast_shapes(a_shape[:-2], b_shape[:-2]) if batch is None else batch
    return batch + ((a_shape[-2],) if da > 1 else ()) + ((b_shape[-1],) if db > 1 else ())
