"""Cost of one task completion: our runtime on SQLite versus a raw SpiffWorkflow full-JSON round trip.

Ours:     ``with transaction(factory) as s: CaseRuntime(s, services).complete_task(actor, task_id, data)``
          (load case + state, validate, complete, engine steps, task index/timers/audit, persist, commit).
Baseline: ``deserialize_json`` of the full default serialization (spec included), complete the same task,
          ``do_engine_steps``, ``serialize_json``; no database.

Document issuance (LibreOffice convert + sign, named by a process's ``documentKinds``) is switched off for this
bench (``Settings(issue_documents=False)``, as PHANANH_ISSUE_DOCUMENTS=false): raw SpiffWorkflow does not issue
documents, and issuance has its own benches (bench_documents.py, bench_issuance.py).

Both run on the same case states (the baseline workflow of case i is walked with the same data as our case i),
with the same clock, alternating ABAB/BABA by case index after a few warm-up rounds.

``--phases`` also times our completion phase by phase (``bench/phases.py``: load, SpiffWorkflow, hooks, writes,
commit, …) next to the raw baseline's three parts, on fresh cases of the late scenario.

Usage: ``python bench/bench_engine.py [--cases N] [--quick] [--phases] [--profile]``
"""

import argparse
import cProfile
import gc
import io
import os
import platform
import pstats
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from uuid import UUID

from machine import cpu_model
from phases import timed_phases
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from text_table import aligned_table

from engine import demo
from engine.cases.enums import TaskStatus
from engine.cases.identity import split_identity
from engine.cases.runtime import CaseRuntime
from engine.core.clock import ManualClock
from engine.core.db import make_engine, make_session_factory, transaction
from engine.core.migrate import upgrade_to_head
from engine.core.models import Case, HumanTask, User
from engine.core.settings import Settings
from engine.people.auth import Actor, actor_for, create_user
from engine.people.units import create_unit
from engine.processes.deployment import deploy_path
from engine.services import EngineServices, build_services

PROCESS_KEY = "report_1374"
BPMN_FILE = Settings().processes_dir / f"{PROCESS_KEY}.bpmn"
WARMUP = 5
PROFILE_CASES = 20

SCREEN = ("screen_report", "officer1", demo.SCREEN_IN)
ASSIGN = ("assign_verification", "lead1", demo.ASSIGN)
VERIFY = ("verify_report", "officer1", demo.VERIFY)
CONCLUDE = ("conclude_verification", "officer1", demo.CONCLUDE)
APPROVE = ("approve_conclusion", "supervisor1", demo.APPROVE)


@dataclass
class Scenario:
    """One measured step: the steps walked before it (untimed) and the step itself (timed)."""

    label: str
    before: tuple[tuple[str, str, dict], ...]
    step: tuple[str, str, dict]


SCENARIOS = (
    Scenario("screen_report (early, small tree)", (), SCREEN),
    Scenario("approve_conclusion (late, larger tree)", (SCREEN, ASSIGN, VERIFY, CONCLUDE), APPROVE),
)


@dataclass
class Prepared:
    """One case ready at the measured step, in both worlds."""

    case_id: int
    task_id: str
    stored_state_bytes: int
    full_json: str


@dataclass
class Result:
    """Timings (ns) and state sizes of one scenario."""

    label: str
    ours_ns: list[int] = field(default_factory=list)
    raw_ns: list[int] = field(default_factory=list)
    ours_cpu_ns: list[int] = field(default_factory=list)
    raw_cpu_ns: list[int] = field(default_factory=list)
    stored_bytes: list[int] = field(default_factory=list)
    full_bytes: list[int] = field(default_factory=list)


