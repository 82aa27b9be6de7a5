"""Throughput with several processes: task completions/s through real API servers and timers fired/s by workers.

PostgreSQL with 1, 2 and 4 processes next to SQLite with one process, all in one run:

* completions: N fresh report_1374 cases, each with a READY ``screen_report`` task; K uvicorn processes on
  loopback (``uvicorn --factory api.app:create_app``); every task completed once with
  ``POST /api/tasks/{id}/complete`` from 4×K client threads, round-robin over the servers. Only the completion
  phase is timed (servers started, signed in and warmed up with one untimed completion each beforehand);
  completions/s = N / wall time. Every response must be 200.
* timers: M fresh cases of the one-timer fixture (due one second after start), then W ``python -m api worker
  --once --batch-size 50`` processes started together; timed until all have exited (process start-up included),
  timers/s = M / wall time. Every timer must have exactly one ``timer_fired`` audit event.

Each backend gets a fresh database (PostgreSQL: ``phananh_bench_<random>`` on the server named by
PHANANH_BENCH_POSTGRES_URL, default the local ``test`` database, dropped at the end; SQLite: a temporary file).

Usage: ``python bench/bench_concurrency.py [--quick] [--cases N] [--timers M] [--processes 1,2,4]``
"""

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import httpx
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from subprocesses import ServerDidNotStart, free_port, read_log, stop, wait_healthy
from text_table import aligned_table
from throwaway_databases import postgres_database, postgres_version, sqlite_database

from engine.cases.enums import TaskStatus
from engine.cases.runtime import CaseRuntime
from engine.core.db import make_engine, make_session_factory, transaction
from engine.core.migrate import upgrade_to_head
from engine.core.models import AuditEvent, CaseTimer, HumanTask, User
from engine.core.settings import PROJECT_ROOT, Settings
from engine.people.auth import Actor, actor_for, create_user
from engine.people.units import create_unit
from engine.processes.deployment import deploy_bpmn, deploy_path
from engine.services import EngineServices, build_services

PASSWORD = "phananh-bench-pw"
SECRET_KEY = "phananh-bench-secret-" + "0123456789abcdef" * 3
TIMER_BPMN = PROJECT_ROOT / "tests" / "fixtures" / "timer_only.bpmn"
BATCH = 200  # cases started per transaction
INTAKE = {
    "source": "press",
    "behaviour_group": "duty",
    "field": "land",
    "title": "Cán bộ địa chính gây khó dễ khi cấp giấy chứng nhận",
    "description": "Báo phản ánh cán bộ địa chính phường yêu cầu chi phí ngoài quy định.",
    "subject": {"name": "Nguyễn Văn X", "position": "Cán bộ địa chính", "unit": "UBND phường Bến Nghé"},
    "reporter": {"name": "Trần Thị Y", "phone": "0900000000"},
}
SCREEN_IN = {"screening": "in_scope"}
PEOPLE = (("officer1", "officer"), ("officer2", "officer"), ("lead1", "team_lead"), ("supervisor1", "supervisor"))


class BenchError(RuntimeError):
    """A measurement whose result is wrong (non-200 responses, timers not fired exactly once, a dead process)."""


@dataclass
class Row:
    """One line of the result table."""

    backend: str
    processes: int
    completions_per_s: float | None = None
    timers_per_s: float | None = None
    notes: list[str] = field(default_factory=list)


# ---- databases ---------------------------------------------------------------------------------------------


