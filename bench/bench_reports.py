"""Periodic report build times for a unit tree with 100,000 cases (goal: the yearly report under 1 s).

Setup (untimed, its duration is printed): a fresh database (SQLite file in a temporary folder; PostgreSQL a
throwaway ``phananh_bench_reports_<random>`` database on the server named by PHANANH_BENCH_POSTGRES_URL, default
the local ``test`` database, dropped afterwards), migrated, ``processes/`` deployed, a unit tree made with
``create_unit`` (1 city, 4 districts, 5 wards each). Then the BENCHMARK FIXTURE: N report_1374 cases and their
human tasks written straight into ``cases`` and ``human_tasks`` with SQLAlchemy Core bulk inserts (executemany in
chunks of 5,000) — not through the workflow engine, which would take far too long for 100,000 cases. The rows
are shaped like the engine's: cases spread evenly over 2025 and 2026 across the 20 wards, random source and field
codes of the intake form, screening in scope ~70 % / out of scope ~25 % / duplicate ~5 %, ~80 % closed (their
``completed_at`` after ``created_at``), party/state sanctions from the conclusion form's codes for ~30 % of the
in-scope cases, publication flags, and 1–3 human tasks per case (most with a deadline, some completed late, a
few escalated, the last one of an open case still ready). The report counters are then filled by
``rebuild_counters``, as migration 0030 fills them. ``ANALYZE`` afterwards on both backends.

Measured: ``engine.reports.summary.build_summary`` (the report of the whole city tree, with the figures of the
previous period, as of ``NOW`` = early January 2027) for the year 2026, quarter 2026-Q2 and month 2026-06, and
the year 2026 of one district; each report 7 times per path (``counters``: the report counters; ``counters,
overdue live``: the counters with the overdue figure counted from the cases, as before its counters; ``cases``:
every figure counted from the cases, the old path) after 2 untimed warm-ups, the paths alternating, every call in a
fresh session (session opened, report built, session closed: in-process wall time and this process's CPU time, no
HTTP). ``--profile`` also prints, for
one more call of each report, the time of every SQL statement and the query plan of the slowest one.
``--state-bytes B`` pads ``cases.state`` (normally a serialized workflow of several KB) to B bytes, to see how wider
rows slow the scans.

Usage: ``python bench/bench_reports.py [--quick] [--cases N] [--backend sqlite|postgresql|both] [--profile]``
"""

import argparse
import os
import platform
import random
import statistics
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib.metadata import version
from zoneinfo import ZoneInfo

from machine import cpu_model
from sqlalchemy import event, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from text_table import aligned_table
from throwaway_databases import admin_connection, postgres_database, sqlite_database

import engine.services  # noqa: F401  (registers the service operators the processes call)
from engine.cases.enums import CaseStatus, TaskStatus
from engine.core.db import make_engine, make_session_factory, transaction
from engine.core.migrate import upgrade_to_head
from engine.core.models import Case, HumanTask
from engine.core.settings import PROJECT_ROOT
from engine.people.units import create_unit
from engine.processes.deployment import deploy_path
from engine.processes.forms import FormCatalog
from engine.reports.counters import rebuild_counters
from engine.reports.periods import parse_period
from engine.reports.summary import build_summary

GOAL_MS = 1000.0
TARGET_MS = 250.0  # issue 18: the yearly city report at 100,000 cases in ≤ 0.25 s (judged on the median)
CHUNK = 5_000  # rows per executemany
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2027, 1, 5, 9, 0, tzinfo=ZONE)  # the reports are built early January 2027
SPAN_START = datetime(2025, 1, 1, tzinfo=ZONE)  # cases are received over 2025 and 2026
SPAN_END = datetime(2027, 1, 1, tzinfo=ZONE)
DISTRICTS, WARDS = 4, 5
# the ways to build a report: every figure from the cases (the old path, the ratios' baseline); the counters with
# the overdue figure still counted from the cases (round 1 of issue 18); the counters with the overdue spells
PATHS = {
    "cases": {"counters": False},
    "counters, overdue live": {"counters": True, "overdue_counters": False},
    "counters": {"counters": True},
}
# (report label, period code, "city" or "district")
REPORTS = (
    ("year 2026 · city", "2026", "city"),
    ("quarter 2026-Q2 · city", "2026-Q2", "city"),
    ("month 2026-06 · city", "2026-06", "city"),
    ("year 2026 · district", "2026", "district"),
)
IN_SCOPE_TASKS = (("screen_report", "Phân loại, sàng lọc", "officer"),
                  ("assign_verification", "Phân công xác minh", "team_lead"),
                  ("verify_report", "Xác minh", "officer"))  # fmt: skip
