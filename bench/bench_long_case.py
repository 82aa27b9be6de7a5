"""Cost of a completion late in a long case: step 200 of a loop versus step 10, and the stored state at each.

The process is ``tests/fixtures/long_checklist.bpmn``: a user task "check one item", a script that counts it and a
gateway that sends the case back to the user task until ``rounds`` items are done (3 tasks per round). Each case
starts with more rounds than it walks, so the measured steps are all ordinary rounds (the last one does not end it).
The same walk runs on ``long_checklist_deadlines.bpmn``, the same loop with a deadline on its user task: every
step then has a deadline, which the report counters read (``engine/reports/counters.py``).
For each reported step (10, 50, 100, 200) N cases are walked, untimed, to just before it, one completion per
transaction (``CaseRuntime.complete_task`` on a temporary SQLite file, document issuance off). Then the steps ±2
around each reported step are timed (wall and this thread's CPU) in rounds that visit every group in turn, and the
stored state's size is read after each: step 10 and step 200 are measured in the same seconds, so a burst of load
from elsewhere on the machine does not fall on one of them only. At each reported step the median is taken over
the cases and the steps ±2 around it.

``--compare`` runs the same walk a second time with the pruning of superseded rounds switched off
(``engine/cases/compaction.py``), so the before/after is measured in one run.

Usage: ``python bench/bench_long_case.py [--cases N] [--steps S] [--compare] [--quick]``
"""

import argparse
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from machine import cpu_model
from sqlalchemy import select
from text_table import aligned_table

import engine.cases.runtime as runtime_module
from engine.cases.enums import TaskStatus
from engine.cases.runtime import CaseRuntime
from engine.core.clock import ManualClock
from engine.core.db import make_engine, make_session_factory, transaction
from engine.core.migrate import upgrade_to_head
from engine.core.models import Case, HumanTask, User
from engine.core.settings import PROJECT_ROOT, Settings
from engine.people.auth import Actor, actor_for, create_user
from engine.people.units import create_unit
from engine.processes.deployment import deploy_bpmn
from engine.services import EngineServices, build_services

PROCESS_KEY = "long_checklist"
WITH_DEADLINES = "long_checklist_deadlines"
FIXTURES = PROJECT_ROOT / "tests" / "fixtures"
WINDOW = 2  # steps on each side of a reported step that join its median
REPORTED = (10, 50, 100, 200)


@dataclass
class Walk:
    """Per step (1-based): the completion times (ns) of every case and the stored state sizes after it."""

    label: str
    wall_ns: dict[int, list[int]] = field(default_factory=dict)
    cpu_ns: dict[int, list[int]] = field(default_factory=dict)
    state_bytes: dict[int, list[int]] = field(default_factory=dict)
    tasks_in_state: dict[int, list[int]] = field(default_factory=dict)

    def median_ms(self, step: int, samples: dict[int, list[int]]) -> float:
        """Median over the cases and the steps within WINDOW of ``step``."""
        values = [v for s in range(step - WINDOW, step + WINDOW + 1) for v in samples.get(s, [])]
        return statistics.median(values) / 1e6


@contextmanager
def pruning_switched_off():
    """The runtime without the pruning of superseded rounds: the baseline of ``--compare``."""
    saved = runtime_module.prune_superseded
    runtime_module.prune_superseded = lambda workflow: 0
    try:
        yield
    finally:
        runtime_module.prune_superseded = saved


class Bench:
    """A temporary SQLite database with the loop process deployed and one officer."""

    def __init__(self, workdir: Path) -> None:
        self.clock = ManualClock(datetime.now(UTC).replace(microsecond=0))
        self.services: EngineServices = build_services(Settings(issue_documents=False), self.clock)
        self.engine = make_engine(f"sqlite:///{workdir / 'bench.db'}")
        upgrade_to_head(self.engine)
        self.factory = make_session_factory(self.engine)
        with transaction(self.factory) as session:
            for key in (PROCESS_KEY, WITH_DEADLINES):
                path = FIXTURES / f"{key}.bpmn"
                deploy_bpmn(session, content=path.read_bytes(), filename=path.name, forms=self.services.forms)
            unit = create_unit(session, code="bench", name="Đơn vị benchmark")
            create_user(session, username="officer1", password="bench-password", roles=["officer"], units=[unit])
        with transaction(self.factory) as session:
            self.actor: Actor = actor_for(session, session.scalars(select(User)).one())

    def _ready_task_id(self, case_id: int) -> str:
        with self.factory() as session:
            query = select(HumanTask.id).where(HumanTask.case_id == case_id, HumanTask.state == TaskStatus.READY)
            return session.scalars(query).one()

    def _state_of(self, case_id: int) -> tuple[int, int]:
        with self.factory() as session:
            state = session.scalar(select(Case.state).where(Case.id == case_id))
        return len(state.encode("utf-8")), state.count('"task_spec"')

    def _start(self, title: str, process_key: str, rounds: int) -> int:
        with transaction(self.factory) as session:
            data = {"title": title, "rounds": rounds}
            return CaseRuntime(session, self.services).start_case(self.actor, process_key=process_key, data=data).id

    def _complete(self, case_id: int) -> tuple[int, int]:
        """Complete the case's open task in one transaction; its wall and CPU time (ns)."""
        task_id = self._ready_task_id(case_id)
        start, start_cpu = time.perf_counter_ns(), time.thread_time_ns()
        with transaction(self.factory) as session:
            CaseRuntime(session, self.services).complete_task(self.actor, task_id, {})
        return time.perf_counter_ns() - start, time.thread_time_ns() - start_cpu

    def walk(self, label: str, cases: int, steps: int, process_key: str = PROCESS_KEY) -> Walk:
        """For each reported step S, ``cases`` cases of ``process_key`` walked (untimed) to just before S - WINDOW;
        then the steps S - WINDOW … S + WINDOW of every case timed in rounds that take each group in turn, so a
        burst of load from elsewhere on the machine falls on step 10 and step 200 alike."""
        result = Walk(label)
        rounds = steps + WINDOW + 1  # the last timed step is an ordinary round (it does not end the case)
        groups = {
            step: [self._start(f"Danh mục dài {label} {step}.{index}", process_key, rounds) for index in range(cases)]
            for step in reported_steps(steps)
        }
        for step, case_ids in groups.items():
            for _ in range(step - WINDOW - 1):
                for case_id in case_ids:
                    self._complete(case_id)
        for offset in range(-WINDOW, WINDOW + 1):
            for step, case_ids in groups.items():
                for case_id in case_ids:
                    wall, cpu = self._complete(case_id)
                    size, tasks = self._state_of(case_id)
                    for samples, value in ((result.wall_ns, wall), (result.cpu_ns, cpu),
                                           (result.state_bytes, size), (result.tasks_in_state, tasks)):  # fmt: skip
                        samples.setdefault(step + offset, []).append(value)
        return result


