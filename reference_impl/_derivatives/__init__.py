"""Backward formulas, registered by op name with ``@derivative`` (the table the recording
wrapper reads, ``reference_impl._autograd.record.FORMULAS``)."""

from . import ordering, pointwise, reductions, views

__all__ = ["ordering", "pointwise", "reductions", "views"]