class World:
    """A migrated, seeded database (units city→d1, a few people, processes/ and the timer fixture deployed)."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.engine: Engine = make_engine(database_url)
        upgrade_to_head(self.engine)
        self.factory: sessionmaker[Session] = make_session_factory(self.engine)
        self.services: EngineServices = build_services(
            Settings(database_url=database_url, scheduler_enabled=False, secret_key=SECRET_KEY)
        )
        with transaction(self.factory) as session:
            city = create_unit(session, code="city", name="Thành phố")
            d1 = create_unit(session, code="d1", name="Đơn vị d1", parent=city)
            for username, role in PEOPLE:
                create_user(session, username=username, password=PASSWORD, roles=[role], units=[d1])
            deploy_path(session, PROJECT_ROOT / "processes", forms=self.services.forms)
            deploy_bpmn(session, content=TIMER_BPMN.read_bytes(), filename=TIMER_BPMN.name, forms=self.services.forms)
        with self.factory() as session:
            self.officer: Actor = actor_for(
                session, session.scalars(select(User).where(User.username == "officer1")).one()
            )

    def close(self) -> None:
        """Release the pooled connections (so the database can be dropped)."""
        self.engine.dispose()

    def start_cases(self, process_key: str, data: dict, count: int) -> list[int]:
        """Start ``count`` cases as officer1, ``BATCH`` per transaction; returns their ids."""
        case_ids: list[int] = []
        for first in range(0, count, BATCH):
            with transaction(self.factory) as session:
                runtime = CaseRuntime(session, self.services)
                for _ in range(min(BATCH, count - first)):
                    case_ids.append(runtime.start_case(self.officer, process_key=process_key, data=data).id)
        return case_ids

    def screening_tasks(self, count: int) -> list[str]:
        """``count`` new report_1374 cases; returns the ids of their READY ``screen_report`` tasks."""
        case_ids = self.start_cases("report_1374", INTAKE, count)
        with self.factory() as session:
            query = select(HumanTask.case_id, HumanTask.id).where(
                HumanTask.case_id.in_(case_ids),
                HumanTask.state == TaskStatus.READY,
                HumanTask.spec_name == "screen_report",
            )
            by_case = dict(session.execute(query).all())
        if len(by_case) != count:
            raise BenchError(f"expected {count} ready screen_report tasks, found {len(by_case)}")
        return [by_case[case_id] for case_id in case_ids]

    def ready_count(self, task_ids: list[str]) -> int:
        """How many of these tasks are still READY."""
        with self.factory() as session:
            query = select(func.count()).where(HumanTask.id.in_(task_ids), HumanTask.state == TaskStatus.READY)
            return session.scalar(query)

    def timer_cases(self, count: int) -> set[str]:
        """``count`` new one-timer cases, waited on until all timers are due; returns the new timer ids."""
        before = self.timer_ids()
        self.start_cases("timer_only_demo", {}, count)
        time.sleep(1.2)  # each timer fires one second after its case started
        new = self.timer_ids() - before
        if len(new) != count:
            raise BenchError(f"expected {count} new timers, found {len(new)}")
        return new

    def timer_ids(self) -> set[str]:
        """Every timer id in the database."""
        with self.factory() as session:
            return set(session.scalars(select(CaseTimer.id)))

    def fire_counts(self) -> Counter:
        """``timer_fired`` audit events per timer id."""
        with self.factory() as session:
            return Counter(session.scalars(select(AuditEvent.task_id).where(AuditEvent.kind == "timer_fired")))


# ---- processes ---------------------------------------------------------------------------------------------


def service_env(database_url: str) -> dict[str, str]:
    """The environment of an API or worker process on the bench database (no in-process scheduler)."""
    return {
        **os.environ,
        "PHANANH_DATABASE_URL": database_url,
        "PHANANH_SCHEDULER_ENABLED": "false",
        "PHANANH_SECRET_KEY": SECRET_KEY,
    }


def cpu_ticks() -> tuple[int, int] | None:
    """(busy, total) jiffies of all cores from /proc/stat, or None off Linux."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError):
        return None
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def cpu_busy(before: tuple[int, int] | None) -> str:
    """Machine-wide CPU use since ``before`` (all processes: bench client, servers, workers, PostgreSQL)."""
    after = cpu_ticks()
    if before is None or after is None or after[1] == before[1]:
        return "CPU ?"
    return f"CPU {100 * (after[0] - before[0]) / (after[1] - before[1]):.0f}% busy"


