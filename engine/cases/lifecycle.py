"""The legal lifecycle of a case beyond its process: suspension (tạm đình chỉ), resumption, termination (đình chỉ)
and withdrawal by the petitioner (rút đơn).

Each is a recorded decision (``case_decisions``: reason, the date written in the decision, who recorded it) and an
audit event. A suspended case keeps its open tasks and timers, but nobody completes its tasks and the scheduler
fires none of its timers; on resumption every waiting timer, step deadline and deadline variable moves by the days
of the pause (``engine/cases/pause``). A terminated or withdrawn case ends: its open tasks and waiting timers are
closed and it is not "resolved" in the reports.
"""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cases.audit import AuditTrail
from engine.cases.closing import cancel_open_work
from engine.cases.enums import CaseStatus, DecisionKind, TaskStatus, TimerStatus
from engine.cases.hooks import HOOKS, CaseDecided
from engine.cases.legal_dates import check_decision_day, parse_day, receipt_day
from engine.cases.pause import Pause, shift_workflow
from engine.cases.runtime import CaseRuntime
from engine.cases.store import IndexChanges
from engine.core.errors import BadRequest, Conflict, NotFound
from engine.core.models import Case, CaseDecision, CaseTimer, HumanTask
from engine.people.auth import Actor
from engine.people.permissions import can_decide_case_course, require
from engine.processes.step_deadlines import catalog_deadline
from engine.services import EngineServices

REASON_MAX = 2000
ENDINGS = {DecisionKind.TERMINATION: CaseStatus.TERMINATED, DecisionKind.WITHDRAWAL: CaseStatus.WITHDRAWN}
EVENTS = {
    DecisionKind.SUSPENSION: "case_suspended",
    DecisionKind.RESUMPTION: "case_resumed",
    DecisionKind.TERMINATION: "case_terminated",
    DecisionKind.WITHDRAWAL: "case_withdrawn",
}


class CaseNotOpen(Conflict):
    """The decision does not fit the case's status (already ended, not suspended, …)."""


def _clean_reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise BadRequest("A reason is required (field 'reason')")
    if len(text) > REASON_MAX:
        raise BadRequest(f"The reason is too long: at most {REASON_MAX} characters (field 'reason')")
    return text


def open_suspension(session: Session, case_id: int) -> CaseDecision | None:
    """The suspension decision of a suspended case (the latest one)."""
    query = select(CaseDecision).where(CaseDecision.case_id == case_id, CaseDecision.kind == DecisionKind.SUSPENSION)
    return session.scalars(query.order_by(CaseDecision.id.desc()).limit(1)).first()


def case_decisions(session: Session, case_id: int) -> list[CaseDecision]:
    """The decisions recorded on a case, oldest first."""
    query = select(CaseDecision).where(CaseDecision.case_id == case_id).order_by(CaseDecision.id)
    return list(session.scalars(query))


class _Decision:
    """One decision being recorded: the case, its checked date and reason, the runtime of the action."""

    def __init__(self, session: Session, services: EngineServices, actor: Actor, *, case_id: int,
                 kind: DecisionKind, reason: str | None, decided_on: object) -> None:  # fmt: skip
        require(can_decide_case_course, actor)
        self.session, self.services, self.actor, self.kind = session, services, actor, kind
        self.runtime = CaseRuntime(session, services)
        case = self.runtime.store.case(case_id)
        if case is None or not actor.sees_unit(case.unit_id):
            raise NotFound(f"Case {case_id} does not exist or is not in your units")
        require(can_decide_case_course, actor, case)
        self.case = case
        self.reason = _clean_reason(reason)
        self.day: date = parse_day(decided_on, field="decided_on")
        self.now = services.clock.now()

    def check_day(self, *, not_before: date | None = None, what: str = "") -> None:
        zone = self.services.calendar.zone
        receipt = receipt_day(self.case, self.runtime.current_data(self.case), zone)
        check_decision_day(self.day, receipt=receipt, now=self.now, zone=zone, field="decided_on",
                           not_before=not_before, not_before_what=what)  # fmt: skip

    def require_status(self, *allowed: CaseStatus) -> None:
        if self.case.status not in allowed:
            code, status = self.case.tracking_code, self.case.status
            raise CaseNotOpen(f"Case {code} cannot take a {self.kind} decision: it is {status}")

    def record(self, extra: dict | None = None, **paused: int) -> AuditTrail:
        decision = CaseDecision(
            case_id=self.case.id, kind=self.kind, reason=self.reason, decided_on=self.day,
            decided_by=self.actor.username, recorded_at=self.now,
            paused_calendar_days=paused.get("calendar_days"), paused_working_days=paused.get("working_days"),
        )  # fmt: skip
        self.session.add(decision)
        trail = AuditTrail(self.session, self.case)
        payload = {"reason": self.reason, "decided_on": self.day.isoformat(), **(extra or {})}
        trail.append(kind=EVENTS[self.kind], actor=self.actor.username, at=self.now, payload=payload)
        return trail

    def save(self, trail: AuditTrail, changes: IndexChanges | None = None) -> Case:
        self.case.updated_at = self.now
        if changes is not None:
            self.runtime.store.apply(changes)
        self.runtime._write(self.case, trail)
        self.session.flush()
        HOOKS.case_decided(CaseDecided(self.session, self.services, self.case, self.kind, self.now))
        return self.case


