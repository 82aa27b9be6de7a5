"""The legal lifecycle: suspension (tạm đình chỉ) pauses every deadline of a case, resumption moves them by exactly
the paused days (calendar or working days, as each period is counted), termination (đình chỉ) and withdrawal (rút
đơn) end the case with no open task and no waiting timer.

Tết 2027 runs from Thursday 4 to Wednesday 10 February; a pause from Monday 1 to Saturday 13 February is 12
calendar days and 5 working days (1, 2, 3, 11 and 12 February).
"""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from engine.cases.enums import CaseStatus, DecisionKind
from engine.cases.legal_dates import InvalidDecisionDate
from engine.cases.lifecycle import (
    CaseNotOpen,
    case_decisions,
    resume_case,
    suspend_case,
    terminate_case,
    withdraw_case,
)
from engine.core.db import transaction
from engine.core.errors import CaseSuspended, Forbidden
from engine.core.models import AuditEvent, CaseTimer, HumanTask
from engine.core.settings import PROJECT_ROOT
from engine.processes.lint import lint_bpmn
from engine.reports.overview import build_overview
from tests import complaints as k
from tests import denunciations as d
from tests.petitions import case_data, case_row, local, waiting_timers
from tests.timers import fire_due_timers

MONDAY_25_JANUARY = datetime(2027, 1, 25, 2, 0, tzinfo=UTC)  # 09:00 local
MONDAY_1_FEBRUARY = datetime(2027, 2, 1, 2, 0, tzinfo=UTC)
SATURDAY_13_FEBRUARY = datetime(2027, 2, 13, 2, 0, tzinfo=UTC)
ACCEPT_ON_25_JANUARY = {**k.ACCEPT, "accepted_on": "2027-01-25"}


def decide(world, action, case_id: int, day: str, username: str = "lead1", reason: str = "Chờ kết quả giám định"):
    with transaction(world.factory) as session:
        return action(session, world.services, world.actor(username), case_id=case_id, reason=reason, decided_on=day)


def complaint_received_25_january(world) -> int:
    world.clock.set(MONDAY_25_JANUARY)
    return k.start_complaint(world, received_on="2027-01-25")


def test_a_suspension_across_tet_moves_the_acceptance_timers_by_12_calendar_days(world):
    case_id = complaint_received_25_january(world)
    before = waiting_timers(world, case_id)
    assert before["accept_complaint_escalation"].fire_at == local(2027, 2, 4)
    assert before["accept_complaint_reminder"].fire_at == local(2027, 2, 2)

    world.clock.set(MONDAY_1_FEBRUARY)
    assert decide(world, suspend_case, case_id, "2027-02-01").status == CaseStatus.SUSPENDED
    world.clock.set(datetime(2027, 2, 12, 10, 0, tzinfo=UTC))  # both timers are past due: neither fires
    assert fire_due_timers(world.factory, world.services) == 0
    assert {t.status for t in waiting_timers(world, case_id).values()} == {"waiting"}

    world.clock.set(SATURDAY_13_FEBRUARY)
    assert decide(world, resume_case, case_id, "2027-02-13").status == CaseStatus.IN_PROGRESS
    after = waiting_timers(world, case_id)
    assert after["accept_complaint_escalation"].fire_at == local(2027, 2, 16)
    assert after["accept_complaint_reminder"].fire_at == local(2027, 2, 14)
    assert world.ready_task(case_id, "accept_complaint").due_at == local(2027, 2, 16)
    assert fire_due_timers(world.factory, world.services) == 0  # nothing is due any more on the 13th
    world.clock.set(datetime(2027, 2, 14, 3, 0, tzinfo=UTC))
    assert fire_due_timers(world.factory, world.services) == 1  # the moved reminder


def test_a_resumed_complaint_keeps_its_moved_resolution_deadline_in_the_later_steps(world):
    case_id = complaint_received_25_january(world)
    k.accept(world, case_id, ACCEPT_ON_25_JANUARY)
    assert world.ready_task(case_id, "verify_complaint").due_at == local(2027, 2, 24)
    world.clock.set(MONDAY_1_FEBRUARY)
    decide(world, suspend_case, case_id, "2027-02-01")
    world.clock.set(SATURDAY_13_FEBRUARY)
    decide(world, resume_case, case_id, "2027-02-13")
    assert world.ready_task(case_id, "verify_complaint").due_at == local(2027, 3, 8)
    timers = waiting_timers(world, case_id)
    assert timers["verify_complaint_escalation"].fire_at == local(2027, 3, 8)
    assert timers["verify_complaint_reminder"].fire_at == local(2027, 3, 2)  # 18 February + 12 days
    k.complete(world, case_id, "verify_complaint", "officer1", k.VERIFY)
    assert world.ready_task(case_id, "hold_dialogue").due_at == local(2027, 3, 8)
    assert case_data(world, case_id)["resolution_deadline"] == local(2027, 3, 8).isoformat()


