"""The inbox API at 100,000 cases / ~200,000 human tasks (goal: p95 ≤ 50 ms, beyond that ≤ 20 ms).

Setup (untimed, its duration is printed): a fresh database (SQLite file in a temporary folder; PostgreSQL a
throwaway ``phananh_bench_inbox_<random>`` database on the server named by PHANANH_BENCH_POSTGRES_URL, default the
local ``test`` database, dropped afterwards), migrated, ``processes/`` deployed, the unit tree of
``bench_reports.py`` (1 city, 4 districts, 5 wards each) and three signed-in people: an officer of the first ward,
the team lead of the first district and a supervisor of the city. Then the BENCHMARK FIXTURE, written straight
into ``cases`` and ``human_tasks`` with Core bulk inserts (not through the workflow engine): N cases received
over the last two years across the 20 wards, 1–3 human tasks each (~2 on average) in the officer (~70 %),
team_lead (~15 %) and supervisor (~15 %) lanes. Every ward has five officers and a team lead; a completed task was
done by one of them (~70 % of them claimed first, so each officer's name is on ~1,500 completed tasks, and the
rest completed straight from the group, unassigned), ~12 % of the cases are still open with
their last task ready: half of those claimed by a person of the ward, half waiting for the ward's group; most
have a deadline between 20 days ago and 30 days ahead. ``ANALYZE`` afterwards on both backends.

Measured, per person and per inbox view (all, mine, group, overdue, week, search, page 3, sorted by received):
``GET /api/tasks`` (the REST inbox, with its tab counts) over HTTP through FastAPI's ``TestClient`` (in-process
ASGI, no sockets: routing, auth, the queries, JSON), and the engine functions behind it in-process (``inbox``
with its tab counts, ``tracking_codes``) in a fresh session, as the route calls them. Each query R times after W
untimed warm-ups; p50 / p95 / max wall ms, and the p50 CPU ms of this process (the app's thread included, the
PostgreSQL server not): on a shared machine the wall time waits for the CPU, the CPU time does not. Then the plan
of every distinct SQL statement the engine call of the officer's views runs on ``human_tasks``: PostgreSQL
``EXPLAIN (ANALYZE, BUFFERS)`` (plan nodes and execution time), SQLite ``EXPLAIN QUERY PLAN``.

Usage: ``python bench/bench_inbox.py [--quick] [--cases N] [--backend sqlite|postgresql|both] [--no-explain]``
"""

import argparse
import random
import statistics
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bench_reports import bulk_insert, machine_facts, make_tree, migrated_with_processes, statement_log
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from text_table import aligned_table
from throwaway_databases import postgres_database, sqlite_database

from api.app import create_app
from engine.cases.enums import CaseStatus, TaskStatus
from engine.cases.queries import inbox, tracking_codes
from engine.core.clock import ManualClock
from engine.core.db import make_engine, make_session_factory, transaction
from engine.core.models import Case, HumanTask, Unit, User
from engine.core.settings import PROJECT_ROOT, Settings
from engine.people.auth import Actor, actor_for, create_user
from engine.processes.forms import FormCatalog
from engine.services import build_services

GOAL_MS, BEYOND_MS = 50.0, 20.0
SECRET_KEY = "bench-inbox-" + "x" * 40
PASSWORD = "bench-password"
NOW = datetime.now(UTC).replace(microsecond=0)
OPEN_SHARE = 0.12
OFFICERS_PER_WARD = 5
LANES = (("officer", 0.70), ("team_lead", 0.85), ("supervisor", 1.0))  # cumulative shares
STEPS = {"officer": ("verify_report", "Xác minh"), "team_lead": ("assign_verification", "Phân công xác minh"),
         "supervisor": ("approve_conclusion", "Duyệt kết luận")}  # fmt: skip
TOPICS = ("chợ tạm", "rác thải", "tiếng ồn", "lấn chiếm vỉa hè", "đất đai", "xây dựng trái phép", "cấp nước")
SEARCH = "vỉa hè"
# the inbox views officers use: label and the query parameters of GET /api/tasks
VIEWS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("all", {}),
    ("mine", {"assigned": "me"}),
    ("group", {"assigned": "group"}),
    ("overdue", {"overdue": True}),
    ("week", {"due_within_days": 7}),
    ("search", {"q": SEARCH}),
    ("page 3", {"page": 3}),
    ("by received", {"sort": "received", "order": "desc"}),
)


