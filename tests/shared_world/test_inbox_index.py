"""The inbox over a seeded table of ~6,000 tasks: exactly the right tasks and counts, and every statement seeks
``ix_human_tasks_inbox`` (EXPLAIN on both backends) and filters by the person's units."""

import random
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.engine import Engine

from engine.cases.enums import CaseStatus, TaskStatus
from engine.cases.queries import INBOX_TABS, WEEK, inbox, inbox_counts, inbox_tab
from engine.core.models import Case, HumanTask, ProcessDefinition
from tests.factories import World

CASES = 3_000
FIRST_ID = 100_001
PEOPLE = ("officer1", "officer2", "lead1", "supervisor1", "officer_d2")
LANES = ("officer", "officer", "officer", "team_lead", "supervisor")


def seeded_rows(world: World, definition_id: int) -> tuple[list[dict], list[dict]]:
    """CASES cases over every unit, two tasks each; ~10 % open, their last task ready, half of them claimed."""
    rng = random.Random(31)
    now = world.clock.now()
    units = sorted(world.units.values())
    cases, tasks = [], []
    for case_id in range(FIRST_ID, FIRST_ID + CASES):
        unit_id, is_open = rng.choice(units), rng.random() < 0.10
        created = now - timedelta(days=rng.uniform(1, 400))
        for number in range(2):
            ready = is_open and number == 1
            assignee = rng.choice((*PEOPLE, None)) if rng.random() < 0.6 else None
            tasks.append({
                "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "case_id": case_id, "unit_id": unit_id,
                "spec_name": "verify_report", "name": f"Bước {number}", "lane": rng.choice(LANES), "form": None,
                "state": TaskStatus.READY if ready else TaskStatus.COMPLETED, "assignee": assignee,
                "due_at": now + timedelta(days=rng.uniform(-10, 20)) if rng.random() < 0.8 else None,
                "escalated": False, "created_at": created + timedelta(minutes=number),
                "completed_at": None if ready else created + timedelta(days=1), "completed_by": None,
            })  # fmt: skip
        cases.append({
            "id": case_id, "tracking_code": f"PA-T-{case_id}", "process_key": "report_1374",
            "definition_id": definition_id, "process_version": 1, "unit_id": unit_id,
            "status": CaseStatus.IN_PROGRESS if is_open else CaseStatus.COMPLETED,
            "title": f"Phản ánh {'vỉa hè' if case_id % 7 == 0 else 'khác'} {case_id}", "state": "{}", "version": 1,
            "created_by": "officer1", "created_at": created, "updated_at": created, "audit_seq": 0,
            "audit_head": "0" * 64,
        })  # fmt: skip
    return cases, tasks


@pytest.fixture(scope="module")
def seeded(world: World) -> list[dict]:
    """The seeded task rows (cases and tasks written with Core inserts, then ANALYZE), once per backend."""
    engine = world.factory.kw["bind"]
    with world.factory() as session:
        definition_id = session.scalars(
            select(ProcessDefinition.id).where(ProcessDefinition.key == "report_1374")
        ).first()
    cases, tasks = seeded_rows(world, definition_id)
    with engine.begin() as connection:
        connection.execute(Case.__table__.insert(), cases)
        connection.execute(HumanTask.__table__.insert(), tasks)
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    return tasks


def expected(world: World, tasks: list[dict], username: str) -> list[dict]:
    """The open tasks the person's inbox must list: theirs, or their group's, in the units they see."""
    actor = world.actor(username)
    return [
        task
        for task in tasks
        if task["state"] == TaskStatus.READY
        and task["unit_id"] in actor.visible_unit_ids
        and (task["assignee"] == username or (task["assignee"] is None and task["lane"] in actor.roles))
    ]


def in_tab(task: dict, tab: str, username: str, now) -> bool:
    due = task["due_at"]
    return {
        "all": True,
        "mine": task["assignee"] == username,
        "group": task["assignee"] is None,
        "overdue": due is not None and due < now,
        "week": due is not None and now <= due < now + WEEK,
    }[tab]


@pytest.mark.parametrize("username", PEOPLE)
def test_the_inbox_lists_exactly_the_open_tasks_of_the_person_and_their_group(world, seeded, username):
    actor, now = world.actor(username), world.clock.now()
    mine = expected(world, seeded, username)
    assert mine, "the seed gives everyone open tasks"
    with world.factory() as session:
        for tab in INBOX_TABS:
            want = [task for task in mine if in_tab(task, tab, username, now)]
            listed = []
            for page in (1, 2, 3, 4):
                listed += inbox_tab(session, actor, tab, now=now, page=page, page_size=200).items
            assert sorted(task.id for task in listed) == sorted(task["id"] for task in want), tab
            deadlines = [task.due_at for task in listed]
            assert deadlines == sorted(deadlines, key=lambda due: (due is None, due)), tab
        counts = inbox_counts(session, actor, now=now)
    assert counts == {tab: sum(in_tab(task, tab, username, now) for task in mine) for tab in INBOX_TABS}


