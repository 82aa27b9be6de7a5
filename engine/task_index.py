"""Keeps the human-task index and the timers table in step with a case's workflow after every action."""

from datetime import datetime

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.audit import AuditTrail
from engine.models import Case, CaseTimer, HumanTask, User


def ready_user_tasks(workflow: BpmnWorkflow) -> list:
    """READY tasks that wait for a person."""
    return [t for t in workflow.get_tasks(state=TaskState.READY) if t.task_spec.manual]


def waiting_timers(workflow: BpmnWorkflow) -> list:
    """WAITING timer events, with their computed fire time."""
    found = []
    for task in workflow.get_tasks(state=TaskState.WAITING):
        definition = getattr(task.task_spec, "event_definition", None)
        if isinstance(definition, TimerEventDefinition):
            value = task._get_internal_data("event_value")
            if isinstance(value, dict):  # cycle timers keep their next fire time inside
                value = value.get("next")
            if value:
                found.append((task, TimerEventDefinition.get_datetime(value)))
    return found


def task_display_name(task, catalog: dict) -> str:
    """The BPMN name of a task, or its id."""
    spec = task.task_spec
    return spec.bpmn_name or catalog.get("names", {}).get(spec.bpmn_id) or spec.bpmn_id or spec.name


def _assignee_from_data(session: Session, task, catalog: dict) -> str | None:
    variable = catalog.get("assignees", {}).get(task.task_spec.bpmn_id)
    username = task.data.get(variable) if variable else None
    if not username:
        return None
    user = session.scalars(select(User).where(User.username == username)).first()
    return user.username if user is not None and user.is_active else None


def sync_case_index(
    session: Session, case: Case, catalog: dict, workflow: BpmnWorkflow, trail: AuditTrail, now: datetime
) -> None:
    """Create, cancel and annotate HumanTask and CaseTimer rows so they mirror the workflow."""
    with session.no_autoflush:  # one flush at save time instead of one per query
        _sync(session, case, catalog, workflow, trail, now)


def _sync(
    session: Session, case: Case, catalog: dict, workflow: BpmnWorkflow, trail: AuditTrail, now: datetime
) -> None:
    indexed = {
        t.id: t
        for t in session.scalars(select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.state == "ready"))
        if t.state == "ready"  # unflushed changes of this action win over the stored row
    }
    ready = {str(t.id): t for t in ready_user_tasks(workflow)}
    for task_id, task in ready.items():
        if task_id in indexed:
            continue
        spec = task.task_spec
        human_task = HumanTask(
            id=task_id,
            case_id=case.id,
            unit_id=case.unit_id,
            spec_name=spec.bpmn_id or spec.name,
            name=task_display_name(task, catalog),
            lane=spec.lane,
            form=catalog.get("forms", {}).get(spec.bpmn_id),
            state="ready",
            assignee=_assignee_from_data(session, task, catalog),
            created_at=now,
            escalated=False,
        )
        session.add(human_task)
        indexed[task_id] = human_task
        trail.append(
            kind="task_ready",
            actor="system",
            at=now,
            task_id=task_id,
            payload={"task": human_task.spec_name, "lane": human_task.lane, "assignee": human_task.assignee},
        )
    for task_id, human_task in list(indexed.items()):
        if task_id not in ready:
            human_task.state = "cancelled"
            trail.append(
                kind="task_cancelled", actor="system", at=now, task_id=task_id, payload={"task": human_task.spec_name}
            )
            del indexed[task_id]
    _sync_timers(session, case, catalog.get("timers", {}), workflow, indexed, trail, now)
    case.current_step = ", ".join(sorted(t.name for t in indexed.values())) or None


def _sync_timers(
    session: Session,
    case: Case,
    catalog_timers: dict,
    workflow: BpmnWorkflow,
    ready_tasks: dict[str, HumanTask],
    trail: AuditTrail,
    now: datetime,
) -> None:
    stored = {
        t.id: t
        for t in session.scalars(select(CaseTimer).where(CaseTimer.case_id == case.id, CaseTimer.status == "waiting"))
        if t.status == "waiting"
    }
    waiting = {str(task.id): (task, fire_at) for task, fire_at in waiting_timers(workflow)}
    by_spec = {t.spec_name: t for t in ready_tasks.values()}
    for timer_id, (task, fire_at) in waiting.items():
        spec_id = task.task_spec.bpmn_id or task.task_spec.name
        info = catalog_timers.get(spec_id, {})
        attached = by_spec.get(info.get("attached_to") or "")
        if timer_id not in stored:
            session.add(
                CaseTimer(
                    id=timer_id,
                    case_id=case.id,
                    unit_id=case.unit_id,
                    spec_name=spec_id,
                    role=info.get("role"),
                    attached_task_id=attached.id if attached else None,
                    fire_at=fire_at,
                    status="waiting",
                )
            )
            trail.append(
                kind="timer_set",
                actor="system",
                at=now,
                task_id=timer_id,
                payload={"timer": spec_id, "role": info.get("role"), "fire_at": fire_at.isoformat()},
            )
        if attached is not None and info.get("role") == "escalation":
            attached.due_at = fire_at
    for timer_id, timer in stored.items():
        if timer_id not in waiting:
            timer.status = "cancelled"
