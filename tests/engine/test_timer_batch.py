"""A claimed batch of timers fires in one transaction with a savepoint per timer: a timer whose case conflicts
rolls back alone and is given back, the others commit together, each exactly once; and a fired timer that changes
no searchable text issues no search statement (one that does is re-indexed)."""

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from engine.cases import scheduler
from engine.cases.enums import TimerStatus
from engine.cases.runtime import CaseRuntime
from engine.cases.scheduler import WorkerSettings, fire_one_batch
from engine.core.db import transaction
from engine.core.errors import Conflict
from engine.core.models import AuditEvent, CaseTimer
from engine.processes.deployment import deploy_bpmn
from engine.search.index import stored_document
from tests.factories import FIXTURES

WORKER = WorkerSettings(worker_id="batch-worker", batch_size=10)


def started_cases(world, fixture: str, process_key: str, count: int) -> dict[str, int]:
    """``count`` cases of a one-timer fixture (due a second after they start); returns case id per timer id."""
    content = (FIXTURES / fixture).read_bytes()
    with transaction(world.factory) as session:
        deploy_bpmn(session, content=content, filename=fixture, forms=world.services.forms)
    officer = world.actor("officer1")
    with transaction(world.factory) as session:
        runtime = CaseRuntime(session, world.services)
        data = {"title": "Chờ hẹn giờ"}
        case_ids = [runtime.start_case(officer, process_key=process_key, data=data).id for _ in range(count)]
    with world.factory() as session:
        rows = session.execute(select(CaseTimer.id, CaseTimer.case_id).where(CaseTimer.case_id.in_(case_ids)))
        return {timer_id: case_id for timer_id, case_id in rows}


def fired_events(world) -> Counter:
    with world.factory() as session:
        return Counter(session.scalars(select(AuditEvent.task_id).where(AuditEvent.kind == "timer_fired")))


def recorded(world):
    """Statements and commits on the world's engine while the block runs."""
    engine = world.factory.kw["bind"]
    seen: dict[str, list] = {"statements": [], "commits": []}

    def statement(_conn, _cursor, text, _params, _context, _many) -> None:
        seen["statements"].append(text)

    def commit(_conn) -> None:
        seen["commits"].append(1)

    class Recording:
        def __enter__(self):
            event.listen(engine, "before_cursor_execute", statement)
            event.listen(engine, "commit", commit)
            return seen

        def __exit__(self, *exc):
            event.remove(engine, "before_cursor_execute", statement)
            event.remove(engine, "commit", commit)

    return Recording()


def conflict_for(monkeypatch, failing_case: int) -> None:
    """The failing case's timer fires (audit, index, state written), then its case reports a conflict."""
    fire = CaseRuntime.fire_timer

    def fire_or_conflict(self, timer, case=None):
        case = fire(self, timer, case)
        if timer.case_id == failing_case:
            raise Conflict("the case changed under the worker")
        return case

    monkeypatch.setattr(CaseRuntime, "fire_timer", fire_or_conflict)


def test_a_conflicting_timer_rolls_back_alone_and_the_batch_commits_once(world, monkeypatch):
    timers = started_cases(world, "timer_only.bpmn", "timer_only_demo", 5)
    failing_timer = sorted(timers)[2]
    conflict_for(monkeypatch, timers[failing_timer])
    world.clock.advance(timedelta(seconds=2))
    with recorded(world) as seen:
        outcome = fire_one_batch(world.factory, world.services, WORKER)
    assert (outcome.claimed, outcome.fired, outcome.given_back) == (5, 4, 1)
    assert len(seen["commits"]) == 2  # the claim, then the whole batch
    events = fired_events(world)
    assert {timer_id: events[timer_id] for timer_id in timers} == {t: int(t != failing_timer) for t in timers}
    with world.factory() as session:
        failing = session.get(CaseTimer, failing_timer)
        assert (failing.status, failing.claimed_by, failing.lease_until, failing.fired_at) == (
            TimerStatus.WAITING, None, None, None)  # fmt: skip
        others = session.scalars(select(CaseTimer.status).where(CaseTimer.id.in_(set(timers) - {failing_timer})))
        assert set(others) == {TimerStatus.FIRED}
    monkeypatch.undo()
    again = fire_one_batch(world.factory, world.services, WORKER)
    assert (again.claimed, again.fired, again.given_back) == (1, 1, 0)
    assert {timer_id: fired_events(world)[timer_id] for timer_id in timers} == dict.fromkeys(timers, 1)


