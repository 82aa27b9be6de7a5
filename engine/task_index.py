"""Keeps the human-task index and the timers table in step with a case's workflow after every action."""

from dataclasses import dataclass
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


@dataclass(frozen=True)
class IndexSnapshot:
    """The open user tasks and waiting timers of a workflow: what the index holds after the previous action."""

    ready_task_ids: frozenset[str] = frozenset()
    waiting_timer_ids: frozenset[str] = frozenset()


def snapshot(workflow: BpmnWorkflow) -> IndexSnapshot:
    """Take the snapshot of a freshly loaded workflow, before acting on it."""
    return IndexSnapshot(
        ready_task_ids=frozenset(str(t.id) for t in ready_user_tasks(workflow)),
        waiting_timer_ids=frozenset(str(t.id) for t, _ in waiting_timers(workflow)),
    )


def sync_case_index(
    session: Session,
    case: Case,
    catalog: dict,
    workflow: BpmnWorkflow,
    before: IndexSnapshot,
    trail: AuditTrail,
    now: datetime,
) -> None:
    """Create, cancel and annotate HumanTask and CaseTimer rows so they mirror the workflow.

    The index always mirrors the state saved by the previous action, so ``before`` (taken from the loaded
    workflow) tells which rows exist; only rows that change are touched.
    """
    with session.no_autoflush:  # one flush at save time instead of one per lookup
        ready = {str(t.id): t for t in ready_user_tasks(workflow)}
        created = _sync_tasks(session, case, catalog, ready, before, trail, now)
        _sync_timers(session, case, catalog.get("timers", {}), workflow, ready, created, before, trail, now)
    case.current_step = ", ".join(sorted(task_display_name(t, catalog) for t in ready.values())) or None


def _sync_tasks(
    session: Session,
    case: Case,
    catalog: dict,
    ready: dict,
    before: IndexSnapshot,
    trail: AuditTrail,
    now: datetime,
) -> dict[str, HumanTask]:
    created: dict[str, HumanTask] = {}
    for task_id, task in ready.items():
        if task_id in before.ready_task_ids:
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
        created[task_id] = human_task
        trail.append(
            kind="task_ready",
            actor="system",
            at=now,
            task_id=task_id,
            payload={"task": human_task.spec_name, "lane": human_task.lane, "assignee": human_task.assignee},
        )
    for task_id in before.ready_task_ids - set(ready):
        human_task = session.get(HumanTask, task_id)
        if human_task is not None and human_task.state == "ready":
            human_task.state = "cancelled"
            trail.append(
                kind="task_cancelled", actor="system", at=now, task_id=task_id, payload={"task": human_task.spec_name}
            )
    return created


def _sync_timers(
    session: Session,
    case: Case,
    catalog_timers: dict,
    workflow: BpmnWorkflow,
    ready: dict,
    created: dict[str, HumanTask],
    before: IndexSnapshot,
    trail: AuditTrail,
    now: datetime,
) -> None:
    waiting = {str(task.id): (task, fire_at) for task, fire_at in waiting_timers(workflow)}
    ready_by_spec = {t.task_spec.bpmn_id: task_id for task_id, t in ready.items()}
    for timer_id, (task, fire_at) in waiting.items():
        if timer_id in before.waiting_timer_ids:
            continue
        spec_id = task.task_spec.bpmn_id or task.task_spec.name
        info = catalog_timers.get(spec_id, {})
        attached_id = ready_by_spec.get(info.get("attached_to") or "")
        session.add(
            CaseTimer(
                id=timer_id,
                case_id=case.id,
                unit_id=case.unit_id,
                spec_name=spec_id,
                role=info.get("role"),
                attached_task_id=attached_id,
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
        if attached_id and info.get("role") == "escalation":
            attached = created.get(attached_id) or session.get(HumanTask, attached_id)
            if attached is not None:
                attached.due_at = fire_at
    for timer_id in before.waiting_timer_ids - set(waiting):
        timer = session.get(CaseTimer, timer_id)
        if timer is not None and timer.status == "waiting":
            timer.status = "cancelled"
