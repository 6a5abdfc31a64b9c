"""The verdicts, one set for the harness, the results file and the report.

A case (one program) is PASS, MISMATCH, UNMODELLED, EXPECTED or INVALID (a program that is not
valid on its own: a NameError, a misspelt attribute of a Python builtin; conformance/judge/
check.py); a test can also be CRASH or NOT RUN, and a claim of the implementation-defined kind
ALLOWED (conformance/results/build.py). A suite test whose program is INVALID is a fault of the
suite, a CRASH in the results file. Standard library only: the report imports it without torch.
"""

PASS = "PASS"
MISMATCH = "MISMATCH"
UNMODELLED = "UNMODELLED"
EXPECTED = "EXPECTED"  # a departure an expectation entry records (conformance/expectations.toml)
CRASH = "CRASH"
NOT_RUN = "NOT RUN"
ALLOWED = "ALLOWED"
INVALID = "INVALID"  # a case only: the program itself is broken, whatever torch does

VERDICTS = (PASS, MISMATCH, UNMODELLED, CRASH, NOT_RUN, EXPECTED, ALLOWED)
# The verdicts that mean a claim does not conform (exit status 1 for a required claim).
VIOLATIONS = frozenset({CRASH, MISMATCH, UNMODELLED})
