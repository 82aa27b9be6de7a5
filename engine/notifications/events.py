"""What happens to a case that staff are told about, who is told, and in which words.

Each function runs inside the transaction of the event it tells about and records its notifications with a
``dedupe_key`` naming the event, so an event raised twice (a retried timer, a re-run hook) notifies once:

* ``notify_new_tasks`` (after a case is saved): a new task goes to its assignee (``TASK_ASSIGNED``), or to the
  people who could claim it, its lane's role in the case's unit (``NEW_TASK``); a step that had already been
  completed and opens again (a gateway sent the case back) is ``SENT_BACK``, to whoever completed it before and
  to the new task's people;
* ``notify_assignment`` (after a team lead or supervisor assigns a task): the new assignee;
* ``notify_timer_fired`` (the scheduler, after a reminder or escalation timer fired): the 80 % ``REMINDER`` and
  the ``OVERDUE`` notice to the step's assignee (or its group), the ``ESCALATION`` to the unit's supervisors.

Texts are Vietnamese and give the step's BPMN name ("một bước xử lý" for a task without one, never its id), the
case's tracking code and the deadline (dd/mm/yyyy), never the case's content, so no reporter's or denouncer's
identity can reach a notification or an e-mail.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from engine.cases.enums import TaskStatus
from engine.cases.hooks import CaseSaved, TaskAssigned
from engine.core.models import Case, CaseTimer, HumanTask, User
from engine.notifications.enums import NotificationKind
from engine.notifications.inbox import notify, notify_group
from engine.people.assignees import candidate_ids
from engine.people.roles import Role
from engine.presentation.labels import step_phrase

if TYPE_CHECKING:
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

    from engine.services import EngineServices


def task_link(task_id: str) -> str:
    """The task page of a task."""
    return f"/tasks/{task_id}"


def case_link(case_id: int) -> str:
    """The case page of a case."""
    return f"/cases/{case_id}"


def _day(moment: datetime | None, zone: ZoneInfo) -> str:
    return f"{moment.astimezone(zone):%d/%m/%Y}" if moment is not None else ""


def _deadline(moment: datetime | None, zone: ZoneInfo) -> str:
    return f", hạn xử lý {_day(moment, zone)}" if moment is not None else ""


USERS, TASKS = User.__table__, HumanTask.__table__  # statements on the tables: no ORM statement handling
USER_IDS = select(USERS.c.id).where(USERS.c.username.in_(bindparam("names", expanding=True)))


def _user_ids(session: Session, usernames: Iterable[str | None]) -> list[int]:
    names = sorted({name for name in usernames if name})
    if not names:
        return []
    return list(session.scalars(USER_IDS, {"names": names}))


def _people_of_task(session: Session, *, assignee: str | None, lane: str | None, unit_id: int) -> list[int]:
    """The task's assignee, or everyone who could claim it (its lane's role in its unit or above)."""
    if assignee:
        return _user_ids(session, [assignee])
    return candidate_ids(session, role=lane, unit_id=unit_id)


@dataclass(frozen=True)
class _Occasion:
    """When and on which case something happened, and the base of the e-mails' links."""

    session: Session
    now: datetime
    case_id: int
    base_url: str

    def tell(self, people: list[int], kind: NotificationKind, text: str, *, link: str, key: str) -> None:
        """Notify ``people`` once per ``key``."""
        notify(self.session, people, kind, text, now=self.now, case_id=self.case_id, link=link, dedupe_key=key,
               base_url=self.base_url)  # fmt: skip


EARLIER_COMPLETER = (
    select(TASKS.c.completed_by)
    .where(
        TASKS.c.case_id == bindparam("case_id"),
        TASKS.c.spec_name == bindparam("spec_name"),
        TASKS.c.state == TaskStatus.COMPLETED,
        TASKS.c.id.not_in(bindparam("new_ids", expanding=True)),
    )
    .order_by(TASKS.c.completed_at.desc())
    .limit(1)
)  # built once, compiled once


def _earlier_completer(session: Session, case_id: int, spec_name: str, new_ids: set[str]) -> str | None:
    """Who completed this step of the case before (the step now opens again), or None if it never was."""
    params = {"case_id": case_id, "spec_name": spec_name, "new_ids": sorted(new_ids)}
    found = session.execute(EARLIER_COMPLETER, params).first()
    return (found[0] or "") if found is not None else None


def steps_done(workflow: "BpmnWorkflow") -> set[str]:
    """The steps (BPMN ids) with a completed task in the workflow or its subprocesses.

    A step completed before has one here even in a long case (pruning keeps a completed task of every completed
    step), so a new task whose step is missing opens for the first time and nobody completed it earlier.
    """
    trees = [workflow, *workflow.subprocesses.values()]
    return {
        task.task_spec.bpmn_id or task.task_spec.name
        for tree in trees
        for task in tree.tasks.values()
        if task.state == TaskState.COMPLETED
    }


