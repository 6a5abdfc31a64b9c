"""Backward formulas, registered by op name with ``@derivative`` (the table the recording
wrapper reads, ``reference_impl._autograd.record.FORMULAS``)."""

from . import ordering, pointwise, random, reductions, views

__all__ = ["ordering", "pointwise", "random", "reductions", "views"]
