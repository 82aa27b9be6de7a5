"""Ending a case before its process ends (cancelled, withdrawn, terminated): its open work closed in the index."""

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cases.enums import TaskStatus, TimerStatus
from engine.cases.store import IndexChanges
from engine.core.models import Case, CaseTimer, HumanTask


def cancel_open_work(session: Session, case: Case, workflow: BpmnWorkflow) -> tuple[IndexChanges, int, int]:
    """Cancel the workflow and mark the case's ready tasks and waiting timers cancelled; the index changes to apply,
    with how many tasks and timers were closed."""
    workflow.cancel()
    changes = IndexChanges()
    open_tasks = session.scalars(
        select(HumanTask.id).where(HumanTask.case_id == case.id, HumanTask.state == TaskStatus.READY)
    ).all()
    for task_id in open_tasks:
        changes.update_task(task_id, state=TaskStatus.CANCELLED)
    waiting = session.scalars(
        select(CaseTimer.id).where(CaseTimer.case_id == case.id, CaseTimer.status == TimerStatus.WAITING)
    ).all()
    for timer_id in waiting:
        changes.update_timer(timer_id, status=TimerStatus.CANCELLED)
    return changes, len(open_tasks), len(waiting)
