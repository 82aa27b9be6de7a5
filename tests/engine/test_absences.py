"""Absences and deputies: declaring them, who stands in when, and tasks named for an absent person going to the
deputy, audited in the case's chain."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from engine.cases.audit import verify_chain
from engine.cases.runtime import CaseRuntime
from engine.core.db import transaction
from engine.core.errors import Forbidden, NotFound
from engine.core.models import AuditEvent, HumanTask, Notification, Unit, User
from engine.notifications.enums import NotificationKind
from engine.people.absences import (
    AbsenceConflict,
    AbsenceRefused,
    absences_of,
    cancel_absence,
    declare_absence,
    delegation_for,
    deputy_for,
)
from engine.people.auth import create_user
from tests.cases import CONCLUDE, VERIFY, complete, start_report, walk_to_verification
from tests.factories import PASSWORD


def today(world) -> date:
    """The local day of the world's clock."""
    return world.clock.now().astimezone(world.services.calendar.zone).date()


def declare(world, actor: str = "officer1", *, deputy: str = "officer2", start: int = 0, days: int = 5, **kw):
    """Declare an absence starting ``start`` days from today; returns its id."""
    first, who = today(world) + timedelta(days=start), world.actor(actor)
    with transaction(world.factory) as session:
        absence = declare_absence(
            session, who, starts_on=first, ends_on=first + timedelta(days=days - 1),
            deputy_username=deputy, reason=kw.pop("reason", "Nghỉ phép năm"), now=world.clock.now(),
            zone=world.services.calendar.zone, **kw,
        )  # fmt: skip
        return absence.id


def events(world, case_id: int, *kinds: str) -> list[AuditEvent]:
    """The audit events of a case of the given kinds, oldest first."""
    with world.factory() as session:
        query = select(AuditEvent).where(AuditEvent.case_id == case_id, AuditEvent.kind.in_(kinds))
        return list(session.scalars(query.order_by(AuditEvent.seq)))


def delegation_notifications(world, username: str) -> list[Notification]:
    """The ``delegation`` notifications of a person."""
    with world.factory() as session:
        user_id = session.scalars(select(User.id).where(User.username == username)).one()
        query = select(Notification).where(
            Notification.user_id == user_id, Notification.kind == NotificationKind.DELEGATION
        )
        return list(session.scalars(query.order_by(Notification.id)))


def test_an_officer_declares_an_absence_and_the_deputy_is_told(world):
    absence_id = declare(world)
    officer1, officer2, lead, other = (world.actor(n) for n in ("officer1", "officer2", "lead1", "supervisor_d2"))
    with world.factory() as session:
        listed = absences_of(session, officer1)
        assert [(a.id, a.user.username, a.deputy.username, a.reason) for a in listed] == [
            (absence_id, "officer1", "officer2", "Nghỉ phép năm")
        ]
        assert [a.id for a in absences_of(session, officer2)] == [absence_id]  # the deputy sees it
        assert [a.id for a in absences_of(session, lead)] == [absence_id]  # the lead of the unit
        assert absences_of(session, other) == []  # another district does not
    [told] = delegation_notifications(world, "officer2")
    assert "vắng mặt" in told.text and told.link == "/absences"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"start": 3, "days": 0}, "dates_reversed"),
        ({"start": -10, "days": 3}, "in_the_past"),
        ({"start": 0, "days": 400}, "too_long"),
        ({"deputy": "officer1"}, "deputy_is_self"),
        ({"deputy": "nobody"}, "no_deputy"),
        ({"deputy": "lead1"}, "deputy_role"),  # a team lead, not an officer
        ({"deputy": "officer_d2"}, "deputy_unit"),  # an officer of another district
        ({"reason": "   "}, "reason_missing"),
    ],
)
def test_a_badly_chosen_absence_is_refused_naming_the_problem(world, change, code):
    with pytest.raises(AbsenceRefused) as refused:
        declare(world, **change)
    assert refused.value.code == code
    assert "field" in refused.value.message or "days" in refused.value.message


def test_overlaps_a_deputy_away_and_a_person_standing_in_are_conflicts(world):
    with transaction(world.factory) as session:
        d1 = session.get(Unit, world.units["d1"])
        create_user(session, username="officer3", password=PASSWORD, roles=["officer"], units=[d1])
    declare(world, start=2, days=5)  # officer1, days 2 to 6, officer2 stands in
    with pytest.raises(AbsenceConflict, match="already away") as overlap:
        declare(world, start=6, days=3)
    assert overlap.value.code == "overlap"
    with pytest.raises(AbsenceConflict) as standing_in:  # officer2 stands in for officer1 on day 5
        declare(world, "officer2", deputy="officer3", start=5, days=3)
    assert standing_in.value.code == "person_is_deputy"
    with pytest.raises(AbsenceConflict) as deputy_away:  # officer1 is away on day 3: no deputy for officer3
        declare(world, "officer3", deputy="officer1", start=3, days=2)
    assert deputy_away.value.code == "deputy_absent"
    declare(world, "officer2", deputy="officer1", start=10, days=3)  # after the absence: fine