def reported_steps(steps: int) -> list[int]:
    """The steps the table reports: 10, 50, 100 and 200 up to ``steps``, and ``steps`` itself."""
    return sorted({step for step in REPORTED if step <= steps} | {steps})


def report(walks: list[Walk], cases: int, steps: int) -> str:
    """The table of every walk at the reported steps, with the ratio of the last to the first."""
    reported = reported_steps(steps)
    rows = [["walk", "step", "median ms", "CPU median ms", "÷ step " + str(reported[0]), "state bytes", "tasks"]]
    for walk in walks:
        first = walk.median_ms(reported[0], walk.wall_ns)
        first_cpu = walk.median_ms(reported[0], walk.cpu_ns)
        for step in reported:
            wall, cpu = walk.median_ms(step, walk.wall_ns), walk.median_ms(step, walk.cpu_ns)
            size = statistics.median(walk.state_bytes[step])
            tasks = statistics.median(walk.tasks_in_state[step])
            ratio = f"{wall / first:.2f} (CPU {cpu / first_cpu:.2f})"
            rows.append([walk.label, str(step), f"{wall:.2f}", f"{cpu:.2f}", ratio, f"{size:.0f}", f"{tasks:.0f}"])
    last = reported[-1]
    lines = [
        f"Completion cost along a long case ({PROCESS_KEY}: 3 tasks per round), ratio step {last} ÷ step {reported[0]}",
        f"Python {platform.python_version()}, SpiffWorkflow {version('SpiffWorkflow')}, "
        f"SQLite {sqlite3.sqlite_version}, {cpu_model()} ({os.cpu_count()} cores, shared with other work)",
        f"{cases} cases × {steps} steps, one completion per transaction, document issuance off; medians over the "
        f"cases and the steps ±{WINDOW} around each reported step",
        "",
        aligned_table(rows, numeric={1, 2, 3, 5, 6}),
        "",
    ]
    for walk in walks:
        ratio = walk.median_ms(last, walk.wall_ns) / walk.median_ms(reported[0], walk.wall_ns)
        cpu_ratio = walk.median_ms(last, walk.cpu_ns) / walk.median_ms(reported[0], walk.cpu_ns)
        growth = statistics.median(walk.state_bytes[last]) / statistics.median(walk.state_bytes[reported[0]])
        lines.append(
            f"{walk.label}: step {last} ÷ step {reported[0]} = {ratio:.2f} (CPU {cpu_ratio:.2f}); "
            f"state {growth:.2f}× the size at step {reported[0]}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=5, help="cases walked in lock-step (default 5)")
    parser.add_argument("--steps", type=int, default=200, help="completions per case (default 200)")
    parser.add_argument("--compare", action="store_true", help="also walk with the pruning switched off")
    parser.add_argument("--quick", action="store_true", help="2 cases")
    args = parser.parse_args(argv)
    cases = 2 if args.quick else args.cases
    if cases < 1 or args.steps < 1 + WINDOW:
        parser.error(f"--cases must be at least 1 and --steps at least {1 + WINDOW}")
    with tempfile.TemporaryDirectory(prefix="phananh-bench-") as workdir:
        bench = Bench(Path(workdir))
        try:
            walks = [
                bench.walk("pruned (now)", cases, args.steps),
                bench.walk("a deadline on every step", cases, args.steps, WITH_DEADLINES),
            ]
            if args.compare:
                with pruning_switched_off():
                    walks.append(bench.walk("not pruned (before)", cases, args.steps))
            print(report(walks, cases, args.steps))
        finally:
            bench.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