@contextmanager
def api_servers(database_url: str, count: int, logs: Path) -> Iterator[list[str]]:
    """``count`` uvicorn processes serving the app on loopback; yields their base URLs; always stopped."""
    with ExitStack() as stack:
        started: list[tuple[str, subprocess.Popen, Path]] = []
        for _ in range(count):
            port = free_port()
            log = logs / f"api-{port}.log"
            out = stack.enter_context(log.open("w"))
            command = [sys.executable, "-m", "uvicorn", "--factory", "api.app:create_app", "--port", str(port)]
            process = subprocess.Popen(
                [*command, "--log-level", "warning"],
                cwd=PROJECT_ROOT, env=service_env(database_url), stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
            stack.callback(stop, process)
            started.append((f"http://127.0.0.1:{port}", process, log))
        for base, process, log in started:
            wait_healthy(base, process, log)
        yield [base for base, _, _ in started]


def run_workers(database_url: str, count: int, logs: Path) -> tuple[float, str, list[str]]:
    """Start ``count`` ``worker --once --batch-size 50`` processes together; returns wall time, CPU use, outputs."""
    command = [sys.executable, "-m", "api", "worker", "--once", "--batch-size", "50"]
    processes: list[tuple[subprocess.Popen, Path]] = []
    with ExitStack() as stack:
        ticks, start = cpu_ticks(), time.perf_counter()
        for index in range(count):
            log = logs / f"worker-{uuid.uuid4().hex[:6]}-{index}.log"
            out = stack.enter_context(log.open("w"))
            process = subprocess.Popen(
                command, cwd=PROJECT_ROOT, env=service_env(database_url), stdout=out, stderr=subprocess.STDOUT
            )
            stack.callback(stop, process)
            processes.append((process, log))
        for process, _ in processes:
            process.wait(timeout=600)
        elapsed = time.perf_counter() - start
        busy = cpu_busy(ticks)
    outputs = [read_log(log) for _, log in processes]
    failed = [out for (process, _), out in zip(processes, outputs, strict=True) if process.returncode != 0]
    if failed:
        raise BenchError("worker failed:\n" + failed[0])
    return elapsed, busy, outputs


# ---- measurements ------------------------------------------------------------------------------------------


def sign_in(base: str, username: str) -> dict[str, str]:
    """Bearer headers for a user, from one API process."""
    try:
        response = httpx.post(f"{base}/api/auth/token", data={"username": username, "password": PASSWORD}, timeout=30)
    except httpx.TransportError as exc:
        raise BenchError(f"sign-in at {base} failed: {exc!r}") from exc
    if response.status_code != 200:
        raise BenchError(f"sign-in at {base} failed: {response.status_code} {response.text}")
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def measure_completions(world: World, servers: int, cases: int, logs: Path) -> tuple[float, str]:
    """Complete ``cases`` fresh screening tasks through ``servers`` API processes; returns completions/s and a note."""
    tasks = world.screening_tasks(cases + servers)
    warmups, timed = tasks[:servers], tasks[servers:]
    with api_servers(world.database_url, servers, logs) as bases, ExitStack() as stack:
        clients = [stack.enter_context(httpx.Client(base_url=base, timeout=120)) for base in bases]
        headers = [sign_in(base, "officer1") for base in bases]

        def complete(index_and_task: tuple[int, str]) -> tuple[int, str]:
            index, task_id = index_and_task
            server = index % servers
            try:
                response = clients[server].post(
                    f"/api/tasks/{task_id}/complete", json={"data": SCREEN_IN}, headers=headers[server]
                )
            except httpx.TransportError as exc:  # counted as a failed completion (status 0), not retried
                return 0, f"{bases[server]}: {exc!r}"
            return response.status_code, response.text if response.status_code != 200 else ""

        warm = [complete(item) for item in enumerate(warmups)]  # one untimed completion per process (spec cache)
        with ThreadPoolExecutor(max_workers=4 * servers) as pool:
            ticks, start = cpu_ticks(), time.perf_counter()
            results = list(pool.map(complete, enumerate(timed)))
            elapsed = time.perf_counter() - start
            busy = cpu_busy(ticks)
    bad = [(status, text) for status, text in warm + results if status != 200]
    if bad:
        statuses = Counter(status for status, _ in bad)
        raise BenchError(f"{len(bad)} non-200 completions {dict(statuses)}; first: {bad[0][1][:500]}")
    if left := world.ready_count(tasks):
        raise BenchError(f"{left} tasks are still ready after 200 responses")
    return cases / elapsed, f"{cases} tasks in {elapsed:.2f} s ({busy})"


def measure_timers(world: World, workers: int, timers: int, logs: Path) -> tuple[float, str]:
    """Fire ``timers`` fresh due timers with ``workers`` worker processes; returns timers/s and a note."""
    new = world.timer_cases(timers)
    elapsed, busy, outputs = run_workers(world.database_url, workers, logs)
    counts = world.fire_counts()
    missing = [timer_id for timer_id in new if counts[timer_id] == 0]
    doubled = {timer_id: n for timer_id, n in counts.items() if n > 1}
    if missing or doubled:
        raise BenchError(f"{len(missing)} timers not fired, {len(doubled)} fired more than once")
    sharing = sum("fired" in output for output in outputs)
    return timers / elapsed, f"{timers} timers in {elapsed:.2f} s ({busy}), {sharing}/{workers} workers fired"


def worker_startup(database_url: str, logs: Path) -> float:
    """Wall time of one ``worker --once`` with nothing due: the process start-up inside every timers/s figure."""
    return run_workers(database_url, 1, logs)[0]


# ---- report ------------------------------------------------------------------------------------------------


def machine_facts() -> list[tuple[str, str]]:
    """Cores, Python, SQLAlchemy, drivers and the PostgreSQL server version."""
    return [
        ("CPU cores", str(os.cpu_count())),
        ("platform", platform.platform()),
        ("Python", platform.python_version()),
        ("SQLAlchemy", version("sqlalchemy")),
        ("psycopg", version("psycopg")),
        ("SpiffWorkflow", version("SpiffWorkflow")),
        ("uvicorn", version("uvicorn")),
        ("PostgreSQL server", postgres_version()),
        ("SQLite library", __import__("sqlite3").sqlite_version),
    ]


def ratio(value: float | None, base: float | None) -> str:
    """``value / base`` as ``1.23×``, or ``-``."""
    return f"{value / base:.2f}×" if value and base else "-"


def print_table(rows: list[Row]) -> None:
    """The result table with the ratio to the 1-process PostgreSQL row."""
    base = next((row for row in rows if row.backend == "PostgreSQL" and row.processes == 1), None)
    header = ("backend", "processes", "completions/s", "vs PG×1", "timers/s", "vs PG×1")
    lines = [header]
    for row in rows:
        lines.append(
            (
                row.backend,
                str(row.processes),
                f"{row.completions_per_s:.1f}" if row.completions_per_s else "-",
                ratio(row.completions_per_s, base and base.completions_per_s),
                f"{row.timers_per_s:.1f}" if row.timers_per_s else "-",
                ratio(row.timers_per_s, base and base.timers_per_s),
            )
        )
    print(aligned_table(lines, numeric=set(range(1, len(header)))))


# ---- main --------------------------------------------------------------------------------------------------


def bench_backend(backend: str, database_url: str, counts: list[int], args, logs: Path) -> list[Row]:
    """Migrate and seed one database, then measure completions and timers for each process count."""
    world = World(database_url)
    rows = []
    try:
        for count in counts:
            row = Row(backend, count)
            row.completions_per_s, note = measure_completions(world, count, args.cases, logs)
            row.notes.append(note)
            row.timers_per_s, note = measure_timers(world, count, args.timers, logs)
            row.notes.append(note)
            print(f"  {backend} ×{count}: " + "; ".join(row.notes), flush=True)
            rows.append(row)
        startup = worker_startup(database_url, logs)
        print(f"  {backend}: one `worker --once` with nothing due takes {startup:.2f} s (start-up)", flush=True)
    finally:
        world.close()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 tasks and 300 timers per round")
    parser.add_argument("--cases", type=int, help="tasks completed per round (default 400, --quick 100)")
    parser.add_argument("--timers", type=int, help="timers fired per round (default 1000, --quick 300)")
    parser.add_argument("--processes", default="1,2,4", help="PostgreSQL process counts (default 1,2,4)")
    args = parser.parse_args()
    args.cases = args.cases or (100 if args.quick else 400)
    args.timers = args.timers or (300 if args.quick else 1000)
    counts = [int(part) for part in args.processes.split(",")]

    facts = machine_facts()
    width = max(len(name) for name, _ in facts)
    for name, value in facts:
        print(f"{name.ljust(width)}  {value}")
    print(f"{'workload'.ljust(width)}  {args.cases} completions and {args.timers} timers per round", flush=True)
    print()

    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="phananh_bench_logs_") as folder:
        logs = Path(folder)
        try:
            with postgres_database() as url:
                rows += bench_backend("PostgreSQL", url, counts, args, logs)
            with sqlite_database() as url:
                rows += bench_backend("SQLite", url, [1], args, logs)
        except (BenchError, ServerDidNotStart) as exc:
            print(f"FAILED: {exc}", file=sys.stderr)
            return 1
    print()
    print_table(rows)
    print()
    print("completions/s: N tasks / wall time of the completion phase (4×K client threads, round-robin).")
    print("timers/s: M due timers / wall time from starting W `worker --once` processes until all exited.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