OTHER_TASKS = (("screen_report", "Phân loại, sàng lọc", "officer"),
               ("forward_or_archive", "Chuyển hoặc lưu đơn", "officer"))  # fmt: skip


@dataclass
class Row:
    """One line of the result table."""

    backend: str
    cases: int
    report: str
    path: str  # a key of PATHS
    times_ms: list[float]
    cpu_ms: list[float]  # this process's CPU time (on PostgreSQL the server's is not in it)

    def percentile(self, share: float) -> float:
        ordered = sorted(self.times_ms)
        return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


@dataclass
class Tree:
    """The unit ids the reports are built for, and what the fixture wrote."""

    city: int
    district: int
    cases: int
    tasks: int
    ready_tasks: int


# ---- databases ---------------------------------------------------------------------------------------------


# ---- setup -------------------------------------------------------------------------------------------------


def make_tree(factory: sessionmaker[Session]) -> tuple[int, int, list[int]]:
    """1 city, 4 districts, 5 wards each; returns the city id, the first district's id and the ward ids."""
    with transaction(factory) as session:
        city = create_unit(session, code="bench-city", name="Thành phố")
        districts = [create_unit(session, code=f"bench-d{d}", name=f"Quận {d}", parent=city)
                     for d in range(1, DISTRICTS + 1)]  # fmt: skip
        wards = [create_unit(session, code=f"bench-d{d}-w{w}", name=f"Phường {w}, Quận {d}", parent=district)
                 for d, district in enumerate(districts, 1) for w in range(1, WARDS + 1)]  # fmt: skip
        return city.id, districts[0].id, [ward.id for ward in wards]