@dataclass
class World:
    """What the fixture wrote and who is measured."""

    cases: int
    tasks: int
    ready: int
    people: dict[str, str]  # label -> username


@dataclass
class Row:
    """One line of the result table."""

    backend: str
    person: str
    view: str
    via: str
    times_ms: list[float]
    cpu_ms: list[float]
    total: int

    def percentile(self, share: float) -> float:
        ordered = sorted(self.times_ms)
        return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


# ---- setup -------------------------------------------------------------------------------------------------


def ward_people(ward: int) -> list[str]:
    """The usernames of a ward's officers."""
    return [f"w{ward}-officer{k}" for k in range(OFFICERS_PER_WARD)]


def fixture_rows(count: int, wards: list[int], definition: tuple[int, int]) -> tuple[list[dict], list[dict]]:
    """BENCHMARK FIXTURE: ``count`` cases and their human tasks as plain row dicts (seeded, reproducible)."""
    rng = random.Random(18)
    definition_id, process_version = definition
    span = timedelta(days=730).total_seconds()
    cases: list[dict] = []
    tasks: list[dict] = []
    for case_id in range(1, count + 1):
        ward = rng.randrange(len(wards))
        unit_id, officers = wards[ward], ward_people(ward)
        lead, district_lead = f"w{ward}-lead", f"d{ward // 5 + 1}-lead"
        is_open = rng.random() < OPEN_SHARE
        created = NOW - timedelta(seconds=rng.uniform(0, span if not is_open else span / 12))
        steps = rng.choice((1, 2, 2, 2, 3))
        at = created
        for number in range(steps):
            draw = rng.random()
            lane = next(name for name, share in LANES if draw < share)
            spec_name, name = STEPS[lane]
            ready = is_open and number == steps - 1
            person = {"officer": rng.choice(officers), "team_lead": rng.choice((lead, district_lead)),
                      "supervisor": "city-supervisor"}[lane]  # fmt: skip
            if ready:
                due = NOW + timedelta(days=rng.uniform(-20, 30)) if rng.random() < 0.85 else None
                assignee = person if rng.random() < 0.5 else None
            else:
                due = at + timedelta(days=rng.choice((3, 5, 7, 10)))
                assignee = person if rng.random() < 0.7 else None  # the rest were completed from the group
            done = None if ready else at + timedelta(days=rng.uniform(0.1, 6))
            tasks.append({
                "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "case_id": case_id, "unit_id": unit_id,
                "spec_name": spec_name, "name": name, "lane": lane, "form": f"{spec_name}.schema.json",
                "state": TaskStatus.READY if ready else TaskStatus.COMPLETED, "assignee": assignee,
                "due_at": due, "escalated": False, "created_at": at, "completed_at": done,
                "completed_by": None if ready else person,
            })  # fmt: skip
            at = done or at
        topic = rng.choice(TOPICS)
        cases.append({
            "id": case_id, "tracking_code": f"PA-{created.year}-{case_id:07d}", "process_key": "report_1374",
            "definition_id": definition_id, "process_version": process_version, "unit_id": unit_id,
            "status": CaseStatus.IN_PROGRESS if is_open else CaseStatus.COMPLETED,
            "current_step": STEPS["officer"][1] if is_open else None,
            "title": f"Phản ánh về {topic} số {case_id}", "subject_name": None, "state": "{}", "version": 1,
            "created_by": "w0-officer0", "created_at": created, "updated_at": at,
            "completed_at": None if is_open else at + timedelta(hours=1), "audit_seq": 0, "audit_head": "0" * 64,
        })  # fmt: skip
    return cases, tasks


