"""Moving open tasks in one action: an absent person's tasks to their deputy, a team lead's selection to one person.

* ``hand_over_tasks`` gives every open task assigned to the absent person to the deputy of their absence
  (``task_handed_over`` in each case's audit chain) and tells the deputy once. A task the deputy may not take
  (another role, a unit they do not see), of a unit the actor does not see, or of a case stopped by an error stays
  where it is and is listed with the reason.
* ``reassign_tasks`` gives several tasks to one person, all or nothing: every task is checked first as a single
  reassignment is (``can_assign_task`` on the task, ``check_candidate`` on the person), then each is assigned
  through ``CaseRuntime.assign_task`` inside one savepoint, so a refusal keeps none of them.
"""

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.cases.enums import CaseStatus, TaskStatus
from engine.cases.queries import cases_by_id, visible_task
from engine.cases.runtime import CaseRuntime
from engine.core.errors import BadRequest, Conflict, NotFound
from engine.core.models import Absence, HumanTask
from engine.notifications.enums import NotificationKind
from engine.notifications.inbox import notify
from engine.people.absences import (
    AbsenceConflict,
    AbsenceStatus,
    absence_status,
    eligible_deputy,
    local_day,
    visible_absence,
)
from engine.people.assignees import check_candidate, find_user
from engine.people.auth import Actor
from engine.people.permissions import can_assign_task, can_manage_absence, require
from engine.services import EngineServices

MAX_BULK_TASKS = 200
TEAM_PAGE_SIZE = 200


class KeptReason:
    """Why a task stayed with the absent person at a hand-over (codes a page words in its language)."""

    DEPUTY_CANNOT_TAKE = "deputy_cannot_take"  # the deputy lacks the task's role or unit
    NOT_YOUR_UNIT = "not_your_unit"  # the task is of a unit the actor does not see
    CASE_STOPPED = "case_stopped"  # the case is stopped by an error


@dataclass(frozen=True)
class KeptTask:
    """An open task of the absent person that was not handed over, and why."""

    task: HumanTask
    reason: str


@dataclass
class HandOver:
    """What one hand-over did: the tasks now with the deputy, and those left with the absent person."""

    absence: Absence
    moved: list[HumanTask] = field(default_factory=list)
    kept: list[KeptTask] = field(default_factory=list)


def hand_over_tasks(session: Session, services: EngineServices, actor: Actor, absence_id: int) -> HandOver:
    """Give the absent person's open tasks to the deputy of the absence, each audited in its case's chain.

    Allowed before the absence starts (to leave a clean desk) and while it runs; refused once it is over or
    cancelled. Running it again moves what reached the absent person since (e.g. tasks they claimed).
    """
    require(can_manage_absence, actor)
    absence = visible_absence(session, actor, absence_id)
    require(can_manage_absence, actor, absence)
    now = services.clock.now()
    status = absence_status(absence, local_day(now, services.calendar.zone))
    if status in (AbsenceStatus.CANCELLED, AbsenceStatus.ENDED):
        raise AbsenceConflict(
            f"already_{status}", f"Absence {absence.id} is {status.value}: its tasks are no longer handed over"
        )
    deputy, absent = absence.deputy, absence.user
    if not deputy.is_active:
        raise AbsenceConflict(
            "deputy_inactive", f"The deputy '{deputy.username}' is no longer active; declare the absence again"
        )
    query = select(HumanTask).where(HumanTask.assignee == absent.username, HumanTask.state == TaskStatus.READY)
    tasks = list(session.scalars(query.order_by(HumanTask.created_at, HumanTask.id)))
    cases = cases_by_id(session, {t.case_id for t in tasks})
    result = HandOver(absence=absence)
    runtime = CaseRuntime(session, services)
    for task in tasks:
        reason = _kept_reason(session, actor, task, cases[task.case_id].status, absence)
        if reason is not None:
            result.kept.append(KeptTask(task=task, reason=reason))
            continue
        moved = runtime.hand_task_over(task.id, to=deputy.username, by=actor.username, payload={"absence": absence.id})
        result.moved.append(moved)
    absence.handed_over_at = now
    session.flush()
    if result.moved:
        notify(
            session, [deputy.id], NotificationKind.DELEGATION,
            f"{absent.full_name or absent.username} vắng mặt từ {absence.starts_on:%d/%m/%Y} đến "
            f"{absence.ends_on:%d/%m/%Y}: {len(result.moved)} việc đã được bàn giao cho bạn.",
            now=now, link="/inbox?tab=mine",
        )  # fmt: skip
    return result


def _kept_reason(session: Session, actor: Actor, task: HumanTask, case_status: str, absence: Absence) -> str | None:
    if not actor.sees_unit(task.unit_id):
        return KeptReason.NOT_YOUR_UNIT
    if case_status == CaseStatus.ERROR:
        return KeptReason.CASE_STOPPED
    if not eligible_deputy(session, absence.deputy, role=task.lane, unit_id=task.unit_id):
        return KeptReason.DEPUTY_CANNOT_TAKE
    return None


def reassign_tasks(
    session: Session, services: EngineServices, actor: Actor, task_ids: list[str], username: str
) -> list[HumanTask]:
    """Give several open tasks to ``username`` at once (team leads and supervisors): all of them, or none.

    Each task is checked as a single reassignment is; a person who is away hands each task on to their deputy.
    """
    require(can_assign_task, actor)
    wanted = list(dict.fromkeys(task_ids))
    if not wanted:
        raise BadRequest("Choose at least one task to reassign (field 'task_ids')")
    if len(wanted) > MAX_BULK_TASKS:
        raise BadRequest(f"At most {MAX_BULK_TASKS} tasks are reassigned at once (field 'task_ids')")
    if find_user(session, username) is None:
        raise NotFound(f"User '{username}' does not exist or is not active (field 'assignee')")
    for task_id in wanted:
        task = visible_task(session, actor, task_id)
        require(can_assign_task, actor, task)
        if task.state != TaskStatus.READY:
            raise Conflict(f"Task '{task.name}' ({task.id}) is no longer open ({task.state}); nothing was reassigned")
        check_candidate(session, field="assignee", username=username, role=task.lane, unit_id=task.unit_id)
    runtime = CaseRuntime(session, services)
    with session.begin_nested():  # a refusal half-way (a case stopped meanwhile) keeps none of the batch
        return [runtime.assign_task(actor, task_id, username) for task_id in wanted]


@dataclass(frozen=True)
class TeamTasks:
    """The open tasks of a team lead's units (the first ``TEAM_PAGE_SIZE``, soonest due first) and how many."""

    items: list[HumanTask]
    total: int


def team_tasks(session: Session, actor: Actor) -> TeamTasks:
    """Every open task of the units the team lead or supervisor sees, whoever holds it, to reassign in bulk."""
    require(can_assign_task, actor)
    where = (HumanTask.state == TaskStatus.READY, HumanTask.unit_id.in_(actor.visible_unit_ids))
    query = select(HumanTask).where(*where)
    query = query.order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.created_at, HumanTask.id)
    total = session.scalar(select(func.count()).select_from(HumanTask).where(*where)) or 0
    return TeamTasks(items=list(session.scalars(query.limit(TEAM_PAGE_SIZE))), total=total)
