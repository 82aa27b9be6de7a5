"""Web page response times with 10,000 cases in the database (goal: every page within 300 ms).

Setup (untimed): a fresh database (SQLite file in a temporary folder; with ``--postgres`` also a throwaway
``phananh_bench_pages_<random>`` database on the server named by PHANANH_BENCH_POSTGRES_URL, default the local
``test`` database, dropped afterwards), migrated, ``processes/`` deployed and the demo loaded (units hcm, q1, q3
and wards; officer1, lead1, supervisor1, … in q1). Then N report_1374 cases started through ``CaseRuntime`` (500 per
transaction) with varied field, source and title, spread over q1 and its two wards; every 3rd case gets its
``screen_report`` completed (in scope), every 9th also ``assign_verification`` (verification by officer1). Finally
``created_at`` of the cases — and ``created_at``/``due_at`` of their tasks, by the same shift — is spread over the
last ~6 months with plain SQL, so the overview chart, the overdue and the this-week tabs have realistic content
(PostgreSQL: ``ANALYZE`` afterwards, as autovacuum would).

Measured: a real ``uvicorn --factory api.app:create_app`` process on loopback (one process, no scheduler), signed
in through the login form (``POST /login``, cookie session), each page requested sequentially R times after W
untimed warm-ups with httpx; the time is the client's wall time per request (HTTP on loopback included). Every
response must be 200, or the row says so and the run exits with status 1.

Usage: ``python bench/bench_pages.py [--quick] [--cases N] [--requests R] [--postgres]``
"""

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib.metadata import version
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from machine import cpu_model
from sqlalchemy import bindparam, func, select, text
from sqlalchemy.orm import Session, sessionmaker
from subprocesses import free_port, stop, wait_healthy
from text_table import aligned_table
from throwaway_databases import admin_connection, postgres_database, sqlite_database

from engine.cases.enums import TaskStatus
from engine.cases.runtime import CaseRuntime
from engine.core.db import make_engine, make_session_factory, transaction
from engine.core.migrate import upgrade_to_head
from engine.core.models import Case, HumanTask, Unit, User
from engine.core.settings import PROJECT_ROOT, Settings
from engine.demo import DEMO_PASSWORD, load_demo
from engine.people.auth import Actor, actor_for
from engine.processes.deployment import deploy_path
from engine.reports.counters import rebuild_counters
from engine.services import EngineServices, build_services

SECRET_KEY = "phananh-bench-pages-secret-" + "0123456789abcdef" * 3
GOAL_MS = 300.0
BATCH = 500  # cases started per transaction
SPREAD_DAYS = 182  # created_at spread over the last ~6 months
SEARCH_WORD = "địa chính"  # in one title template out of eight
FIELDS = ("urban_order", "land", "education", "adjudication", "construction", "other")
SOURCES = ("voter", "elected_body", "people", "press", "social_media")
BEHAVIOURS = ("duty", "democratic_centralism", "personnel", "complaint_handling", "anti_corruption")
UNITS = ("q1", "q1-ben-nghe", "q1-ben-thanh")
TITLES = (
    "Cán bộ địa chính gây khó dễ khi cấp giấy chứng nhận số {n}",
    "Phản ánh lấn chiếm vỉa hè kéo dài tại đường Lê Lợi, hồ sơ {n}",
    "Cử tri phản ánh chậm giải quyết hồ sơ đất đai ({n})",
    "Báo chí nêu việc cấp phép xây dựng sai quy định, tin {n}",
    "Mạng xã hội phản ánh thái độ tiếp dân của cán bộ phường ({n})",
    "Phụ huynh phản ánh lạm thu đầu năm học tại trường {n}",
    "Đơn phản ánh cán bộ tư pháp nhận tiền của dân, đơn {n}",
    "Phản ánh công trình xây dựng không phép trong hẻm {n}",
)
SUBJECTS = (
    ("Nguyễn Văn X", "Phó Chủ tịch UBND phường"),
    ("Trần Thị Y", "Cán bộ địa chính"),
    ("Lê Văn Z", "Hiệu trưởng"),
    ("Phạm Văn T", "Cán bộ tư pháp"),
)
SCREEN_IN = {"screening": "in_scope"}
ASSIGN = {"verifying_officer": "officer1", "verification_days": 10, "verification_day_type": "working"}


class BenchError(RuntimeError):
    """A setup or measurement that went wrong (a dead server, a failed sign-in)."""


@dataclass
class Row:
    """One line of the result table."""

    page: str
    url: str
    times_ms: list[float]
    statuses: dict[int, int]

    @property
    def ok(self) -> bool:
        return set(self.statuses) == {200}

    def percentile(self, share: float) -> float:
        ordered = sorted(self.times_ms)
        return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


