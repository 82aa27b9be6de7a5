"""Stuck cases: the cases a script or engine step stopped (status ``error``), and the two ways out of it.

* ``retry_case`` runs the failed step and the engine steps after it again on the stored workflow (after the
  designer fixed what the step depends on); when the step fails again the case stays in ``error`` with the new
  message.
* ``cancel_case`` ends the case for good (status ``cancelled``): its open tasks and waiting timers are closed.

Both need a reason, are saved through the runtime's normal path (version check, task index sync) and leave an
audit event (``case_retried``, ``case_cancelled``) naming who and why.
"""

from copy import deepcopy
from dataclasses import dataclass
from datetime import datetime

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cases.audit import AuditTrail
from engine.cases.closing import cancel_open_work
from engine.cases.enums import CaseStatus
from engine.cases.runtime import CaseRuntime
from engine.cases.task_index import snapshot
from engine.core.errors import BadRequest, Conflict, NotFound
from engine.core.models import Case
from engine.people.auth import Actor
from engine.people.permissions import can_recover_cases, require
from engine.services import EngineServices

REASON_MAX = 1000


@dataclass(frozen=True)
class StuckCase:
    """A case stopped by an error, as the supervisor's list shows it."""

    case_id: int
    tracking_code: str
    title: str
    unit_id: int
    process_key: str
    process_version: int
    error_message: str | None
    error_line: int | None
    error_task: str | None
    since: datetime


def stuck_cases(session: Session, actor: Actor) -> list[StuckCase]:
    """The cases in ``error`` of the actor's units, the most recently stopped first."""
    require(can_recover_cases, actor)
    query = select(Case).where(Case.status == CaseStatus.ERROR).order_by(Case.updated_at.desc(), Case.id.desc())
    return [
        StuckCase(
            case_id=case.id,
            tracking_code=case.tracking_code,
            title=case.title,
            unit_id=case.unit_id,
            process_key=case.process_key,
            process_version=case.process_version,
            error_message=case.error_message,
            error_line=case.error_line,
            error_task=case.error_task,
            since=case.updated_at,
        )
        for case in session.scalars(query)
        if actor.sees_unit(case.unit_id)
    ]


def _clean_reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise BadRequest("A reason is required (field 'reason')")
    if len(text) > REASON_MAX:
        raise BadRequest(f"The reason is too long: at most {REASON_MAX} characters (field 'reason')")
    return text


def _stuck_case(runtime: CaseRuntime, actor: Actor, case_id: int) -> Case:
    """The case in error the actor may recover: NotFound outside their units, Conflict when not in error."""
    require(can_recover_cases, actor)
    case = runtime.store.case(case_id)
    if case is None or not actor.sees_unit(case.unit_id):
        raise NotFound(f"Case {case_id} does not exist or is not in your units")
    require(can_recover_cases, actor, case)
    if case.status != CaseStatus.ERROR:
        raise Conflict(f"Case {case.tracking_code} is not stopped by an error (status {case.status})")
    return case


def retry_case(session: Session, services: EngineServices, actor: Actor, case_id: int, reason: str | None) -> Case:
    """Run the failed step of a stuck case again, then the engine steps after it, and save.

    SpiffWorkflow leaves the failing task in ``ERROR``; it gets its input data back from its parent and is made
    ready again, so ``do_engine_steps`` runs it like the first time.
    """
    text = _clean_reason(reason)
    runtime = CaseRuntime(session, services)
    case = _stuck_case(runtime, actor, case_id)
    now = services.clock.now()
    workflow = runtime._load_workflow(case)
    before = snapshot(workflow)
    failed = workflow.get_tasks(state=TaskState.ERROR)
    for task in failed:
        task.data = deepcopy(task.parent.data) if task.parent is not None else task.data
        task._set_state(TaskState.READY)
    trail = AuditTrail(session, case)
    payload = {"reason": text, "task": case.error_task, "steps": [t.task_spec.bpmn_id for t in failed]}
    trail.append(kind="case_retried", actor=actor.username, at=now, payload=payload)
    runtime._advance_and_save(case, workflow, before, trail, now)
    return case


def cancel_case(session: Session, services: EngineServices, actor: Actor, case_id: int, reason: str | None) -> Case:
    """End a stuck case for good: status ``cancelled``, its open tasks and waiting timers closed, audited."""
    text = _clean_reason(reason)
    runtime = CaseRuntime(session, services)
    case = _stuck_case(runtime, actor, case_id)
    now = services.clock.now()
    workflow = runtime._load_workflow(case)
    changes, tasks_closed, timers_cancelled = cancel_open_work(session, case, workflow)
    trail = AuditTrail(session, case)
    payload: dict[str, object] = {"reason": text, "task": case.error_task, "message": case.error_message}
    payload.update(tasks_closed=tasks_closed, timers_cancelled=timers_cancelled)
    trail.append(kind="case_cancelled", actor=actor.username, at=now, payload=payload)
    case.status = CaseStatus.CANCELLED
    case.state = services.states.dumps(workflow)
    case.updated_at = now
    runtime.store.apply(changes)
    runtime._write(case, trail)
    return case
