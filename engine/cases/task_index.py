"""Keeps the human-task index and the timers table in step with a case's workflow after every action.

The index always mirrors the state the previous action saved, so the open tasks and waiting timers of the
freshly loaded workflow (the snapshot) tell which rows exist. Comparing that snapshot with the workflow after
the action gives the rows to add and to close, without reading them back from the database.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine.cases.audit import AuditTrail
from engine.cases.enums import TaskStatus, TimerStatus
from engine.cases.store import IndexChanges
from engine.core.calendar import WorkingCalendar
from engine.core.models import Case
from engine.people.absences import Delegation
from engine.processes.step_deadlines import catalog_deadline

AssigneeLookup = Callable[[str], str | None]
DelegationLookup = Callable[[str, str | None], Delegation | None]
"""(username, the task's lane) → the deputy who takes the task while that person is away, or None."""


def no_delegation(_username: str, _lane: str | None) -> Delegation | None:
    """Nobody is away (the default of an index sync)."""
    return None


def _tasks_in_state(workflow: BpmnWorkflow, state: TaskState) -> list:
    """Tasks of the workflow and its subprocesses in one state (a flat scan, cheaper than a tree walk)."""
    found = [t for t in workflow.tasks.values() if t.state == state]
    for subprocess in workflow.subprocesses.values():
        found.extend(t for t in subprocess.tasks.values() if t.state == state)
    return found


def ready_user_tasks(workflow: BpmnWorkflow) -> list:
    """READY tasks that wait for a person."""
    return [t for t in _tasks_in_state(workflow, TaskState.READY) if t.task_spec.manual]


def waiting_timers(workflow: BpmnWorkflow) -> list:
    """WAITING timer events, with their computed fire time."""
    found = []
    for task in _tasks_in_state(workflow, TaskState.WAITING):
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


@dataclass
class IndexSync:
    """Computes the index changes of one action; ``closed_by_action`` rows are written by the action itself."""

    case: Case
    catalog: dict
    trail: AuditTrail
    now: datetime
    find_assignee: AssigneeLookup
    closed_by_action: frozenset[str] = frozenset()
    delegate: DelegationLookup = no_delegation
    calendar: WorkingCalendar | None = None

    def changes(self, workflow: BpmnWorkflow, before: IndexSnapshot) -> IndexChanges:
        """Rows to add and to update so the index mirrors ``workflow``; also sets the case's current step."""
        changes = IndexChanges()
        ready = {str(t.id): t for t in ready_user_tasks(workflow)}
        self._sync_tasks(changes, ready, before)
        self._sync_timers(changes, workflow, ready, before)
        self.case.current_step = ", ".join(sorted(task_display_name(t, self.catalog) for t in ready.values())) or None
        return changes

    def _sync_tasks(self, changes: IndexChanges, ready: dict, before: IndexSnapshot) -> None:
        for task_id, task in ready.items():
            if task_id in before.ready_task_ids:
                continue
            spec = task.task_spec
            variable = self.catalog.get("assignees", {}).get(spec.bpmn_id)
            assignee = self.find_assignee(task.data[variable]) if task.data.get(variable) else None
            delegation = self.delegate(assignee, spec.lane) if assignee else None
            if delegation is not None:  # the named person is away: the deputy takes the task, and later steps
                assignee = task.data[variable] = delegation.deputy  # that read the same variable, as a reassign
            row = {
                "id": task_id,
                "case_id": self.case.id,
                "unit_id": self.case.unit_id,
                "spec_name": spec.bpmn_id or spec.name,
                "name": task_display_name(task, self.catalog),
                "lane": spec.lane,
                "form": self.catalog.get("forms", {}).get(spec.bpmn_id),
                "state": TaskStatus.READY,
                "assignee": assignee,
                "due_at": self._step_due_at(spec.bpmn_id),
                "reminded_at": None,
                "escalated": False,
                "created_at": self.now,
                "completed_at": None,
                "completed_by": None,
            }
            changes.new_tasks.append(row)
            payload = {"task": row["spec_name"], "lane": row["lane"], "assignee": row["assignee"]}
            self.trail.append(kind="task_ready", actor="system", at=self.now, task_id=task_id, payload=payload)
            if delegation is not None:
                payload = {"task": row["spec_name"], "from": delegation.absent, "to": delegation.deputy,
                           "absence": delegation.absence_id}  # fmt: skip
                self.trail.append(kind="task_delegated", actor="system", at=self.now, task_id=task_id, payload=payload)
        for task_id in sorted(before.ready_task_ids - set(ready) - self.closed_by_action):
            changes.update_task(task_id, state=TaskStatus.CANCELLED)
            self.trail.append(kind="task_cancelled", actor="system", at=self.now, task_id=task_id, payload={})

    def _step_due_at(self, spec_id: str | None) -> datetime | None:
        """The deadline the model sets on the step (``deadlineDays``), counted from now; an escalation timer
        attached to the task replaces it."""
        deadline = catalog_deadline(self.catalog, spec_id)
        if deadline is None or self.calendar is None:
            return None
        return deadline.due_at(self.calendar, self.now)

    def _sync_timers(self, changes: IndexChanges, workflow: BpmnWorkflow, ready: dict, before: IndexSnapshot) -> None:
        catalog_timers = self.catalog.get("timers", {})
        ready_by_spec = {t.task_spec.bpmn_id: task_id for task_id, t in ready.items()}
        new_rows = {row["id"]: row for row in changes.new_tasks}
        waiting = {str(task.id): (task, fire_at) for task, fire_at in waiting_timers(workflow)}
        for timer_id, (task, fire_at) in waiting.items():
            if timer_id in before.waiting_timer_ids:
                continue
            spec_id = task.task_spec.bpmn_id or task.task_spec.name
            info = catalog_timers.get(spec_id, {})
            attached_id = ready_by_spec.get(info.get("attached_to") or "")
            changes.new_timers.append(
                {
                    "id": timer_id,
                    "case_id": self.case.id,
                    "unit_id": self.case.unit_id,
                    "spec_name": spec_id,
                    "role": info.get("role"),
                    "attached_task_id": attached_id,
                    "fire_at": fire_at,
                    "status": TimerStatus.WAITING,
                    "fired_at": None,
                }
            )
            payload = {"timer": spec_id, "role": info.get("role"), "fire_at": fire_at.isoformat()}
            self.trail.append(kind="timer_set", actor="system", at=self.now, task_id=timer_id, payload=payload)
            if attached_id and info.get("role") == "escalation":
                if attached_id in new_rows:
                    new_rows[attached_id]["due_at"] = fire_at
                else:
                    changes.update_task(attached_id, due_at=fire_at)
        for timer_id in before.waiting_timer_ids - set(waiting) - self.closed_by_action:
            changes.update_timer(timer_id, status=TimerStatus.CANCELLED)