@dataclass
class World:
    """The ids the page URLs need, found after the setup."""

    case_total: int
    verification_case: int
    verification_task: str
    screening_task: str
    open_tasks: int
    overdue_tasks: int
    week_tasks: int


# ---- databases ---------------------------------------------------------------------------------------------


# ---- setup -------------------------------------------------------------------------------------------------


def actors(session: Session) -> dict[str, Actor]:
    """The demo users' actors."""
    return {user.username: actor_for(session, user) for user in session.scalars(select(User))}


def intake(index: int) -> dict:
    """Varied intake data of the ``index``-th case."""
    name, position = SUBJECTS[index % len(SUBJECTS)]
    title = TITLES[index % len(TITLES)].format(n=index + 1)
    return {
        "source": SOURCES[index % len(SOURCES)],
        "behaviour_group": BEHAVIOURS[index % len(BEHAVIOURS)],
        "field": FIELDS[(index // 2) % len(FIELDS)],
        "title": title,
        "description": f"{title}. Nội dung chi tiết của phản ánh, người dân đề nghị xem xét, xử lý.",
        "subject": {"name": name, "position": position, "unit": "UBND phường Bến Nghé"},
        "reporter": {"name": "Người phản ánh", "phone": "0900000000"},
    }


def ready_task(session: Session, case_id: int, spec_name: str) -> str:
    """The id of the case's READY task ``spec_name``."""
    query = select(HumanTask.id).where(
        HumanTask.case_id == case_id, HumanTask.state == TaskStatus.READY, HumanTask.spec_name == spec_name
    )
    task_id = session.scalars(query).first()
    if task_id is None:
        raise BenchError(f"case {case_id} has no ready {spec_name} task")
    return task_id


def create_cases(factory: sessionmaker[Session], services: EngineServices, count: int) -> None:
    """``count`` report_1374 cases, a third screened in, a ninth also assigned for verification."""
    with factory() as session:
        unit_ids = dict(session.execute(select(Unit.code, Unit.id).where(Unit.code.in_(UNITS))).all())
    for first in range(0, count, BATCH):
        with transaction(factory) as session:
            people = actors(session)
            runtime = CaseRuntime(session, services)
            for index in range(first, min(first + BATCH, count)):
                unit_id = unit_ids[UNITS[index % len(UNITS)]]
                case = runtime.start_case(
                    people["officer1"], process_key="report_1374", data=intake(index), unit_id=unit_id
                )
                if index % 3 == 0:
                    runtime.complete_task(people["officer1"], ready_task(session, case.id, "screen_report"), SCREEN_IN)
                if index % 9 == 0:
                    task_id = ready_task(session, case.id, "assign_verification")
                    runtime.complete_task(people["lead1"], task_id, ASSIGN)


def spread_dates(factory: sessionmaker[Session], now: datetime, zone: ZoneInfo) -> None:
    """Spread the cases' ``created_at`` over the last ~6 months (oldest id first) and shift their tasks alike."""
    rng = random.Random(1374)
    with transaction(factory) as session:
        cases = session.execute(select(Case.id, Case.created_at).order_by(Case.id)).all()
        ages = sorted((rng.uniform(0, SPREAD_DAYS) for _ in cases), reverse=True)
        targets = [now - timedelta(days=age) for age in ages]
        shift = {case_id: target - created for (case_id, created), target in zip(cases, targets, strict=True)}
        cases_table = Case.__table__
        session.connection().execute(
            cases_table.update()
            .where(cases_table.c.id == bindparam("b_id"))
            .values(created_at=bindparam("b_created"), updated_at=bindparam("b_created")),
            [{"b_id": case_id, "b_created": created + shift[case_id]} for case_id, created in cases],
        )
        tasks = session.execute(select(HumanTask.id, HumanTask.case_id, HumanTask.created_at, HumanTask.due_at)).all()
        tasks_table = HumanTask.__table__
        session.connection().execute(
            tasks_table.update()
            .where(tasks_table.c.id == bindparam("b_id"))
            .values(created_at=bindparam("b_created"), due_at=bindparam("b_due")),
            [
                {
                    "b_id": task_id,
                    "b_created": created + shift[case_id],
                    "b_due": due + shift[case_id] if due is not None else None,
                }
                for task_id, case_id, created, due in tasks
            ],
        )
        # the dates were moved behind the engine's back: count the cases again, as `phananh reports rebuild-counters`
        rebuild_counters(session.connection(), zone=zone)


def set_up(database_url: str, count: int) -> World:
    """Migrate, deploy, load the demo, add ``count`` cases and shape their dates; returns the ids pages need."""
    engine = make_engine(database_url)
    try:
        upgrade_to_head(engine)
        factory = make_session_factory(engine)
        services = build_services(Settings(database_url=database_url, scheduler_enabled=False, secret_key=SECRET_KEY))
        with transaction(factory) as session:
            deploy_path(session, PROJECT_ROOT / "processes", forms=services.forms)
        load_demo(factory, services)
        create_cases(factory, services, count)
        now = services.clock.now()
        spread_dates(factory, now, services.calendar.zone)
        if engine.dialect.name == "postgresql":
            with engine.connect() as connection:
                connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
        with factory() as session:
            return find_world(session, now)
    finally:
        engine.dispose()


def find_world(session: Session, now: datetime) -> World:
    """A case in verification (the most recent one) with its task, a screening task, and task counts."""
    ready = select(HumanTask).where(HumanTask.state == TaskStatus.READY)
    verification = session.scalars(
        ready.where(HumanTask.assignee == "officer1").order_by(HumanTask.created_at.desc())
    ).first()
    screening = session.scalars(
        ready.where(HumanTask.spec_name == "screen_report").order_by(HumanTask.created_at.desc())
    ).first()
    if verification is None or screening is None:
        raise BenchError("no open verification or screening task after the setup")
    count = lambda query: session.scalar(select(func.count()).select_from(query.subquery()))  # noqa: E731
    return World(
        case_total=session.scalar(select(func.count(Case.id))),
        verification_case=verification.case_id,
        verification_task=verification.id,
        screening_task=screening.id,
        open_tasks=count(ready),
        overdue_tasks=count(ready.where(HumanTask.due_at < now)),
        week_tasks=count(ready.where(HumanTask.due_at >= now, HumanTask.due_at < now + timedelta(days=7))),
    )


# ---- server ------------------------------------------------------------------------------------------------


@contextmanager
def api_server(database_url: str, log: Path) -> Iterator[str]:
    """One uvicorn process serving the app on loopback (no scheduler); yields its base URL; always stopped."""
    port = free_port()
    env = {
        **os.environ,
        "PHANANH_DATABASE_URL": database_url,
        "PHANANH_SCHEDULER_ENABLED": "false",
        "PHANANH_SECRET_KEY": SECRET_KEY,
    }
    command = [sys.executable, "-m", "uvicorn", "--factory", "api.app:create_app", "--port", str(port)]
    with log.open("w") as out:
        process = subprocess.Popen(
            [*command, "--log-level", "warning"], cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(base, process, log)
            yield base
        finally:
            stop(process)


def signed_in(base: str, username: str) -> httpx.Client:
    """A client holding the session cookie of ``username``, signed in through the login form."""
    client = httpx.Client(base_url=base, timeout=60)
    form = {"username": username, "password": DEMO_PASSWORD, "next": "/inbox"}
    response = client.post("/login", data=form)
    if response.status_code != 303 or "phananh_session" not in client.cookies:
        client.close()
        raise BenchError(f"sign-in of {username} failed: {response.status_code} {response.text[:300]}")
    return client


# ---- measurement -------------------------------------------------------------------------------------------


def pages(world: World, deep_page: int) -> list[tuple[str, str, str | None]]:
    """(page, URL, signed in as) of every measured page; None = not signed in."""
    return [
        ("login", "/login", None),
        ("inbox", "/inbox", "officer1"),
        ("inbox overdue", "/inbox?tab=overdue", "officer1"),
        ("inbox this week", "/inbox?tab=week", "officer1"),
        ("cases", "/cases", "officer1"),
        ("cases search", f"/cases?q={SEARCH_WORD.replace(' ', '+')}", "officer1"),
        ("cases filtered", "/cases?field=land&status=in_progress", "officer1"),
        ("cases deep page", f"/cases?p={deep_page}", "officer1"),
        ("new case form", "/cases/new", "officer1"),
        ("case in verification", f"/cases/{world.verification_case}", "officer1"),
        ("task (verification)", f"/tasks/{world.verification_task}", "officer1"),
        ("task (screening)", f"/tasks/{world.screening_task}", "officer1"),
        ("overview", "/overview", "supervisor1"),
    ]


def measure(client: httpx.Client, page: str, url: str, requests: int, warmups: int) -> Row:
    """``warmups`` untimed then ``requests`` timed GETs of ``url``, one after the other."""
    statuses: dict[int, int] = {}
    times: list[float] = []
    for index in range(warmups + requests):
        start = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - start) * 1000
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        if index >= warmups:
            times.append(elapsed)
    return Row(page=page, url=url, times_ms=times, statuses=statuses)


def run_backend(label: str, database_url: str, args: argparse.Namespace, logs: Path) -> tuple[list[Row], str]:
    """Set up one backend and measure every page on it; returns the rows and a setup note."""
    start = time.perf_counter()
    world = set_up(database_url, args.cases)
    setup_s = time.perf_counter() - start
    note = (
        f"{label}: setup {setup_s:.1f} s — {world.case_total} cases, {world.open_tasks} open tasks "
        f"({world.overdue_tasks} overdue, {world.week_tasks} due within 7 days)"
    )
    print(note, flush=True)
    deep_page = max(1, min(50, world.case_total // 25))
    rows: list[Row] = []
    with api_server(database_url, logs / f"uvicorn-{label}.log") as base:
        clients = {None: httpx.Client(base_url=base, timeout=60)}
        try:
            for username in ("officer1", "supervisor1"):
                clients[username] = signed_in(base, username)
            for page, url, username in pages(world, deep_page):
                rows.append(measure(clients[username], page, url, args.requests, args.warmups))
        finally:
            for client in clients.values():
                client.close()
    return rows, note


# ---- report ------------------------------------------------------------------------------------------------


def machine_facts(postgres: bool) -> list[tuple[str, str]]:
    """CPU, cores, platform and the versions that matter."""
    facts = [
        ("CPU", cpu_model()),
        ("CPU cores", str(os.cpu_count())),
        ("platform", platform.platform()),
        ("Python", platform.python_version()),
        ("SQLAlchemy", version("sqlalchemy")),
        ("FastAPI", version("fastapi")),
        ("uvicorn", version("uvicorn")),
        ("SQLite library", __import__("sqlite3").sqlite_version),
    ]
    if postgres:
        with admin_connection() as admin:
            facts.append(("PostgreSQL server", admin.execute("SHOW server_version").fetchone()[0]))
        facts.append(("psycopg", version("psycopg")))
    return facts


def table(rows: list[Row]) -> str:
    """The plain aligned result table."""
    header = ("page", "URL", "median ms", "p90 ms", "max ms", "n", f"within {GOAL_MS:.0f} ms")
    lines = [header]
    for row in rows:
        median, p90, worst = statistics.median(row.times_ms), row.percentile(0.9), max(row.times_ms)
        verdict = "yes" if row.ok and worst <= GOAL_MS else "no"
        if not row.ok:
            verdict += " (status " + ", ".join(f"{s}×{n}" for s, n in sorted(row.statuses.items())) + ")"
        url = row.url if len(row.url) <= 48 else row.url[:45] + "..."
        lines.append((row.page, url, f"{median:.1f}", f"{p90:.1f}", f"{worst:.1f}", str(len(row.times_ms)), verdict))
    return aligned_table(lines, numeric={2, 3, 4, 5})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=None, help="cases in the database (default 10000)")
    parser.add_argument("--requests", type=int, default=None, help="timed requests per page (default 30)")
    parser.add_argument("--warmups", type=int, default=3, help="untimed requests per page first (default 3)")
    parser.add_argument("--quick", action="store_true", help="1000 cases, 10 requests per page")
    parser.add_argument("--postgres", action="store_true", help="also on a throwaway PostgreSQL database")
    args = parser.parse_args()
    args.cases = args.cases or (1000 if args.quick else 10_000)
    args.requests = args.requests or (10 if args.quick else 30)

    print("machine:")
    for name, value in machine_facts(args.postgres):
        print(f"  {name:<18} {value}")
    print(
        f"goal: every page within {GOAL_MS:.0f} ms (max of {args.requests} sequential requests after "
        f"{args.warmups} warm-ups, one uvicorn process, client wall time on loopback)\n",
        flush=True,
    )
    backends = [("SQLite", sqlite_database)] + ([("PostgreSQL", postgres_database)] if args.postgres else [])
    results: list[tuple[str, list[Row], str]] = []
    with tempfile.TemporaryDirectory(prefix="phananh_bench_pages_logs_") as logs:
        for label, database in backends:
            with database() as database_url:
                rows, note = run_backend(label, database_url, args, Path(logs))
            results.append((label, rows, note))
    failed = False
    for label, rows, note in results:
        print(f"\n{label} — {note.split(': ', 1)[1]}")
        print(table(rows))
        slow = [row.page for row in rows if max(row.times_ms) > GOAL_MS]
        bad = [row.page for row in rows if not row.ok]
        failed = failed or bool(bad)
        print(f"{label}: {len(rows) - len(slow)}/{len(rows)} pages within {GOAL_MS:.0f} ms", end="")
        print(f"; above: {', '.join(slow)}" if slow else "", end="")
        print(f"; non-200: {', '.join(bad)}" if bad else "")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