class Bench:
    """A temporary SQLite database with the process deployed, three users, and the parsed raw spec."""

    def __init__(self, workdir: Path) -> None:
        self.clock = ManualClock(datetime.now(UTC).replace(microsecond=0))
        self.settings = Settings(issue_documents=False)  # issuance is not engine overhead (see the docstring)
        self.services: EngineServices = build_services(self.settings, self.clock)
        url = f"sqlite:///{workdir / 'bench.db'}"
        self.engine = make_engine(url)
        upgrade_to_head(self.engine)
        self.factory = make_session_factory(self.engine)
        with transaction(self.factory) as session:
            deploy_path(session, Settings().processes_dir, forms=self.services.forms)
            unit = create_unit(session, code="bench", name="Đơn vị benchmark")
            for username, role in (("officer1", "officer"), ("lead1", "team_lead"), ("supervisor1", "supervisor")):
                create_user(session, username=username, password="bench-password", roles=[role], units=[unit])
        with transaction(self.factory) as session:
            self.actors: dict[str, Actor] = {u.username: actor_for(session, u) for u in session.scalars(select(User))}
        parser = SpiffBpmnParser()
        parser.add_bpmn_files([str(BPMN_FILE)])
        self.spec = parser.get_spec(PROCESS_KEY)
        self.subprocess_specs = parser.get_subprocess_specs(PROCESS_KEY)
        self.serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))

    # ---- set-up (untimed) --------------------------------------------------------------------------------

    def _ready_task_id(self, case_id: int, spec_name: str) -> str:
        with transaction(self.factory) as session:
            task = session.scalars(
                select(HumanTask).where(
                    HumanTask.case_id == case_id, HumanTask.state == TaskStatus.READY, HumanTask.spec_name == spec_name
                )
            ).first()
            if task is None:
                raise RuntimeError(f"case {case_id} has no ready task '{spec_name}'")
            return task.id

    def _raw_ready(self, workflow: BpmnWorkflow, spec_name: str):
        tasks = workflow.get_tasks(state=TaskState.READY, spec_name=spec_name)
        if len(tasks) != 1:
            raise RuntimeError(f"raw workflow has {len(tasks)} ready '{spec_name}' tasks")
        return tasks[0]

    def prepare(self, scenario: Scenario, index: int) -> Prepared:
        """Walk one case of ours and one raw workflow to the scenario's step with the same data."""
        data = {**demo.INTAKE, "title": f"Benchmark case {index}", "description": f"Benchmark case {index}"}
        with transaction(self.factory) as session:
            case_id = (
                CaseRuntime(session, self.services)
                .start_case(self.actors["officer1"], process_key=PROCESS_KEY, data=data)
                .id
            )
        for spec_name, username, form in scenario.before:
            task_id = self._ready_task_id(case_id, spec_name)
            with transaction(self.factory) as session:
                CaseRuntime(session, self.services).complete_task(self.actors[username], task_id, form)
        task_id = self._ready_task_id(case_id, scenario.step[0])
        with transaction(self.factory) as session:
            stored = session.get(Case, case_id).state

        workflow = BpmnWorkflow(self.spec, self.subprocess_specs, script_engine=self.services.script_engine())
        case_data, _identity = split_identity(data)
        for task in workflow.get_tasks(state=TaskState.READY):
            task.data.update(case_data)
            task.data["remote_area"] = False  # what our runtime adds at the start (the unit is not remote)
        workflow.do_engine_steps()
        for spec_name, _username, form in scenario.before:
            task = self._raw_ready(workflow, spec_name)
            task.data.update(form)
            task.run()
            workflow.do_engine_steps()
        raw_task = self._raw_ready(workflow, scenario.step[0])
        if dict(raw_task.data) != self._our_ready_data(stored, task_id):
            raise RuntimeError(f"case {case_id}: raw workflow data differs from ours at {scenario.step[0]}")
        return Prepared(case_id, task_id, len(stored.encode("utf-8")), self.serializer.serialize_json(workflow))

    def _our_ready_data(self, stored: str, task_id: str) -> dict:
        workflow = self.services.states.loads(stored, self.spec, self.subprocess_specs, self.services.script_engine())
        return dict(workflow.get_task_from_id(UUID(task_id)).data)

    # ---- measured operations ------------------------------------------------------------------------------

    def ours(self, prepared: Prepared, actor: Actor, data: dict) -> tuple[int, int]:
        start, start_cpu = time.perf_counter_ns(), time.thread_time_ns()
        with transaction(self.factory) as session:
            CaseRuntime(session, self.services).complete_task(actor, prepared.task_id, data)
        return time.perf_counter_ns() - start, time.thread_time_ns() - start_cpu

    def raw(self, prepared: Prepared, spec_name: str, data: dict) -> tuple[int, int]:
        """The raw baseline's wall and CPU time (ns) on one case."""
        start = time.perf_counter_ns()
        parts = self.raw_parts(prepared, spec_name, data)
        return time.perf_counter_ns() - start, sum(parts.values())

    def run(self, scenario: Scenario, cases: int) -> Result:
        spec_name, username, data = scenario.step
        actor = self.actors[username]
        prepared = [self.prepare(scenario, i) for i in range(WARMUP + cases)]
        result = Result(scenario.label)
        gc.collect()
        for i, item in enumerate(prepared):
            measure: list[tuple[list[int], list[int], Callable[[], tuple[int, int]]]] = [
                (result.ours_ns, result.ours_cpu_ns, lambda item=item: self.ours(item, actor, dict(data))),
                (result.raw_ns, result.raw_cpu_ns, lambda item=item: self.raw(item, spec_name, dict(data))),
            ]
            if i % 2:
                measure.reverse()
            for wall_sink, cpu_sink, op in measure:
                wall, cpu = op()
                if i >= WARMUP:
                    wall_sink.append(wall)
                    cpu_sink.append(cpu)
            if i >= WARMUP:
                result.stored_bytes.append(item.stored_state_bytes)
                result.full_bytes.append(len(item.full_json.encode("utf-8")))
        return result

    def raw_parts(self, prepared: Prepared, spec_name: str, data: dict) -> dict[str, int]:
        """The raw baseline on one case: deserialize the full JSON, complete the task, run the engine steps,
        serialize; the CPU (ns) of each of its three parts."""
        marks = [time.thread_time_ns()]
        workflow = self.serializer.deserialize_json(prepared.full_json)
        workflow.script_engine = self.services.script_engine()
        marks.append(time.thread_time_ns())
        task = workflow.get_tasks(state=TaskState.READY, spec_name=spec_name)[0]
        task.data.update(data)
        task.run()
        workflow.do_engine_steps()
        marks.append(time.thread_time_ns())
        self.serializer.serialize_json(workflow)
        marks.append(time.thread_time_ns())
        names = ("raw: deserialize the full JSON (spec included)", "raw: run the task and the engine steps",
                 "raw: serialize the full JSON")  # fmt: skip
        return {name: marks[i + 1] - marks[i] for i, name in enumerate(names)}

    def phases(self, scenario: Scenario, cases: int) -> str:
        """Where our completion's CPU goes, phase by phase (``bench/phases.py``), next to the raw baseline's parts."""
        spec_name, username, data = scenario.step
        prepared = [self.prepare(scenario, 20_000 + i) for i in range(WARMUP + cases)]
        ours_total, raw = 0, dict[str, int]()
        with timed_phases() as times:
            for index, item in enumerate(prepared):
                _wall, cpu = self.ours(item, self.actors[username], dict(data))
                if index == WARMUP - 1:
                    times.ns.clear()
                if index >= WARMUP:
                    ours_total += cpu
        for item in prepared[WARMUP:]:  # the same case states, outside the timed phases (SpiffWorkflow's are shared)
            for part, ns in self.raw_parts(item, spec_name, dict(data)).items():
                raw[part] = raw.get(part, 0) + ns
        named = sum(times.ns.values())
        rows = [["part", "CPU ms per completion", "share of ours"]]
        for phase, ns in sorted(times.ns.items(), key=lambda item: -item[1]):
            rows.append([phase, f"{ns / cases / 1e6:.3f}", f"{100 * ns / ours_total:.1f} %"])
        rest = ours_total - named
        rows.append(["the rest (runtime bookkeeping, statements' building)", f"{rest / cases / 1e6:.3f}",
                     f"{100 * rest / ours_total:.1f} %"])  # fmt: skip
        rows.append(["ours, whole completion", f"{ours_total / cases / 1e6:.3f}", "100.0 %"])
        for part, ns in raw.items():
            rows.append([part, f"{ns / cases / 1e6:.3f}", ""])
        rows.append(["raw SpiffWorkflow, whole round trip", f"{sum(raw.values()) / cases / 1e6:.3f}", ""])
        title = f"\n== Where our completion's CPU goes: {scenario.label}, {cases} completions (bench/phases.py) =="
        return "\n".join([title, aligned_table(rows, numeric={1, 2})])

    def profile(self, scenario: Scenario, cases: int) -> str:
        """cProfile of our completion on fresh cases of a scenario."""
        spec_name, username, data = scenario.step
        prepared = [self.prepare(scenario, 10_000 + i) for i in range(cases)]
        profiler = cProfile.Profile()
        for item in prepared:
            profiler.enable()
            self.ours(item, self.actors[username], dict(data))
            profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).strip_dirs()
        out.write(f"\n== cProfile: our complete_task, {scenario.label}, {cases} completions ==\n")
        stats.sort_stats("cumulative").print_stats(30)
        stats.sort_stats("tottime").print_stats(20)
        return out.getvalue()


