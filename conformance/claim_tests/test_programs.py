"""Random programs of each op family, checked fact by fact against the reference."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conformance.generate.strategies import programs
from conformance.pytest_plugin.harness import assert_conforms

# Why the families that compute values do not run on meta.
KERNEL_CHECKS = ("meta functions compute metadata only: the kernels' dtype and value checks "
                 "(clamp of complex, bool subtraction, overflow) run on CPU and CUDA alone")


@pytest.mark.claim("VIEW-01", "VIEW-02", "VIEW-04", "RESHAPE-01", "INDEX-01")
@given(data=st.data())
def test_view_programs(data: st.DataObject, device: str) -> None:
    """Chains of view ops: shapes, strides, offsets, aliasing and version counters."""
    assert_conforms(data.draw(programs(("view",)), label="program"), device)


@pytest.mark.no_meta(KERNEL_CHECKS)
@pytest.mark.claim("INDEX-02", "INDEX-04", "INDEX-05", "INDEX-06", "INDEX-07")
@given(data=st.data())
def test_index_programs(data: st.DataObject, device: str) -> None:
    """Advanced indexing and the indexing functions return fresh tensors with torch's layout."""
    assert_conforms(data.draw(programs(("index", "view")), label="program"), device)


@pytest.mark.no_meta(KERNEL_CHECKS)
@pytest.mark.claim("INPLACE-01", "INPLACE-02", "INPLACE-03", "INPLACE-04", "INPLACE-05")
@given(data=st.data())
def test_inplace_programs(data: st.DataObject, device: str) -> None:
    """In-place ops on views and bases."""
    assert_conforms(data.draw(programs(("inplace", "view")), label="program"), device)


@pytest.mark.no_meta(KERNEL_CHECKS)
@pytest.mark.claim("INDEX-03")
@given(data=st.data())
def test_setitem_programs(data: st.DataObject, device: str) -> None:
    """Assignment through indexing writes in place."""
    assert_conforms(data.draw(programs(("setitem", "view")), label="program"), device)


@pytest.mark.no_meta(KERNEL_CHECKS)
@pytest.mark.claim("OUT-01", "OUT-02", "OUT-03", "OUT-04")
@given(data=st.data())
def test_out_programs(data: st.DataObject, device: str) -> None:
    """out= returns out, resizes it (warning when non-empty), checks casting and overlap."""
    assert_conforms(data.draw(programs(("out", "view")), label="program"), device)


@pytest.mark.no_meta(KERNEL_CHECKS)
@pytest.mark.claim("BCAST-01", "BCAST-02", "BCAST-03", "MATH-01", "MATH-02", "MATH-03",
                   "MATH-04", "MATH-05", "MATH-06", "ITEM-01", "ITEM-02")
@given(data=st.data())
def test_arith_programs(data: st.DataObject, device: str) -> None:
    """Fresh ops: broadcasting, promotion, values, result layouts and errors."""
    assert_conforms(data.draw(programs(("arith", "view")), label="program"), device)
