"""Moving open tasks in one action: the hand-over of an absent person's tasks, and a team lead's bulk reassign."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.cases.audit import verify_chain
from engine.cases.delegation import KeptReason, hand_over_tasks, reassign_tasks, team_tasks
from engine.cases.runtime import CaseRuntime
from engine.core.db import transaction
from engine.core.errors import Forbidden, InvalidFormData, NotFound
from engine.core.models import Absence, AuditEvent, HumanTask, User
from engine.people.absences import AbsenceConflict, cancel_absence
from tests.cases import start_report, walk_to_verification
from tests.engine.test_absences import declare, delegation_notifications, events


def claimed_screening(world, username: str = "officer1") -> tuple[int, str]:
    """A new case whose screening task ``username`` claimed."""
    case_id = start_report(world)
    task_id, who = world.ready_task(case_id, "screen_report").id, world.actor(username)
    with transaction(world.factory) as session:
        CaseRuntime(session, world.services).claim_task(who, task_id)
    return case_id, task_id


def assignees(world, *task_ids: str) -> list[str | None]:
    """The current assignee of each task."""
    with world.factory() as session:
        return [session.get(HumanTask, task_id).assignee for task_id in task_ids]


def test_handing_over_moves_every_open_task_to_the_deputy_audited_per_case_and_tells_them_once(world):
    first_case, first_task = claimed_screening(world)
    second_case, second_task = claimed_screening(world)
    verification_case = walk_to_verification(world)  # named by the process: it follows too
    verification = world.ready_task(verification_case, "verify_report").id
    untouched_case, untouched = claimed_screening(world, "officer2")
    absence_id = declare(world, start=1, days=3)  # leaves tomorrow: hands over today
    officer = world.actor("officer1")
    with transaction(world.factory) as session:
        done = hand_over_tasks(session, world.services, officer, absence_id)
        assert sorted(t.id for t in done.moved) == sorted([first_task, second_task, verification])
        assert done.kept == []
    assert assignees(world, first_task, second_task, verification, untouched) == ["officer2"] * 4
    for case_id, task_id in ((first_case, first_task), (second_case, second_task), (verification_case, verification)):
        [event] = events(world, case_id, "task_handed_over")
        assert (event.actor, event.task_id) == ("officer1", task_id)
        assert event.payload["from"] == "officer1" and event.payload["to"] == "officer2"
        assert event.payload["absence"] == absence_id
        with world.factory() as session:
            assert verify_chain(session, case_id).valid
    assert events(world, untouched_case, "task_handed_over") == []
    told = delegation_notifications(world, "officer2")
    assert len(told) == 2 and "3 việc" in told[-1].text  # the declaration, then one for the hand-over
    with world.factory() as session:
        assert session.get(Absence, absence_id).handed_over_at == world.clock.now()


def test_a_task_the_deputy_may_not_take_stays_and_is_listed(world):
    _case_id, task_id = claimed_screening(world)
    absence_id = declare(world)
    with transaction(world.factory) as session:  # the deputy loses the officer role meanwhile
        deputy = session.scalars(select(User).where(User.username == "officer2")).one()
        deputy.roles = ["team_lead"]
    lead = world.actor("lead1")
    with transaction(world.factory) as session:
        done = hand_over_tasks(session, world.services, lead, absence_id)
        assert done.moved == [] and [(k.task.id, k.reason) for k in done.kept] == [
            (task_id, KeptReason.DEPUTY_CANNOT_TAKE)
        ]
    assert assignees(world, task_id) == ["officer1"]
    assert len(delegation_notifications(world, "officer2")) == 1  # nothing handed over: no second message


def test_only_the_person_or_their_lead_hands_over_and_never_after_a_cancellation(world):
    claimed_screening(world)
    absence_id = declare(world)
    colleague, officer = world.actor("officer2"), world.actor("officer1")
    with pytest.raises(Forbidden), transaction(world.factory) as session:  # the deputy sees it but may not
        hand_over_tasks(session, world.services, colleague, absence_id)
    with transaction(world.factory) as session:
        cancel_absence(session, officer, absence_id, now=world.clock.now(), zone=world.services.calendar.zone)
    with pytest.raises(AbsenceConflict, match="cancelled"), transaction(world.factory) as session:
        hand_over_tasks(session, world.services, officer, absence_id)


def test_a_finished_absence_hands_nothing_over(world):
    absence_id = declare(world, days=1)
    world.clock.advance(timedelta(days=2))
    officer = world.actor("officer1")
    with pytest.raises(AbsenceConflict, match="ended"), transaction(world.factory) as session:
        hand_over_tasks(session, world.services, officer, absence_id)


def test_a_team_lead_reassigns_several_tasks_at_once_each_audited(world):
    tasks = [claimed_screening(world) for _ in range(2)]
    open_case = start_report(world)
    group_task = world.ready_task(open_case, "screen_report").id
    lead = world.actor("lead1")
    ids = [task_id for _case, task_id in tasks] + [group_task]
    with transaction(world.factory) as session:
        moved = reassign_tasks(session, world.services, lead, ids, "officer2")
        assert [t.assignee for t in moved] == ["officer2"] * 3
    assert assignees(world, *ids) == ["officer2"] * 3
    for case_id in [case for case, _task in tasks] + [open_case]:
        [event] = events(world, case_id, "task_assigned")
        assert (event.actor, event.payload["to"]) == ("lead1", "officer2")
    with world.factory() as session:
        seen = team_tasks(session, lead)
        assert {t.id for t in seen.items} >= set(ids) and seen.total == len(seen.items)


def test_a_bulk_reassign_keeps_nothing_when_one_task_is_refused(world):
    _case, own = claimed_screening(world)
    other_case = start_report(world)
    other_district = world.ready_task(other_case, "screen_report")
    with transaction(world.factory) as session:  # move that case to d2, out of lead1's units
        session.execute(HumanTask.__table__.update().where(HumanTask.id == other_district.id)
                        .values(unit_id=world.units["d2"]))  # fmt: skip
    lead, officer = world.actor("lead1"), world.actor("officer1")
    with pytest.raises(NotFound), transaction(world.factory) as session:
        reassign_tasks(session, world.services, lead, [own, other_district.id], "officer2")
    with pytest.raises(InvalidFormData), transaction(world.factory) as session:  # not a person of the unit
        reassign_tasks(session, world.services, lead, [own], "officer_d2")
    with pytest.raises(Forbidden), transaction(world.factory) as session:  # officers do not assign
        reassign_tasks(session, world.services, officer, [own], "officer2")
    assert assignees(world, own) == ["officer1"]
    with world.factory() as session:
        assert session.scalars(select(AuditEvent).where(AuditEvent.kind == "task_assigned")).first() is None


def test_bulk_reassigning_to_an_absent_officer_hands_the_tasks_to_the_deputy(world):
    _case, task_id = claimed_screening(world, "officer2")
    declare(world)
    lead = world.actor("lead1")
    with transaction(world.factory) as session:
        [moved] = reassign_tasks(session, world.services, lead, [task_id], "officer1")
        assert moved.assignee == "officer2"