def fixture_rows(count: int, wards: list[int], definition: tuple[int, int], forms: FormCatalog,
                 state_bytes: int = 0) -> tuple[list[dict], list[dict]]:  # fmt: skip
    """BENCHMARK FIXTURE: ``count`` cases and their human tasks as plain row dicts (seeded, reproducible).

    Not made by the workflow engine: the columns the reports read are filled the way the engine fills them.
    ``state`` is "{}" (the reports never read it), or padded to ``state_bytes`` to mimic real workflow states.
    """
    rng = random.Random(1374)
    intake = forms.enum_labels("receive_report.schema.json")
    sources, fields = list(intake["source"]), list(intake["field"])
    sanctions = [code for code in forms.enum_labels("conclude_verification.schema.json")["party_sanction"]
                 if code != "none"]  # fmt: skip
    definition_id, process_version = definition
    span = (SPAN_END - SPAN_START).total_seconds()
    now = NOW.astimezone(UTC)
    workflow_state = '{"pad":"' + "x" * max(0, state_bytes - 10) + '"}' if state_bytes else "{}"
    cases: list[dict] = []
    tasks: list[dict] = []
    for case_id in range(1, count + 1):
        created = (SPAN_START + timedelta(seconds=rng.uniform(0, span))).astimezone(UTC)
        draw = rng.random()
        screening = "in_scope" if draw < 0.70 else "out_of_scope" if draw < 0.95 else "duplicate"
        closing = rng.random() < 0.80
        steps = IN_SCOPE_TASKS if screening == "in_scope" else OTHER_TASKS
        steps = steps[: rng.randint(1, len(steps))]
        unit_id = rng.choice(wards)
        at, open_task = created, False
        for number, (spec_name, name, lane) in enumerate(steps):
            due_days = rng.choice((3, 5, 7, 10, 15)) if rng.random() < 0.8 else None
            late = due_days is not None and rng.random() < 0.15
            took = timedelta(days=(due_days or 5) * (rng.uniform(1.05, 2.0) if late else rng.uniform(0.1, 0.95)))
            done = at + took
            last = number == len(steps) - 1
            still_ready = done > now or (last and not closing)
            tasks.append({
                "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "case_id": case_id, "unit_id": unit_id,
                "spec_name": spec_name, "name": name, "lane": lane, "form": f"{spec_name}.schema.json",
                "state": TaskStatus.READY if still_ready else TaskStatus.COMPLETED, "assignee": None,
                "due_at": at + timedelta(days=due_days) if due_days else None,
                "escalated": (late or still_ready) and rng.random() < 0.2,
                "created_at": at, "completed_at": None if still_ready else done,
                "completed_by": None if still_ready else "officer1",
            })  # fmt: skip
            if still_ready:
                open_task = True
                break
            at = done
        closed = not open_task
        completed_at = at + timedelta(hours=rng.uniform(0.5, 24)) if closed else None
        if completed_at is not None and completed_at > now:
            completed_at, closed = None, False
        concluded = closed and screening == "in_scope"
        sanctioned = concluded and rng.random() < 0.30
        party = rng.choice(sanctions) if sanctioned and rng.random() < 0.7 else ("none" if concluded else None)
        state = rng.choice(sanctions) if sanctioned and (party in (None, "none") or rng.random() < 0.5) else (
            "none" if concluded else None)  # fmt: skip
        cases.append({
            "id": case_id, "tracking_code": f"PA-{created.year}-{case_id:07d}", "process_key": "report_1374",
            "definition_id": definition_id, "process_version": process_version, "unit_id": unit_id,
            "status": CaseStatus.COMPLETED if closed else CaseStatus.IN_PROGRESS,
            "current_step": None if closed else steps[-1][1],
            "title": f"Phản ánh số {case_id}", "source": rng.choice(sources), "field": rng.choice(fields),
            "subject_name": None, "screening": screening, "violation": sanctioned if concluded else None,
            "party_sanction": party, "state_sanction": state,
            "published_writing": concluded and rng.random() < 0.5, "published_media": concluded and rng.random() < 0.2,
            "published_portal": concluded and rng.random() < 0.4, "state": workflow_state, "version": 1,
            "created_by": "officer1", "created_at": created, "updated_at": completed_at or at,
            "completed_at": completed_at, "audit_seq": 0, "audit_head": "0" * 64,
        })  # fmt: skip
    return cases, tasks


def bulk_insert(engine: Engine, table, rows: list[dict]) -> None:
    """Insert ``rows`` with executemany, CHUNK rows per statement batch, one transaction per chunk."""
    for first in range(0, len(rows), CHUNK):
        with engine.begin() as connection:
            connection.execute(table.insert(), rows[first : first + CHUNK])


def migrated_with_processes(engine: Engine, forms: FormCatalog) -> tuple[sessionmaker[Session], tuple[int, int]]:
    """Migrate the database, deploy ``processes/``; its session factory and report_1374's (definition id, version)."""
    upgrade_to_head(engine)
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        results = deploy_path(session, PROJECT_ROOT / "processes", forms=forms)
        report = next(r.definition for r in results if r.definition.key == "report_1374")
    return factory, (report.id, report.version)