def test_a_page_of_all_tasks_carries_its_total_and_the_tab_counts_in_one_statement(world, seeded):
    """The "all" page's statement counts its rows and every tab's (window counts); a narrower page counts apart."""
    actor, now = world.actor("supervisor1"), world.clock.now()
    mine = expected(world, seeded, "supervisor1")
    engine = world.factory.kw["bind"]
    with world.factory() as session:
        with statements(engine) as log:
            first = inbox(session, actor, now=now, page=1, page_size=10)
        assert (first.total, len(first.items), len(log)) == (len(mine), 10, 1)
        assert first.counts == inbox_counts(session, actor, now=now)
        counted = inbox_counts(session, actor, now=now, q="vỉa hè")
        assert 0 < counted["group"] < counted["all"] < len(mine)
        for sort in ("received", "code", "step"):
            with statements(engine) as log:
                searched = inbox(session, actor, now=now, q="vỉa hè", sort=sort)
            assert (searched.counts, searched.total, len(log)) == (counted, counted["all"], 1)
            with statements(engine) as log:
                group = inbox(session, actor, now=now, assigned="group", q="vỉa hè", sort=sort)
            assert (group.counts, group.total, len(log)) == (counted, counted["group"], 2)
        uncounted = inbox(session, actor, now=now, assigned="me", with_counts=False)
        assert (uncounted.counts, uncounted.total) == ({}, first.counts["mine"]) and first.counts["mine"] > 0


def test_the_tab_counts_ignore_the_page_filters_and_survive_an_empty_page(world, seeded):
    """A process or case filter narrows the page, not the tab counts; a page with no row counts them apart."""
    actor, now = world.actor("supervisor1"), world.clock.now()
    mine = expected(world, seeded, "supervisor1")
    with world.factory() as session:
        counted = inbox_counts(session, actor, now=now)
        one_case = inbox(session, actor, now=now, case_id=mine[0]["case_id"])
        assert ([task.id for task in one_case.items], one_case.counts) == ([mine[0]["id"]], counted)
        other_process = inbox(session, actor, now=now, process="complaint")
        assert (other_process.items, other_process.total, other_process.counts) == ([], 0, counted)
        same_process = inbox(session, actor, now=now, process="report_1374", page_size=200)
        assert (same_process.total, same_process.counts) == (len(mine), counted)
        past_the_end = inbox(session, actor, now=now, page=len(mine) // 10 + 2, page_size=10)
        assert (past_the_end.items, past_the_end.total, past_the_end.counts) == ([], len(mine), counted)


@contextmanager
def statements(engine: Engine) -> Iterator[list[tuple[str, object]]]:
    """The (SQL, parameters) of every statement on human_tasks run while open."""
    log: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        if "human_tasks" in statement:
            log.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield log
    finally:
        event.remove(engine, "before_cursor_execute", record)


def inbox_statements(world: World, username: str) -> list[tuple[str, object]]:
    """Every statement of every inbox view with its counts, as the REST inbox runs them."""
    actor, now = world.actor(username), world.clock.now()
    views = ({}, {"assigned": "me"}, {"assigned": "group"}, {"overdue": True}, {"due_before": now + WEEK},
             {"q": "vỉa hè"}, {"sort": "received", "order": "desc"}, {"page": 2, "page_size": 20})  # fmt: skip
    with statements(world.factory.kw["bind"]) as log, world.factory() as session:
        for view in views:
            inbox(session, actor, now=now, **view)
    return log


@pytest.mark.parametrize("username", ("officer1", "supervisor1"))
def test_every_inbox_statement_seeks_the_inbox_index(world, seeded, username):
    engine = world.factory.kw["bind"]
    postgres = engine.dialect.name == "postgresql"
    log = inbox_statements(world, username)
    assert len(log) >= 8
    with engine.connect() as connection:
        for statement, parameters in log:
            prefix = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
            plan = "\n".join(str(row[-1]) for row in connection.exec_driver_sql(prefix + statement, parameters))
            seek = r"Index Cond: .*state.*assignee" if postgres else r"ix_human_tasks_inbox \(state=\? AND assignee=\?"
            assert "ix_human_tasks_inbox" in plan and re.search(seek, plan), plan
            assert "Seq Scan on human_tasks" not in plan and "SCAN human_tasks" not in plan, plan


def test_every_inbox_statement_filters_by_the_persons_units(world):
    """Each branch of the inbox's condition names ``human_tasks.unit_id IN``: a unit-sharded database can route it."""
    for statement, _ in inbox_statements(world, "officer1"):
        where = statement.split("WHERE", 1)[1]
        assert where.count("human_tasks.unit_id IN") == 1 + where.count("OR human_tasks.assignee IS NULL"), where
