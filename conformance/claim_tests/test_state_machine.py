"""A state machine over a pool of live tensors: views, views of views, in-place ops, out=,
__setitem__ and fresh ops interleave, and every live tensor is compared after every step."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any

import pytest
from hypothesis import reject, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule, run_state_machine_as_test

import reference_impl
from conformance.execute.runner import NOT_MODELLED, Session
from conformance.generate.grad_strategies import GRAD_FAMILIES, GRAD_MIX, grad_source
from conformance.generate.strategies import FAMILIES, Drafter, source
from conformance.judge.check import (
    MISMATCH,
    CaseResult,
    expected_departure,
    host_facts,
    scope_for,
    sync_values,
)
from conformance.judge.expectations import active
from conformance.judge.mismatch import compare_steps
from conformance.pytest_plugin import harness, replay
from conformance.pytest_plugin.harness import META_GRADS


def described_host() -> AbstractContextManager[None]:
    """The machine runs the reference outside check(): describe this torch to it (its release,
    build and host) as check() does, for the whole run."""
    import torch
    return reference_impl.hosted(**host_facts(torch))


def machine(device: str, families: dict[str, Any] | None = None,
            mix: Sequence[str] | None = None,
            first: Callable[[Drafter], Any] = source,
            recorder: replay.Recorder | None = None) -> type[RuleBasedStateMachine]:
    """A lock-step machine over ``families`` (drawn with the weights of ``mix``); each run's
    rules and draws go to ``recorder`` (the program cache) when one is given."""
    import torch
    pool: dict[str, Any] = FAMILIES if families is None else families
    weights: list[str] = sorted(pool) if mix is None else list(mix)

    class MemorySemantics(RuleBasedStateMachine):
        """torch and the reference advance in lock step; a difference fails with the program so
        far, which Hypothesis shrinks."""

        def __init__(self) -> None:
            super().__init__()
            self.drafter: Drafter | None = None
            self.torch = Session(torch, device)
            self.expectations = active(str(torch.__version__), device, harness.current().claims)
            self.once: set[str] = set()  # once-per-process warnings torch has shown
            harness.current().examples += 1  # each run of the machine is one program
            self.failed = False
            self.run = recorder.new_run() if recorder is not None else None

        @initialize(data=st.data())
        def start(self, data: st.DataObject) -> None:
            data = replay.record_step(self.run, "start", data)
            self.drafter = Drafter(data.draw, device=device, observe=True)
            first(self.drafter)
            self._advance()

        @rule(data=st.data(), family=st.sampled_from(weights))
        def act(self, data: st.DataObject, family: str) -> None:
            assert self.drafter is not None
            data = replay.record_step(self.run, "act", data, family=family)
            self.drafter.draw = data.draw
            pool[family](self.drafter)
            self._advance()

        def _advance(self) -> None:
            assert self.drafter is not None
            ref_steps = self.drafter.session.trace.steps
            for i in range(len(self.torch.trace.steps), len(ref_steps)):
                ref = ref_steps[i]
                if ref.error and ref.error[0] == NOT_MODELLED:
                    reject()
                got = self.torch.step(self.drafter.steps[i])
                mismatches = compare_steps(i + 1, got, ref, scope_for(device), self.once)
                if i == len(ref_steps) - 1:
                    # The reference ran the whole family step ahead of torch: only after its
                    # last statement are both namespaces at the same step (syncing earlier
                    # would write torch's older values over the reference's newer ones).
                    sync_values(self.torch.namespace, self.drafter.session.namespace,
                                got.state, ref.state)
                known = expected_departure(mismatches, self.expectations, "\n".join(
                    s.code for s in self.drafter.steps[:i + 1])) if mismatches else None
                if known is not None:
                    # A recorded departure (conformance/expectations.toml): the rest of this
                    # run would only echo it.
                    harness.current().expected[known.id] = \
                        harness.current().expected.get(known.id, 0) + 1
                    reject()
                if mismatches:
                    self.failed = True
                    result = CaseResult(self.drafter.program(), device, MISMATCH, mismatches,
                                        self.torch.trace, self.drafter.session.trace)
                    harness.current().case = harness.case_json(result)
                    raise AssertionError(result.explain())

        def teardown(self) -> None:
            # Each run of the machine is one program of the test's behaviour fingerprint.
            if self.drafter is not None and self.torch.trace.steps:
                harness.fingerprint(self.drafter.program().source(device),
                                    self.torch.trace.steps, self.drafter.session.trace.steps,
                                    failing=self.failed)

    return MemorySemantics


def run_machine(make: Callable[[replay.Recorder | None], type[RuleBasedStateMachine]],
                cache: replay.Entry, steps: int, examples: int) -> None:
    """Replay the machine's recorded runs (the program cache of a derandomized profile), or
    run it under Hypothesis, recording the runs when the cache is on and storing them when it
    passes."""
    runs = cache.load()
    with described_host():
        if runs is not None:
            replay.replay_machine(make(None), runs)
            return
        recorder = replay.Recorder() if cache.on else None
        run_state_machine_as_test(make(recorder), settings=settings(
            settings(), stateful_step_count=steps, max_examples=examples))
    if recorder is not None:
        cache.store(recorder.examples)


@pytest.mark.claim("VIEW-01", "VIEW-02", "INPLACE-02", "INDEX-03", "OUT-01", "BCAST-01")
def test_memory_semantics_state_machine(device: str, stateful_examples: int,
                                        program_cache: replay.Entry) -> None:
    """Interleaved views, in-place writes, out= and assignments keep torch and the model in
    step on every observed fact."""
    # On meta only views run: meta functions compute metadata, and the kernels' dtype and
    # value checks (test_programs.KERNEL_CHECKS) run on CPU and CUDA alone.
    meta = device.split(":")[0] == "meta"
    run_machine(lambda rec: machine(device, {"view": FAMILIES["view"]} if meta else None,
                                    recorder=rec),
                program_cache, 20, stateful_examples)


@pytest.mark.no_meta(META_GRADS)
@pytest.mark.claim("GRAD-02", "GRAD-03", "GRAD-05", "GRAD-06", "GRAD-08", "GRAD-09", "MODE-01",
                   "SAVED-01", "SAVED-02", "SAVED-03", "SAVED-04", "OPTIM-01", "GRAD-11",
                   "GRAD-12", "GRAD-13", "GRAD-17", "GRAD-18", "SAVED-05", "OPTIM-04",
                   "OPTIM-05")
def test_autograd_state_machine(device: str, stateful_examples: int,
                                program_cache: replay.Entry) -> None:
    """Tensors that require grad, tracked ops, backward in every form (create_graph too), grad
    clearing (manual layouts, SGD's variants), .data and detach() writes and .data assignment,
    grad-mode blocks, tensor hooks, nn.Parameter, nn.Linear and Module.zero_grad interleave;
    grads, layouts, grad_fn graphs, leaf flags, errors and warnings are compared after every
    step."""
    run_machine(lambda rec: machine(device, GRAD_FAMILIES, GRAD_MIX, grad_source, recorder=rec),
                program_cache, 20, stateful_examples)