def test_a_suspension_across_tet_moves_working_day_periods_by_the_5_working_days_paused(world):
    world.clock.set(MONDAY_25_JANUARY)
    case_id = d.start_denunciation(world, received_on="2027-01-25")
    assert world.ready_task(case_id, "check_acceptance").due_at == local(2027, 2, 3)  # 7 working days
    world.clock.set(MONDAY_1_FEBRUARY)
    decide(world, suspend_case, case_id, "2027-02-01")
    world.clock.set(SATURDAY_13_FEBRUARY)
    decide(world, resume_case, case_id, "2027-02-13")
    # 3 February + 5 working days: 11, 12, 15, 16, 17 February
    assert waiting_timers(world, case_id)["check_acceptance_escalation"].fire_at == local(2027, 2, 17)
    assert world.ready_task(case_id, "check_acceptance").due_at == local(2027, 2, 17)
    with world.factory() as session:
        decisions = case_decisions(session, case_id)
    assert [x.kind for x in decisions] == [DecisionKind.SUSPENSION, DecisionKind.RESUMPTION]
    assert (decisions[1].paused_calendar_days, decisions[1].paused_working_days) == (12, 5)


def test_the_tasks_of_a_suspended_case_cannot_be_completed(world):
    case_id = complaint_received_25_january(world)
    world.clock.set(MONDAY_1_FEBRUARY)
    decide(world, suspend_case, case_id, "2027-02-01")
    with pytest.raises(CaseSuspended, match="suspended"):
        k.accept(world, case_id, ACCEPT_ON_25_JANUARY)
    with pytest.raises(CaseNotOpen):
        decide(world, suspend_case, case_id, "2027-02-01")


@pytest.mark.parametrize(
    ("day", "problem"),
    [("2027-02-02", "in the future"), ("2027-01-24", "before the case was received"), ("01/02/2027", "not a date")],
)
def test_a_decision_date_in_the_future_or_before_receipt_is_refused(world, day, problem):
    case_id = complaint_received_25_january(world)
    world.clock.set(MONDAY_1_FEBRUARY)
    with pytest.raises(InvalidDecisionDate, match=problem):
        decide(world, suspend_case, case_id, day)
    assert case_row(world, case_id).status == CaseStatus.IN_PROGRESS


def test_a_resumption_dated_before_the_suspension_is_refused(world):
    case_id = complaint_received_25_january(world)
    world.clock.set(SATURDAY_13_FEBRUARY)
    decide(world, suspend_case, case_id, "2027-02-10")
    with pytest.raises(InvalidDecisionDate, match="before the suspension"):
        decide(world, resume_case, case_id, "2027-02-09")


def test_officers_may_not_decide_on_the_course_of_a_case(world):
    case_id = complaint_received_25_january(world)
    with pytest.raises(Forbidden):
        decide(world, suspend_case, case_id, "2027-01-25", username="officer1")


@pytest.mark.parametrize(
    ("action", "status", "event"),
    [
        (withdraw_case, CaseStatus.WITHDRAWN, "case_withdrawn"),
        (terminate_case, CaseStatus.TERMINATED, "case_terminated"),
    ],
)
def test_a_withdrawn_or_terminated_denunciation_ends_with_no_open_task_nor_timer(world, action, status, event):
    world.clock.set(MONDAY_25_JANUARY)
    case_id = d.start_denunciation(world, received_on="2027-01-25")
    world.clock.set(MONDAY_1_FEBRUARY)
    decide(world, suspend_case, case_id, "2027-01-29")  # a suspended case can end too
    decide(world, action, case_id, "2027-02-01", reason="Người tố cáo rút đơn")
    row = case_row(world, case_id)
    assert row.status == status and row.completed_at is None and row.current_step is None
    with world.factory() as session:
        open_tasks = select(HumanTask).where(HumanTask.case_id == case_id, HumanTask.state == "ready")
        waiting = select(CaseTimer).where(CaseTimer.case_id == case_id, CaseTimer.status == "waiting")
        assert not session.scalars(open_tasks).all() and not session.scalars(waiting).all()
        events = select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.seq.desc())
        last = session.scalars(events).first()
    assert last.kind == event and last.actor == "lead1"
    assert last.payload["reason"] == "Người tố cáo rút đơn" and last.payload["decided_on"] == "2027-02-01"
    with pytest.raises(CaseNotOpen):
        decide(world, resume_case, case_id, "2027-02-01")
    world.clock.set(datetime(2027, 3, 1, 2, 0, tzinfo=UTC))
    assert fire_due_timers(world.factory, world.services) == 0


DENUNCIATION = PROJECT_ROOT / "processes" / "denunciation.bpmn"


def test_a_timer_may_say_how_its_period_is_counted_and_the_lint_checks_the_value(world):
    content = DENUNCIATION.read_text(encoding="utf-8")
    clean = lint_bpmn(content.encode(), "denunciation.bpmn", world.services.forms)
    assert clean.errors == [] and not [w for w in clean.warnings if w.check == "deadline"]
    old = '<spiffworkflow:property name="deadlineDayType" value="working" />'
    wrong = content.replace(old, old.replace("working", "lunar"), 1)
    report = lint_bpmn(wrong.encode(), "denunciation.bpmn", world.services.forms)
    assert [p.check for p in report.errors] == ["deadline"]
    assert report.errors[0].element_id == "check_acceptance_reminder" and "lunar" in report.errors[0].message


def test_a_suspended_case_is_still_open_on_the_overview(world):
    case_id = complaint_received_25_january(world)
    world.clock.set(MONDAY_1_FEBRUARY)
    decide(world, suspend_case, case_id, "2027-02-01")
    with world.factory() as session:
        overview = build_overview(session, world.actor("supervisor1"), now=world.clock.now(),
                                  zone=world.services.calendar.zone)  # fmt: skip
    assert overview.open_by_process == {"complaint": 1}