def test_only_the_person_or_a_lead_of_their_unit_declares_it(world):
    with pytest.raises(Forbidden, match="only officer2"):
        declare(world, "officer1", username="officer2", deputy="officer1")
    with pytest.raises(Forbidden, match="not in one of their units"):
        declare(world, "supervisor_d2", username="officer1", deputy="officer2")
    absence_id = declare(world, "lead1", username="officer1", deputy="officer2")
    officer1, other = world.actor("officer1"), world.actor("supervisor_d2")
    with world.factory() as session:
        assert [a.created_by for a in absences_of(session, officer1)] == ["lead1"]
    with pytest.raises(NotFound), transaction(world.factory) as session:  # hidden from other districts
        cancel_absence(session, other, absence_id, now=world.clock.now(), zone=world.services.calendar.zone)


def test_the_deputy_stands_in_on_the_days_of_the_absence_only(world):
    absence_id = declare(world, start=1, days=2)
    zone, now = world.services.calendar.zone, world.clock.now()
    with world.factory() as session:
        officer1 = session.scalars(select(User).where(User.username == "officer1")).one()
        who = [deputy_for(session, officer1.id, now + timedelta(days=d), zone) for d in range(4)]
        assert [u.username if u else None for u in who] == [None, "officer2", "officer2", None]
        unit = world.units["w11"]  # below d1: officer2 sees it
        found = delegation_for(session, "officer1", role="officer", unit_id=unit, at=now + timedelta(days=1), zone=zone)
        assert found is not None and (found.deputy, found.absence_id) == ("officer2", absence_id)
        assert delegation_for(session, "officer1", role="team_lead", unit_id=unit, at=now + timedelta(days=1),
                              zone=zone) is None  # fmt: skip  # the deputy lacks that role: no delegation
    officer = world.actor("officer1")
    with transaction(world.factory) as session:
        cancel_absence(session, officer, absence_id, now=now, zone=zone)
    with world.factory() as session:
        assert deputy_for(session, officer1.id, now + timedelta(days=1), zone) is None
    with pytest.raises(AbsenceConflict, match="cancelled"), transaction(world.factory) as session:
        cancel_absence(session, officer, absence_id, now=now, zone=zone)


def test_a_task_the_process_names_for_an_absent_officer_goes_to_the_deputy_and_the_chain_says_so(world):
    absence_id = declare(world)
    case_id = walk_to_verification(world)  # the lead names officer1 as the verifying officer
    assert world.ready_task(case_id, "verify_report").assignee == "officer2"
    [delegated] = events(world, case_id, "task_delegated")
    assert delegated.actor == "system"
    assert delegated.payload == {"task": "verify_report", "from": "officer1", "to": "officer2", "absence": absence_id}
    complete(world, case_id, "verify_report", "officer2", VERIFY)  # the conclusion follows the deputy, too
    assert world.ready_task(case_id, "conclude_verification").assignee == "officer2"
    complete(world, case_id, "conclude_verification", "officer2", CONCLUDE)
    with world.factory() as session:
        assert verify_chain(session, case_id).valid


def test_after_the_absence_tasks_go_to_the_person_again(world):
    declare(world, days=1)
    world.clock.advance(timedelta(days=1))
    case_id = walk_to_verification(world)
    assert world.ready_task(case_id, "verify_report").assignee == "officer1"
    assert events(world, case_id, "task_delegated") == []


def test_assigning_to_an_absent_officer_gives_the_task_to_the_deputy(world):
    absence_id = declare(world)
    case_id = start_report(world)
    task_id, lead = world.ready_task(case_id, "screen_report").id, world.actor("lead1")
    with transaction(world.factory) as session:
        task = CaseRuntime(session, world.services).assign_task(lead, task_id, "officer1")
        assert task.assignee == "officer2"
    assigned, delegated = events(world, case_id, "task_assigned", "task_delegated")
    assert (assigned.kind, assigned.payload["to"]) == ("task_assigned", "officer1")
    assert (delegated.kind, delegated.payload["to"], delegated.payload["absence"]) == (
        "task_delegated", "officer2", absence_id,
    )  # fmt: skip
    with world.factory() as session:  # the deputy, who now holds it, is told; the absent person is not
        told = session.execute(
            select(User.username).join(Notification, Notification.user_id == User.id)
            .where(Notification.kind == NotificationKind.TASK_ASSIGNED)
        ).scalars().all()  # fmt: skip
    assert told == ["officer2"]


def test_an_absent_officer_may_still_claim_a_task(world):
    declare(world)
    case_id = start_report(world)
    task_id, officer = world.ready_task(case_id, "screen_report").id, world.actor("officer1")
    with transaction(world.factory) as session:
        assert CaseRuntime(session, world.services).claim_task(officer, task_id).assignee == "officer1"
    with world.factory() as session:
        assert session.get(HumanTask, task_id).assignee == "officer1"