def set_up(database_url: str, count: int, forms: FormCatalog, state_bytes: int = 0) -> Tree:
    """Migrate, deploy, make the unit tree and write the fixture; returns the report units and row counts."""
    engine = make_engine(database_url)
    try:
        factory, definition = migrated_with_processes(engine, forms)
        city, district, wards = make_tree(factory)
        cases, tasks = fixture_rows(count, wards, definition, forms, state_bytes)
        bulk_insert(engine, Case.__table__, cases)
        bulk_insert(engine, HumanTask.__table__, tasks)
        started = time.perf_counter()
        with (
            engine.begin() as connection
        ):  # the counters the engine keeps with each action, as the migration fills them
            rebuild_counters(connection, zone=ZONE)
        print(f"  report counters rebuilt from {count:,} cases in {time.perf_counter() - started:.1f} s", flush=True)
        if engine.dialect.name == "postgresql":  # explicit ids were written; keep the sequence ahead of them
            with engine.begin() as connection:
                connection.execute(text("SELECT setval(pg_get_serial_sequence('cases', 'id'), :n)"), {"n": count})
        with engine.begin() as connection:  # as autovacuum / a DBA would; ANALYZE may run in a transaction
            connection.execute(text("ANALYZE"))
        with factory() as session:
            written = session.scalar(select(func.count()).select_from(Case)) or 0
            ready = session.scalar(select(func.count()).where(HumanTask.state == TaskStatus.READY)) or 0
        return Tree(city=city, district=district, cases=written, tasks=len(tasks), ready_tasks=ready)
    finally:
        engine.dispose()


# ---- measurement -------------------------------------------------------------------------------------------


def one_report(factory: sessionmaker[Session], forms: FormCatalog, unit_id: int, code: str,
               path: str = "counters") -> tuple[float, float]:  # fmt: skip
    """Build one report in a fresh session by ``path`` (see PATHS); returns the wall and this process's CPU time
    in ms."""
    period = parse_period(code)
    start, cpu = time.perf_counter(), time.process_time()
    with factory() as session:
        summary = build_summary(session, forms, unit_id=unit_id, period=period, zone=ZONE, now=NOW, **PATHS[path])
    elapsed, cpu_ms = (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000
    if not summary.sections:
        raise RuntimeError(f"empty report {code} of unit {unit_id}")
    return elapsed, cpu_ms


@contextmanager
def statement_log(engine: Engine) -> Iterator[list[tuple[float, str, object]]]:
    """Collects (ms, SQL, parameters) of every statement run on ``engine`` while open."""
    log: list[tuple[float, str, object]] = []

    def before(conn, cursor, statement, parameters, context, executemany) -> None:
        conn.info.setdefault("bench_started", []).append(time.perf_counter())

    def after(conn, cursor, statement, parameters, context, executemany) -> None:
        started = conn.info["bench_started"].pop()
        log.append(((time.perf_counter() - started) * 1000, statement, parameters))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        yield log
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)


def profile(engine: Engine, factory: sessionmaker[Session], forms: FormCatalog, label: str, unit_id: int,
            code: str) -> None:  # fmt: skip
    """Print the time of every statement of one report and the plan of the slowest one."""
    with statement_log(engine) as log:
        total, _ = one_report(factory, forms, unit_id, code)
    print(f"\n  profile {label}: {total:.1f} ms in all, {sum(ms for ms, _, _ in log):.1f} ms in SQL")
    for ms, statement, _ in log:
        print(f"    {ms:8.1f} ms  {' '.join(statement.split())[:150]}")
    ms, statement, parameters = max(log, key=lambda entry: entry[0])
    explain = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    with engine.connect() as connection:
        plan = connection.exec_driver_sql(explain + statement, parameters).all()
    print(f"    plan of the slowest ({ms:.1f} ms):")
    for line in plan:
        print("      " + (" | ".join(str(cell) for cell in line[1:]) if engine.dialect.name == "sqlite" else line[0]))


def run_backend(label: str, database_url: str, args: argparse.Namespace, forms: FormCatalog) -> list[Row]:
    """Set up one backend and time every report on it."""
    start = time.perf_counter()
    tree = set_up(database_url, args.cases, forms, args.state_bytes)
    print(f"{label}: setup {time.perf_counter() - start:.1f} s — {tree.cases} cases, {tree.tasks} human tasks "
          f"({tree.ready_tasks} ready)", flush=True)  # fmt: skip
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    rows: list[Row] = []
    try:
        for report, code, scope in REPORTS:
            unit_id = tree.city if scope == "city" else tree.district
            times: dict[str, list[tuple[float, float]]] = {path: [] for path in PATHS}
            for _ in range(args.warmups + args.repeat):  # alternate the paths so that noise hits them alike
                for path in PATHS:
                    times[path].append(one_report(factory, forms, unit_id, code, path))
            for path, measured in times.items():
                kept = measured[args.warmups :]
                rows.append(Row(label, tree.cases, report, path, [w for w, _ in kept], [c for _, c in kept]))
            if args.profile:
                profile(engine, factory, forms, f"{label} {report}", unit_id, code)
    finally:
        engine.dispose()
    return rows