def notify_new_tasks(saved: CaseSaved) -> None:
    """Tell the people of each task the action opened (a task opened by an escalation: see the escalation)."""
    if saved.timer_role == "escalation" or not saved.new_tasks:
        return
    session, case, zone = saved.session, saved.case, saved.services.calendar.zone
    occasion = _Occasion(session, saved.now, case.id, saved.services.portal_base_url)
    new_ids = {row["id"] for row in saved.new_tasks}
    done = steps_done(saved.workflow)  # asked first: most tasks open for the first time, without a query
    for row in saved.new_tasks:
        step, due, link = step_phrase(row["name"], row["spec_name"]), row.get("due_at"), task_link(row["id"])
        earlier = _earlier_completer(session, case.id, row["spec_name"], new_ids) if row["spec_name"] in done else None
        if earlier is not None:
            text = f"Hồ sơ {case.tracking_code} được trả lại {step} để xử lý lại{_deadline(due, zone)}"
            people = _people_of_task(session, assignee=row["assignee"], lane=row["lane"], unit_id=row["unit_id"])
            recipients = people + _user_ids(session, [earlier])
            occasion.tell(recipients, NotificationKind.SENT_BACK, text, link=link, key=f"sent_back:{row['id']}")
        elif row["assignee"]:
            text = f"Anh/chị được giao {step} của hồ sơ {case.tracking_code}{_deadline(due, zone)}"
            key = f"assigned:{row['id']}:{row['assignee']}"
            occasion.tell(
                _user_ids(session, [row["assignee"]]), NotificationKind.TASK_ASSIGNED, text, link=link, key=key
            )
        else:  # a group task: its candidates and their preferences in one statement
            text = f"Việc mới cho nhóm: {step} của hồ sơ {case.tracking_code}{_deadline(due, zone)}"
            notify_group(
                session, role=row["lane"], unit_id=row["unit_id"], kind=NotificationKind.NEW_TASK, text=text,
                now=saved.now, case_id=case.id, link=link, dedupe_key=f"new_task:{row['id']}",
                base_url=occasion.base_url,
            )  # fmt: skip


def notify_assignment(assigned: TaskAssigned) -> None:
    """Tell the person a task was just assigned to."""
    task, case = assigned.task, assigned.case
    zone = assigned.services.calendar.zone
    occasion = _Occasion(assigned.session, assigned.now, case.id, assigned.services.portal_base_url)
    step = step_phrase(task.name, task.spec_name)
    text = f"Anh/chị được giao {step} của hồ sơ {case.tracking_code}{_deadline(task.due_at, zone)}"
    people = _user_ids(assigned.session, [task.assignee])
    key = f"assigned:{task.id}:{task.assignee}"
    occasion.tell(people, NotificationKind.TASK_ASSIGNED, text, link=task_link(task.id), key=key)


def notify_timer_fired(
    session: Session, services: "EngineServices", timer: CaseTimer, *, case: Case | None = None
) -> None:
    """After a reminder or escalation timer fired: the step's people, and for an escalation the supervisors.

    Pass the timer's ``case`` when it is at hand (the firer has it) to save loading it again.
    """
    if timer.role not in ("reminder", "escalation") or not timer.attached_task_id:
        return  # a plain timer (a wait in the process) tells nobody
    task = session.get(HumanTask, timer.attached_task_id)
    case = case if case is not None and case.id == timer.case_id else session.get(Case, timer.case_id)
    if task is None or case is None:
        return
    zone, code = services.calendar.zone, case.tracking_code
    occasion = _Occasion(session, services.clock.now(), case.id, services.portal_base_url)
    due = _day(task.due_at or (timer.fire_at if timer.role == "escalation" else None), zone)
    people = _people_of_task(session, assignee=task.assignee, lane=task.lane, unit_id=task.unit_id)
    link, step = task_link(task.id), step_phrase(task.name, task.spec_name)
    if timer.role == "reminder":
        deadline = f", hạn xử lý {due}" if due else ""
        text = f"Nhắc hạn: {step} của hồ sơ {code} đã qua 80% thời gian xử lý{deadline}"
        occasion.tell(people, NotificationKind.REMINDER, text, link=link, key=f"reminder:{task.id}")
        return
    text = f"Quá hạn: {step} của hồ sơ {code} đã quá hạn xử lý {due}, đã báo lãnh đạo"
    occasion.tell(people, NotificationKind.OVERDUE, text, link=link, key=f"overdue:{task.id}")
    supervisors = candidate_ids(session, role=Role.SUPERVISOR, unit_id=case.unit_id)
    text = f"Hồ sơ {code} quá hạn ở {step} (hạn xử lý {due}): cần lãnh đạo chỉ đạo xử lý"
    occasion.tell(supervisors, NotificationKind.ESCALATION, text, link=case_link(case.id), key=f"escalation:{task.id}")
