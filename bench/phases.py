"""Where a task completion's CPU goes: this thread's CPU time spent in each phase of ``CaseRuntime.complete_task``.

``timed_phases()`` wraps, for as long as it is open, the functions that make up a completion with a timer of this
thread's CPU (``time.thread_time_ns``), and restores them on exit. A phase's time excludes the phases run inside it,
so the phases do not overlap and their sum is at most the whole; the rest is what no phase names (the runtime's own
bookkeeping, the statements' building). Each wrapper costs about a microsecond, so the figures are a little above
an unwrapped run's: read them as shares.
"""

import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task
from sqlalchemy.orm import Session

from engine.cases.audit import AuditTrail
from engine.cases.hooks import HOOKS
from engine.cases.state import CaseStateSerializer
from engine.cases.store import CaseStore
from engine.cases.task_index import IndexSync
from engine.processes.forms import FormCatalog

PHASES: dict[str, tuple[tuple[object, str], ...]] = {
    "read the task and its case (BEGIN, one SELECT)": ((CaseStore, "task_with_case"),),
    "validate the form (JSON Schema)": ((FormCatalog, "validate"),),
    "load the workflow state": ((CaseStateSerializer, "loads"),),
    "SpiffWorkflow: run the task and the engine steps": ((Task, "run"), (BpmnWorkflow, "do_engine_steps")),
    "sync the task index and timers": ((IndexSync, "changes"),),
    "save the workflow state": ((CaseStateSerializer, "dumps"),),
    "write the task, case and audit rows": (
        (CaseStore, "close_task"), (CaseStore, "apply"), (CaseStore, "save_case"), (AuditTrail, "write"),
    ),
    "commit (SQLite: WAL write and fsync)": ((Session, "commit"),),
}  # fmt: skip
"""The phases by name, each with the functions (owner, name) whose time is its own."""


@dataclass
class PhaseTimes:
    """CPU nanoseconds per phase, summed over the completions measured while the phases were timed.

    The time is exclusive: while a phase runs inside another (a script's operator writing rows during the engine
    steps), it counts for the inner one only.
    """

    ns: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    running: list[list] = field(default_factory=list)
    """The phases open now, innermost last: [phase, CPU time when it last resumed]."""

    def timed(self, phase: str, function: Callable) -> Callable:
        """``function`` timed as ``phase``."""

        def wrapper(*args, **kwargs):
            now = time.thread_time_ns()
            if self.running:
                outer = self.running[-1]
                self.ns[outer[0]] += now - outer[1]
            self.running.append([phase, now])
            try:
                return function(*args, **kwargs)
            finally:
                now = time.thread_time_ns()
                inner = self.running.pop()
                self.ns[inner[0]] += now - inner[1]
                if self.running:
                    self.running[-1][1] = now

        return wrapper


@contextmanager
def _patched(owner: object, name: str, replacement: Callable) -> Iterator[None]:
    original = getattr(owner, name)
    setattr(owner, name, replacement)
    try:
        yield
    finally:
        setattr(owner, name, original)


@contextmanager
def timed_phases() -> Iterator[PhaseTimes]:
    """Time the phases of every completion run inside the block; each after-save hook is a phase of its own."""
    times = PhaseTimes()
    with ExitStack() as stack:
        for phase, functions in PHASES.items():
            for owner, name in functions:
                stack.enter_context(_patched(owner, name, times.timed(phase, getattr(owner, name))))
        hooks = [times.timed(f"hook: {observer.__module__}.{observer.__name__}", observer)
                 for observer in HOOKS.save_observers]  # fmt: skip
        stack.enter_context(_patched(HOOKS, "save_observers", hooks))
        yield times
