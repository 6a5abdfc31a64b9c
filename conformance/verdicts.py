"""The verdicts, one set for the harness, the results file and the report.

A case (one program) is PASS, MISMATCH, UNMODELLED or EXPECTED (conformance/check.py); a test
can also be CRASH or NOT RUN, and a claim of the implementation-defined kind ALLOWED
(conformance/results.py). Standard library only: the report imports it without torch.
"""

PASS = "PASS"
MISMATCH = "MISMATCH"
UNMODELLED = "UNMODELLED"
EXPECTED = "EXPECTED"  # a departure an expectation entry records (conformance/expectations.toml)
CRASH = "CRASH"
NOT_RUN = "NOT RUN"
ALLOWED = "ALLOWED"

VERDICTS = (PASS, MISMATCH, UNMODELLED, CRASH, NOT_RUN, EXPECTED, ALLOWED)
# The verdicts that mean a claim does not conform (exit status 1 for a required claim).
VIOLATIONS = frozenset({CRASH, MISMATCH, UNMODELLED})
