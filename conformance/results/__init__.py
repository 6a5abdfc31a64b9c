"""Results: the results document built from a run's per-test entries (build.py, schema
``torch-conformance/results``), the environment of a run, and the file on disk."""

from ..verdicts import (  # the results file's vocabulary
    ALLOWED,
    CRASH,
    EXPECTED,
    MISMATCH,
    NOT_RUN,
    PASS,
    UNMODELLED,
    VERDICTS,
    VIOLATIONS,
)
from .build import (
    MAX_CASES,
    SEVERITY,
    build,
    claim_json,
    expectation_status,
    summary_counts,
    test_verdict,
)
from .files import SCHEMA, SCHEMA_VERSION, ResultsError, dumps, load, now, validate, write_atomic
