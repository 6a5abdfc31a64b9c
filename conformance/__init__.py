"""torch-conformance: checks that the installed torch behaves as its documentation says.

A reference model of the documented semantics (``reference_impl``) runs the same generated
programs as torch; every observable fact of both runs is compared.
"""

__version__ = "0.1.0"
