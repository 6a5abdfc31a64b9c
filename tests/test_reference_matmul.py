"""matmul of a batch by a matrix or a vector: ATen folds the batch into rows (mm, mv) only when
that needs no copy, and otherwise calls bmm, whose size and dtype errors it then raises. The
model must follow, on programs the arith family drafts (a batch sliced with a step, transposed
or expanded, times a matrix one row too long or of another dtype)."""

from __future__ import annotations

import pytest

from conformance.judge.check import PASS, check
from conformance.program import prog

BATCHES = {
    "strided": "torch.tensor([[[-4.0]], [[-1.5]]], device=dev)[::2]",
    "transposed": "torch.zeros(4, 3, 2, device=dev).transpose(0, 1)",
    "expanded": "torch.zeros(1, 3, 2, device=dev).expand(2, 3, 2)",
    "contiguous": "torch.zeros(2, 3, 2, device=dev)",
    "empty": "torch.zeros(3, 0, 2, device=dev).transpose(0, 1)",
}
OTHERS = {
    "matrix": "torch.ones(a.shape[-1], 3, device=dev)",
    "matrix, a row too many": "torch.ones(a.shape[-1] + 1, 3, device=dev)",
    "vector, one too many": "torch.ones(a.shape[-1] + 1, device=dev)",
    "matrix of float64": "torch.ones(a.shape[-1], 3, dtype=torch.float64, device=dev)",
    "vector of float64": "torch.ones(a.shape[-1], dtype=torch.float64, device=dev)",
    "matrix that requires grad, a row too many":
        "torch.ones(a.shape[-1] + 1, 3, device=dev, requires_grad=True)",
}


@pytest.mark.parametrize("other", sorted(OTHERS))
@pytest.mark.parametrize("batch", sorted(BATCHES))
def test_matmul_of_a_batch_folds_only_without_a_copy(batch: str, other: str) -> None:
    result = check(prog(f"a = {BATCHES[batch]}", f"b = {OTHERS[other]}", "r = torch.matmul(a, b)"))
    assert result.verdict == PASS, result.explain()



@pytest.mark.parametrize("out", ["torch.tensor([[-4.0]], dtype=torch.bfloat16).expand(2, 1)",
                                 "torch.zeros(1, 2, dtype=torch.bfloat16).expand(2, 2)"])
def test_an_expanded_out_is_refused_only_when_not_resized(out: str) -> None:
    """mm's out= of the wrong shape is resized (restrided contiguously) before anything is
    written, so an expanded one is not refused for overlap; one of the right shape is (seen on
    2.0.1 to 2.14.1: the first warns and writes, the second raises)."""
    result = check(prog("a = torch.ones(2, 1, dtype=torch.bfloat16)", f"o = {out}",
                        "r = torch.mm(a, a.t(), out=o)"))
    assert result.verdict == PASS, result.explain()