# ---- report ------------------------------------------------------------------------------------------------


def machine_facts(postgres: bool) -> list[tuple[str, str]]:
    """CPU, cores, platform and the versions that matter."""
    facts = [
        ("CPU", cpu_model()),
        ("CPU cores", str(os.cpu_count())),
        ("platform", platform.platform()),
        ("Python", platform.python_version()),
        ("SQLAlchemy", version("sqlalchemy")),
        ("SQLite library", __import__("sqlite3").sqlite_version),
    ]
    if postgres:
        with admin_connection() as admin:
            facts.append(("PostgreSQL server", admin.execute("SHOW server_version").fetchone()[0]))
        facts.append(("psycopg", version("psycopg")))
    return facts


def table(rows: list[Row]) -> str:
    """The plain aligned result table; ``ratio`` is the median over the median of the cases path of the same run."""
    header = ("backend", "cases", "report", "path", "median ms", "p90 ms", "max ms", "cpu ms", "n", "ratio",
              f"≤ {TARGET_MS:.0f} ms", f"under {GOAL_MS / 1000:.0f} s")  # fmt: skip
    lines = [header]
    baseline = {(row.backend, row.report): statistics.median(row.times_ms) for row in rows if row.path == "cases"}
    for row in rows:
        median, p90, worst = statistics.median(row.times_ms), row.percentile(0.9), max(row.times_ms)
        ratio = median / baseline[(row.backend, row.report)]
        lines.append((row.backend, f"{row.cases:,}", row.report, row.path, f"{median:.1f}", f"{p90:.1f}",
                      f"{worst:.1f}", f"{statistics.median(row.cpu_ms):.1f}", str(len(row.times_ms)), f"{ratio:.2f}",
                      "yes" if median <= TARGET_MS else "no", "yes" if worst < GOAL_MS else "no"))  # fmt: skip
    return aligned_table(lines, numeric={1, 4, 5, 6, 7, 8, 9})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=None, help="cases in the unit tree (default 100000)")
    parser.add_argument("--quick", action="store_true", help="10000 cases")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--repeat", type=int, default=7, help="timed calls per report (default 7)")
    parser.add_argument("--warmups", type=int, default=2, help="untimed calls per report first (default 2)")
    parser.add_argument("--profile", action="store_true", help="per-statement times and the slowest plan")
    parser.add_argument("--state-bytes", type=int, default=0, help="pad cases.state to this size (default: {})")
    args = parser.parse_args()
    args.cases = args.cases or (10_000 if args.quick else 100_000)
    postgres = args.backend in ("postgresql", "both")

    print("machine:")
    for name, value in machine_facts(postgres):
        print(f"  {name:<18} {value}")
    print(
        f"goal: the yearly report of a unit tree with {args.cases:,} cases under {GOAL_MS / 1000:.0f} s (max of "
        f"{args.repeat} calls after {args.warmups} warm-ups, each in a fresh session; in-process, no HTTP); "
        f"cases.state {args.state_bytes or 2} bytes\n",
        flush=True,
    )
    forms = FormCatalog(PROJECT_ROOT / "forms")
    backends = [("SQLite", sqlite_database)] if args.backend in ("sqlite", "both") else []
    backends += [("PostgreSQL", postgres_database)] if postgres else []
    rows: list[Row] = []
    for label, database in backends:
        with database() as database_url:
            rows += run_backend(label, database_url, args, forms)
    print()
    print(table(rows))
    slow = [f"{row.backend} {row.report}" for row in rows if max(row.times_ms) >= GOAL_MS]
    print(f"\n{len(rows) - len(slow)}/{len(rows)} reports under {GOAL_MS / 1000:.0f} s", end="")
    print(f"; above: {', '.join(slow)}" if slow else "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