def test_an_unexpected_error_keeps_the_timers_fired_before_it_and_propagates(world, monkeypatch):
    timers = started_cases(world, "timer_only.bpmn", "timer_only_demo", 4)
    order = sorted(timers)  # claimed in fire_at order; these cases started in one transaction, so ties: any order
    fire = CaseRuntime.fire_timer
    seen: list[str] = []

    def fire_then_break(self, timer, case=None):
        """The third timer met breaks, every time it is fired (the batch fires again timer by timer)."""
        if timer.id not in seen:
            seen.append(timer.id)
        if len(seen) > 2 and timer.id == seen[2]:
            raise RuntimeError("a bug in a process script")
        return fire(self, timer, case)

    monkeypatch.setattr(CaseRuntime, "fire_timer", fire_then_break)
    world.clock.advance(timedelta(seconds=2))
    with pytest.raises(RuntimeError):
        fire_one_batch(world.factory, world.services, WORKER)
    events = fired_events(world)
    assert {timer_id: events[timer_id] for timer_id in order} == {t: int(t in seen[:2]) for t in order}


def test_a_plain_timer_issues_no_search_statement(world):
    timers = started_cases(world, "timer_only.bpmn", "timer_only_demo", 2)
    world.clock.advance(timedelta(seconds=2))
    with recorded(world) as seen:
        outcome = fire_one_batch(world.factory, world.services, WORKER)
    assert outcome.fired == 2
    assert not [text for text in seen["statements"] if "search" in text.lower()]
    with world.factory() as session:
        assert {stored_document(session, case_id).title for case_id in timers.values()} == {"Chờ hẹn giờ"}


def test_a_timer_whose_script_changes_the_title_is_reindexed(world):
    timers = started_cases(world, "timer_sets_title.bpmn", "timer_sets_title_demo", 2)
    world.clock.advance(timedelta(seconds=2))
    outcome = fire_one_batch(world.factory, world.services, WORKER)
    assert outcome.fired == 2
    with world.factory() as session:
        assert {stored_document(session, case_id).title for case_id in timers.values()} == {"Quá hạn xử lý"}


def test_a_batch_commits_every_so_many_savepoints(world, monkeypatch):
    monkeypatch.setattr(scheduler, "SAVEPOINTS_PER_TRANSACTION", 2)
    timers = started_cases(world, "timer_only.bpmn", "timer_only_demo", 5)
    world.clock.advance(timedelta(seconds=2))
    with recorded(world) as seen:
        outcome = fire_one_batch(world.factory, world.services, WORKER)
    assert (outcome.claimed, outcome.fired, len(seen["commits"])) == (5, 5, 1 + 3)  # the claim, then 2 + 2 + 1
    assert {timer_id: fired_events(world)[timer_id] for timer_id in timers} == dict.fromkeys(timers, 1)


def test_sqlite_fires_fewer_timers_per_transaction_so_the_write_lock_is_held_briefly(world):
    timers = started_cases(world, "timer_only.bpmn", "timer_only_demo", 20)
    world.clock.advance(timedelta(seconds=2))
    with recorded(world) as seen:
        outcome = fire_one_batch(world.factory, world.services, WorkerSettings(worker_id="w", batch_size=20))
    on_sqlite = world.settings.database_url.startswith("sqlite")
    assert (outcome.claimed, outcome.fired) == (20, 20)
    assert len(seen["commits"]) == (1 + 3 if on_sqlite else 1 + 1)  # the claim, then 8 + 8 + 4 on SQLite
    assert {timer_id: fired_events(world)[timer_id] for timer_id in timers} == dict.fromkeys(timers, 1)


def test_a_batch_without_conflict_takes_no_savepoint_and_reads_each_timer_with_its_case(world):
    timers = started_cases(world, "timer_only.bpmn", "timer_only_demo", 3)
    world.clock.advance(timedelta(seconds=2))
    with recorded(world) as seen:
        outcome = fire_one_batch(world.factory, world.services, WORKER)
    assert (outcome.claimed, outcome.fired, outcome.given_back) == (3, 3, 0)
    statements = [" ".join(text.split()).upper() for text in seen["statements"]]
    assert not [text for text in statements if "SAVEPOINT" in text]
    timers_with_cases = [text for text in statements if text.startswith("SELECT") and "CASE_TIMERS JOIN CASES" in text]
    assert len(timers_with_cases) == 3
    assert not [text for text in statements if text.startswith("SELECT CASES.")]  # no second read of a case
    assert {timer_id: fired_events(world)[timer_id] for timer_id in timers} == dict.fromkeys(timers, 1)