def set_up(database_url: str, count: int, forms: FormCatalog) -> World:
    """Migrate, deploy, make the unit tree and the measured people, and write the fixture."""
    engine = make_engine(database_url)
    try:
        factory, definition = migrated_with_processes(engine, forms)
        city, district, wards = make_tree(factory)
        people = {"ward officer": ("w0-officer0", "officer", wards[0]), "district lead": ("d1-lead", "team_lead",
                  district), "city supervisor": ("city-supervisor", "supervisor", city)}  # fmt: skip
        with transaction(factory) as session:
            for username, role, unit_id in people.values():
                unit = session.get_one(Unit, unit_id)
                create_user(session, username=username, password=PASSWORD, roles=[role], units=[unit])
        cases, tasks = fixture_rows(count, wards, definition)
        bulk_insert(engine, Case.__table__, cases)
        bulk_insert(engine, HumanTask.__table__, tasks)
        if engine.dialect.name == "postgresql":  # explicit ids were written; keep the sequence ahead of them
            with engine.begin() as connection:
                connection.execute(text("SELECT setval(pg_get_serial_sequence('cases', 'id'), :n)"), {"n": count})
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
        ready = sum(1 for task in tasks if task["state"] == TaskStatus.READY)
        return World(len(cases), len(tasks), ready, {label: username for label, (username, _, _) in people.items()})
    finally:
        engine.dispose()


# ---- measurement -------------------------------------------------------------------------------------------


def engine_inbox(session: Session, actor: Actor, params: dict[str, Any]) -> int:
    """What ``GET /api/tasks`` asks of the engine (the page with its tab counts, tracking codes); returns the total."""
    now = NOW
    days = params.get("due_within_days")
    found = inbox(
        session, actor, now=now, assigned=params.get("assigned"), overdue=params.get("overdue", False),
        due_before=now + timedelta(days=days) if days else None, q=params.get("q"),
        sort=params.get("sort", "deadline"), order=params.get("order", "asc"), page=params.get("page", 1),
        page_size=50,
    )  # fmt: skip
    tracking_codes(session, {task.case_id for task in found.items})
    return found.total


def actors(factory: sessionmaker[Session], people: dict[str, str]) -> dict[str, Actor]:
    """The measured people as engine actors."""
    with factory() as session:
        return {label: actor_for(session, session.scalars(select(User).where(User.username == name)).one())
                for label, name in people.items()}  # fmt: skip