def suspend_case(session: Session, services: EngineServices, actor: Actor, *, case_id: int, reason: str | None,
                 decided_on: object) -> Case:  # fmt: skip
    """Suspend a case's resolution from the day of the decision: its tasks and timers wait until it is resumed."""
    decision = _Decision(session, services, actor, case_id=case_id, kind=DecisionKind.SUSPENSION, reason=reason,
                         decided_on=decided_on)  # fmt: skip
    decision.require_status(CaseStatus.IN_PROGRESS)
    decision.check_day()
    trail = decision.record()
    decision.case.status = CaseStatus.SUSPENDED
    return decision.save(trail)


def resume_case(session: Session, services: EngineServices, actor: Actor, *, case_id: int, reason: str | None,
                decided_on: object) -> Case:  # fmt: skip
    """Resume a suspended case: every waiting timer and step deadline moves by the days it was suspended."""
    decision = _Decision(session, services, actor, case_id=case_id, kind=DecisionKind.RESUMPTION, reason=reason,
                         decided_on=decided_on)  # fmt: skip
    decision.require_status(CaseStatus.SUSPENDED)
    suspension = open_suspension(session, decision.case.id)
    started = suspension.decided_on if suspension is not None else decision.day
    decision.check_day(not_before=started, what="the suspension")
    calendar = services.calendar
    pause = Pause.between(started, decision.day, calendar)
    case = decision.case
    workflow = decision.runtime._load_workflow(case)
    shifted = shift_workflow(workflow, pause, calendar)
    changes = IndexChanges()
    for timer_id, fire_at in shifted.fire_at.items():
        changes.update_timer(timer_id, fire_at=fire_at, claimed_by=None, lease_until=None)
    catalog = decision.runtime._process(case).catalog
    escalations = _escalations_by_task(session, case.id, shifted.fire_at)
    tasks = session.scalars(select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.state == TaskStatus.READY))
    for task in tasks:
        if task.id in escalations:
            changes.update_task(task.id, due_at=escalations[task.id])
        elif task.due_at is not None:
            step = catalog_deadline(catalog, task.spec_name)
            day_type = step.day_type if step else "working"
            changes.update_task(task.id, due_at=pause.shift(task.due_at, day_type, calendar))
    extra = {
        "suspended_on": started.isoformat(), "calendar_days": pause.calendar_days, "working_days": pause.working_days,
        "timers_moved": len(shifted.fire_at), "deadlines": shifted.variables,
    }  # fmt: skip
    trail = decision.record(extra, calendar_days=pause.calendar_days, working_days=pause.working_days)
    case.status = CaseStatus.IN_PROGRESS
    case.state = services.states.dumps(workflow)
    return decision.save(trail, changes)


def _escalations_by_task(session: Session, case_id: int, moved: dict) -> dict:
    """The new deadline of each open task that an escalation timer gives its deadline."""
    query = select(CaseTimer).where(
        CaseTimer.case_id == case_id, CaseTimer.status == TimerStatus.WAITING, CaseTimer.role == "escalation"
    )
    return {t.attached_task_id: moved[t.id] for t in session.scalars(query) if t.attached_task_id and t.id in moved}


def _end_case(session: Session, services: EngineServices, actor: Actor, *, case_id: int, kind: DecisionKind,
              reason: str | None, decided_on: object) -> Case:  # fmt: skip
    decision = _Decision(session, services, actor, case_id=case_id, kind=kind, reason=reason, decided_on=decided_on)
    decision.require_status(CaseStatus.IN_PROGRESS, CaseStatus.SUSPENDED)
    decision.check_day()
    case = decision.case
    workflow = decision.runtime._load_workflow(case)
    changes, tasks_closed, timers_cancelled = cancel_open_work(session, case, workflow)
    trail = decision.record({"tasks_closed": tasks_closed, "timers_cancelled": timers_cancelled})
    case.status = ENDINGS[kind]
    case.current_step = None
    case.state = services.states.dumps(workflow)
    return decision.save(trail, changes)


def terminate_case(session: Session, services: EngineServices, actor: Actor, *, case_id: int, reason: str | None,
                   decided_on: object) -> Case:  # fmt: skip
    """Terminate the resolution (đình chỉ): the case ends without a resolution, its tasks and timers closed."""
    return _end_case(session, services, actor, case_id=case_id, kind=DecisionKind.TERMINATION, reason=reason,
                     decided_on=decided_on)  # fmt: skip


def withdraw_case(session: Session, services: EngineServices, actor: Actor, *, case_id: int, reason: str | None,
                  decided_on: object) -> Case:  # fmt: skip
    """Record the petitioner's withdrawal (rút đơn): the case ends without a resolution, its tasks and timers closed."""
    return _end_case(session, services, actor, case_id=case_id, kind=DecisionKind.WITHDRAWAL, reason=reason,
                     decided_on=decided_on)  # fmt: skip
