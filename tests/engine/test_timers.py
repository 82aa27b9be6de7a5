"""Reminder (80%) and escalation (100%) timers fire at the right moments, once, with the clock injected."""

from datetime import timedelta

from sqlalchemy import select

from engine.core.models import AuditEvent, CaseTimer, HumanTask
from tests.cases import walk_to_verification
from tests.timers import fire_due_timers

SECOND = timedelta(seconds=1)


def timers_of(world, case_id: int) -> dict[str, CaseTimer]:
    with world.factory() as session:
        return {t.role: t for t in session.scalars(select(CaseTimer).where(CaseTimer.case_id == case_id))}


def task_row(world, task_id: str) -> HumanTask:
    with world.factory() as session:
        return session.get(HumanTask, task_id)


def test_verification_deadline_counts_working_days_and_shows_on_the_task(world):
    start = world.clock.now()
    case_id = walk_to_verification(world, days=10)
    expected_deadline = world.services.calendar.add_working_days(start, 10)
    timers = timers_of(world, case_id)
    assert timers["escalation"].fire_at == expected_deadline
    assert timers["reminder"].fire_at == start + (expected_deadline - start) * 0.8
    verify = world.ready_task(case_id, "verify_report")
    assert verify.due_at == expected_deadline
    assert verify.reminded_at is None and verify.escalated is False


def test_reminder_fires_at_80_percent_and_escalation_at_the_deadline(world):
    case_id = walk_to_verification(world, days=10)
    timers = timers_of(world, case_id)
    verify_id = world.ready_task(case_id, "verify_report").id

    world.clock.set(timers["reminder"].fire_at - SECOND)
    assert fire_due_timers(world.factory, world.services) == 0
    assert task_row(world, verify_id).reminded_at is None

    world.clock.set(timers["reminder"].fire_at + SECOND)
    assert fire_due_timers(world.factory, world.services) == 1
    reminded = task_row(world, verify_id)
    assert reminded.reminded_at == timers["reminder"].fire_at + SECOND
    assert reminded.escalated is False and reminded.state == "ready"

    world.clock.set(timers["escalation"].fire_at - SECOND)
    assert fire_due_timers(world.factory, world.services) == 0
    world.clock.set(timers["escalation"].fire_at + SECOND)
    assert fire_due_timers(world.factory, world.services) == 1
    assert task_row(world, verify_id).escalated is True
    follow_up = world.ready_task(case_id, "follow_up_overdue_verification")
    assert follow_up is not None and follow_up.lane == "supervisor"


def test_each_timer_fires_exactly_once(world):
    case_id = walk_to_verification(world, days=3)
    world.clock.advance(timedelta(days=30))
    assert fire_due_timers(world.factory, world.services) == 2
    assert fire_due_timers(world.factory, world.services) == 0
    with world.factory() as session:
        kinds = list(session.scalars(select(AuditEvent.kind).where(AuditEvent.case_id == case_id)))
    assert kinds.count("timer_fired") == 2
    assert kinds.count("reminder_sent") == 1 and kinds.count("escalated") == 1


def test_overdue_filter_shows_tasks_past_their_deadline(api, world):
    case_id = walk_to_verification(world, days=2)
    assert api.get("/api/tasks", "officer1", params={"overdue": "true"}).json()["total"] == 0
    world.clock.advance(timedelta(days=10))
    overdue = api.get("/api/tasks", "officer1", params={"overdue": "true"}).json()["items"]
    assert [t["case_id"] for t in overdue] == [case_id]


def test_timers_of_a_finished_task_are_cancelled_not_fired(world):
    from tests.cases import VERIFY, complete

    case_id = walk_to_verification(world, days=5)
    complete(world, case_id, "verify_report", "officer1", VERIFY)
    assert {t.status for t in timers_of(world, case_id).values()} == {"cancelled"}
    world.clock.advance(timedelta(days=30))
    assert fire_due_timers(world.factory, world.services) == 0