# ---- output ------------------------------------------------------------------------------------------------


def _ms(samples: list[int], q: float) -> float:
    ordered = sorted(samples)
    position = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[position] / 1e6


def report(results: list[Result], cases: int, goal: float) -> tuple[str, float]:
    rows = [
        ["scenario", "implementation", "n", "median ms", "p90 ms", "ops/s", "ratio (median)", "ratio (p90)"]
        + ["CPU median ms", "ratio (CPU)"]
    ]
    worst = worst_cpu = 0.0
    for result in results:
        raw_median, raw_p90 = statistics.median(result.raw_ns) / 1e6, _ms(result.raw_ns, 0.9)
        ours_median, ours_p90 = statistics.median(result.ours_ns) / 1e6, _ms(result.ours_ns, 0.9)
        raw_cpu, ours_cpu = statistics.median(result.raw_cpu_ns) / 1e6, statistics.median(result.ours_cpu_ns) / 1e6
        ratio, ratio_p90, ratio_cpu = ours_median / raw_median, ours_p90 / raw_p90, ours_cpu / raw_cpu
        worst, worst_cpu = max(worst, ratio), max(worst_cpu, ratio_cpu)
        for name, median, p90, r, r90, cpu, rcpu in (
            (
                "ours: SQLite txn",
                ours_median,
                ours_p90,
                f"{ratio:.2f}",
                f"{ratio_p90:.2f}",
                ours_cpu,
                f"{ratio_cpu:.2f}",
            ),
            ("raw SpiffWorkflow JSON", raw_median, raw_p90, "1.00", "1.00", raw_cpu, "1.00"),
        ):
            rows.append(
                [result.label, name, str(len(result.ours_ns)), f"{median:.2f}", f"{p90:.2f}", f"{1000 / median:.0f}"]
                + [r, r90, f"{cpu:.2f}", rcpu]
            )
    sizes = [["scenario", "our stored state (bytes)", "full SpiffWorkflow JSON (bytes)", "ours / full"]]
    for result in results:
        ours_b, full_b = statistics.median(result.stored_bytes), statistics.median(result.full_bytes)
        sizes.append([result.label, f"{ours_b:.0f}", f"{full_b:.0f}", f"{ours_b / full_b:.2f}"])
    text = "\n".join(
        [
            "Task completion cost: our runtime (SQLite, one transaction) vs raw SpiffWorkflow (full JSON round trip)",
            f"Python {platform.python_version()} ({platform.python_implementation()}), "
            f"SpiffWorkflow {version('SpiffWorkflow')}, SQLAlchemy {version('SQLAlchemy')}, "
            f"SQLite {sqlite3.sqlite_version}, {platform.machine()}, {cpu_model()} ({os.cpu_count()} cores, shared)",
            f"iterations: {cases} per scenario and implementation (after {WARMUP} warm-up rounds), "
            "alternating ABAB/BABA by case index",
            "document issuance: off (issue_documents=False; raw SpiffWorkflow issues none; "
            "see bench_documents.py, bench_issuance.py)",
            "",
            aligned_table(rows, numeric={2, 3, 4, 5, 6, 7, 8, 9}),
            "",
            "State size before the measured step (median over cases):",
            aligned_table(sizes, numeric={1, 2, 3}),
            "",
            "CPU = this thread's CPU time (time.thread_time_ns): the wall time of ours also waits for SQLite's fsync",
            "(synchronous=FULL) and for the disk, which other programs on a shared machine make noisy.",
            f"worst median ratio: {worst:.2f} (goal ≤ {goal:.2f}) -> {'OK' if worst <= goal else 'ABOVE GOAL'}",
            f"worst CPU ratio:    {worst_cpu:.2f} (goal ≤ {goal:.2f}) -> {'OK' if worst_cpu <= goal else 'ABOVE GOAL'}",
        ]
    )
    return text, worst


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200, help="measured cases per scenario (default 200)")
    parser.add_argument("--quick", action="store_true", help="30 cases per scenario")
    parser.add_argument("--profile", action="store_true", help="also cProfile our completion (late scenario)")
    parser.add_argument("--phases", action="store_true", help="also time our completion phase by phase (late scenario)")
    parser.add_argument("--goal", type=float, default=1.2, help="maximum acceptable median ratio (default 1.2)")
    args = parser.parse_args(argv)
    cases = 30 if args.quick else args.cases
    if cases < 1:
        parser.error("--cases must be at least 1")
    with tempfile.TemporaryDirectory(prefix="phananh-bench-") as workdir:
        bench = Bench(Path(workdir))
        try:
            results = [bench.run(scenario, cases) for scenario in SCENARIOS]
            text, _worst = report(results, cases, args.goal)
            print(text)
            if args.phases:
                print(bench.phases(SCENARIOS[-1], cases))
            if args.profile:
                print(bench.profile(SCENARIOS[-1], PROFILE_CASES))
        finally:
            bench.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