def timed(call, repeat: int, warmups: int) -> tuple[list[float], list[float], int]:
    """``call()`` warmups + repeat times; the timed wall and CPU ms (of this process) and the last result."""
    result = 0
    times, cpu = [], []
    for number in range(warmups + repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = call()
        if number >= warmups:
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
    return times, cpu, result


def measure(label: str, database_url: str, world: World, args: argparse.Namespace) -> list[Row]:
    """Time every view for every person, in-process and over HTTP."""
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    settings = Settings(database_url=database_url, scheduler_enabled=False, secret_key=SECRET_KEY)
    rows: list[Row] = []
    try:
        by_person = actors(factory, world.people)
        services = build_services(settings, ManualClock(NOW), session_factory=factory)  # the app's now is NOW too
        app = create_app(settings, services=services, session_factory=factory, run_scheduler=False)
        with TestClient(app) as client:
            for person, actor in by_person.items():
                token = client.post("/api/auth/token", data={"username": actor.username, "password": PASSWORD})
                headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
                for view, params in VIEWS:

                    def in_process(params=params, actor=actor) -> int:
                        with factory() as session:
                            return engine_inbox(session, actor, params)

                    def over_http(params=params, headers=headers) -> int:
                        response = client.get("/api/tasks", params=params, headers=headers)
                        if response.status_code != 200:
                            raise RuntimeError(f"GET /api/tasks {params}: {response.status_code} {response.text}")
                        return response.json()["total"]

                    times, cpu, total = timed(in_process, args.repeat, args.warmups)
                    rows.append(Row(label, person, view, "engine", times, cpu, total))
                    times, cpu, http_total = timed(over_http, args.repeat, args.warmups)
                    if http_total != total:
                        raise RuntimeError(f"{person} {view}: HTTP total {http_total} ≠ engine total {total}")
                    rows.append(Row(label, person, view, "HTTP", times, cpu, total))
                    print(f"  {label} · {person} · {view}: {total} tasks, HTTP p95 {rows[-1].percentile(0.95):.1f} ms, "
                          f"engine p95 {rows[-2].percentile(0.95):.1f} ms", flush=True)  # fmt: skip
        if args.explain:
            explain(engine, factory, by_person["ward officer"])
    finally:
        engine.dispose()
    return rows


def explain(engine: Engine, factory: sessionmaker[Session], actor: Actor) -> None:
    """Print the plan of every distinct statement on human_tasks that the officer's views run."""
    statements: dict[str, tuple[str, object]] = {}
    for view, params in VIEWS:
        with statement_log(engine) as log, factory() as session:
            engine_inbox(session, actor, params)
        for _, statement, parameters in log:
            if "human_tasks" in statement and statement not in statements:
                statements[statement] = (view, parameters)
    postgres = engine.dialect.name == "postgresql"
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if postgres else "EXPLAIN QUERY PLAN "
    print(f"\n  plans of the ward officer's inbox statements ({engine.dialect.name}):")
    with engine.connect() as connection:
        for statement, (view, parameters) in statements.items():
            plan = connection.exec_driver_sql(prefix + statement, parameters).all()
            print(f"\n  [{view}] {' '.join(statement.split())[:160]}")
            for line in plan:
                if not postgres:
                    print("      " + str(line[-1]))
                elif "->" in line[0] or not line[0].startswith(" ") or "Execution Time" in line[0]:
                    print("      " + line[0].rstrip())


# ---- report ------------------------------------------------------------------------------------------------


def table(rows: list[Row]) -> str:
    """The plain aligned result table."""
    header = ("backend", "person", "view", "via", "tasks", "p50 ms", "p95 ms", "max ms", "p50 CPU ms", "n",
              f"≤ {GOAL_MS:.0f}")  # fmt: skip
    lines = [header]
    for row in rows:
        p50, p95, worst = statistics.median(row.times_ms), row.percentile(0.95), max(row.times_ms)
        lines.append((row.backend, row.person, row.view, row.via, f"{row.total:,}", f"{p50:.1f}", f"{p95:.1f}",
                      f"{worst:.1f}", f"{statistics.median(row.cpu_ms):.1f}", str(len(row.times_ms)),
                      "yes" if p95 <= GOAL_MS else "no"))  # fmt: skip
    return aligned_table(lines, numeric={4, 5, 6, 7, 8, 9})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=None, help="cases in the unit tree (default 100000)")
    parser.add_argument("--quick", action="store_true", help="10000 cases, 10 timed calls")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--repeat", type=int, default=None, help="timed calls per view (default 30; quick 10)")
    parser.add_argument("--warmups", type=int, default=3, help="untimed calls per view first (default 3)")
    parser.add_argument("--no-explain", dest="explain", action="store_false", help="leave out the query plans")
    args = parser.parse_args()
    args.cases = args.cases or (10_000 if args.quick else 100_000)
    args.repeat = args.repeat or (10 if args.quick else 30)
    postgres = args.backend in ("postgresql", "both")

    print("machine:")
    for name, value in machine_facts(postgres):
        print(f"  {name:<18} {value}")
    print(f"goal: GET /api/tasks p95 ≤ {GOAL_MS:.0f} ms (beyond: ≤ {BEYOND_MS:.0f} ms) with {args.cases:,} cases; "
          f"{args.repeat} calls per view after {args.warmups} warm-ups; HTTP = FastAPI TestClient (in-process "
          "ASGI, no sockets), engine = the route's engine calls in a fresh session\n", flush=True)  # fmt: skip
    forms = FormCatalog(PROJECT_ROOT / "forms")
    backends = [("SQLite", sqlite_database)] if args.backend in ("sqlite", "both") else []
    backends += [("PostgreSQL", lambda: postgres_database("phananh_bench_inbox"))] if postgres else []
    rows: list[Row] = []
    for label, database in backends:
        with database() as database_url:
            start = time.perf_counter()
            world = set_up(database_url, args.cases, forms)
            print(f"{label}: setup {time.perf_counter() - start:.1f} s — {world.cases:,} cases, {world.tasks:,} "
                  f"human tasks ({world.ready:,} ready)", flush=True)  # fmt: skip
            rows += measure(label, database_url, world, args)
    print()
    print(table(rows))
    http = [row for row in rows if row.via == "HTTP"]
    worst = max(http, key=lambda row: row.percentile(0.95))
    print(f"\nworst HTTP p95: {worst.percentile(0.95):.1f} ms ({worst.backend}, {worst.person}, {worst.view}); "
          f"{sum(row.percentile(0.95) <= GOAL_MS for row in http)}/{len(http)} views ≤ {GOAL_MS:.0f} ms, "
          f"{sum(row.percentile(0.95) <= BEYOND_MS for row in http)}/{len(http)} ≤ {BEYOND_MS:.0f} ms")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
