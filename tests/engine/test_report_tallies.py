"""The tally of a case's settled steps: a long case's counters read only its steps not tallied yet, and still equal a
recount that reads every step."""

from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from engine.cases.enums import TaskStatus
from engine.core.db import transaction
from engine.core.models import HumanTask, ReportCount, ReportCountedCase
from engine.reports.counters import COUNTED_WITH_TASKS, TALLY_AFTER, rebuild_counters
from engine.reports.tally import SettledTally
from tests.cases import complete, start_report
from tests.engine.test_runtime import deploy_fixture

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
YEAR = datetime.now(UTC).year + 1
ROUNDS = 30


def counters(world) -> Counter:
    with world.factory() as session:
        rows = session.execute(select(ReportCount).where(ReportCount.count != 0)).scalars()
        return Counter({(r.zone, r.unit_id, r.process_key, r.month, r.figure, r.code): r.count for r in rows})


def long_case_with_deadlines(world, rounds: int = ROUNDS) -> int:
    """A checklist whose every item is due in 5 working days, walked ``rounds`` items from March (more are left):
    every fourth item is checked two weeks late, so its steps fall in several months, some late, with overdue
    spells."""
    world.services.issue_documents = False
    world.clock.set(datetime(YEAR, 3, 2, 9, tzinfo=ZONE).astimezone(UTC))
    deploy_fixture(world, "long_checklist_deadlines.bpmn")
    data = {"title": "Danh mục dài có hạn", "rounds": rounds + 5}
    case_id = start_report(world, data=data, process_key="long_checklist_deadlines")
    for item in range(1, rounds + 1):
        world.clock.advance(timedelta(days=14 if item % 4 == 0 else 1))
        complete(world, case_id, "check_item", "officer1", {})
    return case_id


def untallied_rows(world, case_id: int) -> list:
    with world.factory() as session:
        rows = session.connection().execute(COUNTED_WITH_TASKS, {"case_id": case_id}).all()
    return [row for row in rows if row.case_id is not None]


def test_a_long_case_reads_only_its_steps_not_tallied_and_counts_as_a_recount_of_every_step(world):
    case_id = long_case_with_deadlines(world)
    with world.factory() as session:
        tallied = session.scalar(select(func.count()).where(HumanTask.case_id == case_id, HumanTask.tallied))
        stored = session.get(ReportCountedCase, case_id)
    read = untallied_rows(world, case_id)
    assert tallied >= ROUNDS - TALLY_AFTER, "the settled steps were tallied in batches"
    assert len(read) <= TALLY_AFTER, "a recount reads at most the batch of settled steps and the open one"
    assert [row.state for row in read].count(TaskStatus.READY) == 1
    tally = SettledTally.from_json(stored.settled)
    assert tally.late and sum(tally.steps.values()) == tallied, "each tallied step counted once, some late"
    assert len({code for (_unit, _month, code) in tally.steps}) == 2 and len(tally.spells) >= 1
    steps = [entry for entry in stored.keys if entry[3] == "steps"]
    assert sum(entry[5] for entry in steps) == ROUNDS and len(steps) < ROUNDS / 2, "keys stored with their times"
    kept = counters(world)
    with transaction(world.factory) as session:
        rebuild_counters(session.connection(), zone=ZONE)
    assert counters(world) == kept, "the kept counters equal a recount that reads every step"


def test_a_rebuild_forgets_the_tallies_and_the_next_actions_tally_again(world):
    case_id = long_case_with_deadlines(world, rounds=12)
    with transaction(world.factory) as session:
        rebuild_counters(session.connection(), zone=ZONE)
    with world.factory() as session:
        assert session.get(ReportCountedCase, case_id).settled is None
    assert len(untallied_rows(world, case_id)) == 13, "every step is read again after a rebuild"
    kept = counters(world)
    world.clock.advance(timedelta(days=1))
    complete(world, case_id, "check_item", "officer1", {})
    assert len(untallied_rows(world, case_id)) == 1, "the next completion tallied the settled steps again"
    after = counters(world)
    changed = Counter(after)
    changed.subtract(kept)
    assert {key[3:]: n for key, n in changed.items() if key[4] == "steps" and n} == {
        (f"{YEAR}-04", "steps", "on_time"): 1
    }, "the new step counted once, the tallied ones not again"
    with transaction(world.factory) as session:
        rebuild_counters(session.connection(), zone=ZONE)
    assert counters(world) == after


def test_a_tally_takes_only_settled_steps_and_is_stored_as_plain_lists():
    due = datetime(YEAR, 3, 31, 9, tzinfo=ZONE)
    step = HumanTask(unit_id=3, due_at=due, completed_at=due + timedelta(days=2), escalated=False,
                     state=TaskStatus.COMPLETED)  # fmt: skip
    tally = SettledTally().fold([step], ZONE)
    assert tally.late and tally.steps == Counter({(3, f"{YEAR}-04", "late"): 1})
    assert tally.spells == ((YEAR * 12 + 3, YEAR * 12 + 4),), "overdue at the boundary of 1 April only"
    assert SettledTally.from_json(tally.to_json()) == tally and SettledTally.from_json(None).empty
    open_step = HumanTask(unit_id=3, due_at=due, completed_at=None, escalated=False, state=TaskStatus.READY)
    with pytest.raises(ValueError, match="open step"):
        tally.fold([open_step], ZONE)
