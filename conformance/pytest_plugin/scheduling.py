"""pytest-xdist's load scheduling, made safe when two workers die at once.

When a worker dies, pytest-xdist hands its unfinished tests to the other workers at once. If
one of those has died too, but its death has not been handled yet, sending to it raises
``OSError: cannot send (already closed?)``; pytest-xdist (3.8) lets that become an
INTERNALERROR that ends the run with no outcome for any test still pending (a CI run saw it
with 17 tests that each abort their worker). Here a send that fails leaves the tests pending:
the dead worker's own death is handled next, and its replacement or another worker runs them.
"""

from __future__ import annotations

from typing import Any

from xdist.scheduler import LoadScheduling


class CrashSafeLoadScheduling(LoadScheduling):
    """``--dist load`` whose sends to a worker that has already died are not an error."""

    def _send_tests(self, node: Any, num: int) -> None:
        tests = self.pending[:num]
        if not tests:
            return
        try:
            node.send_runtest_some(tests)
        except OSError:  # the worker is gone; its pending tests stay pending
            return
        del self.pending[:num]
        self.node2pending[node].extend(tests)


def make_scheduler(config: Any, log: Any) -> Any:
    """The scheduler for ``--dist load`` (what ``-n N`` means); None for other modes."""
    if config.getvalue("dist") == "load":
        return CrashSafeLoadScheduling(config, log)
    return None
