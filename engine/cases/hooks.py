"""Observers of case actions, registered by the domains so that the runtime need not know them.

The runtime calls two kinds of observers, in the order they were registered, inside the action's transaction:

* ``before_task_completed(submission)``: checks of submitted task data that need the database (for example the
  petition triage checks); raise a ``DomainError`` to refuse the submission;
* ``after_case_saved(saved)``: work that belongs with the case's new state (the portal publication, messages to
  subscribers, the statistics record of a finished case, the staff notifications of new tasks);
* ``after_task_assigned(assigned)``: a team lead or supervisor gave a task to a named person (staff notifications);
* ``after_case_decided(decided)``: a course decision (suspension, resumption, termination, withdrawal) was recorded
  and the case saved (the report counters).

Each domain registers its observers in its ``hooks`` module; ``engine/services.py`` imports those modules once.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
    from sqlalchemy.orm import Session

    from engine.core.models import Case, HumanTask
    from engine.people.auth import Actor
    from engine.services import EngineServices


@dataclass(frozen=True)
class TaskSubmission:
    """A task's form data about to be completed (already valid against the task's form)."""

    session: "Session"
    case: "Case"
    task: "HumanTask"
    data: dict
    actor: "Actor | None" = None  # who completes it (the runtime passes both; older callers may not)
    services: "EngineServices | None" = None
    now: datetime | None = None
    zone: "ZoneInfo | None" = None
    """The action's moment and the calendar's zone (the checks of dates written in a decision need them)."""


@dataclass(frozen=True)
class CaseBefore:
    """What a case was before an action that knows it: its title, unit and a copy of its latest data."""

    title: str
    unit_id: int
    data: dict


@dataclass(frozen=True)
class CaseSaved:
    """A case just advanced and saved: its workflow, latest data and what changed."""

    session: "Session"
    services: "EngineServices"
    case: "Case"
    workflow: "BpmnWorkflow"
    data: dict
    now: datetime
    status_before: str
    opened_tasks: bool
    completed_now: bool
    new_tasks: tuple[dict, ...] = ()  # the ``human_tasks`` rows this action opened
    timer_role: str | None = None  # the role of the timer whose firing caused this save (reminder, escalation)
    before: CaseBefore | None = None  # the case before the action, when the action kept it (a fired timer)

    @property
    def changed(self) -> bool:
        """Whether someone following the case would see a difference: new open steps or a new status."""
        return self.opened_tasks or self.case.status != self.status_before


@dataclass(frozen=True)
class TaskAssigned:
    """A task was just given to a named person by someone else (saved in the same transaction)."""

    session: "Session"
    services: "EngineServices"
    case: "Case"
    task: "HumanTask"
    assigned_by: str
    now: datetime


@dataclass(frozen=True)
class CaseDecided:
    """A course decision of ``kind`` was just recorded on a case and the case saved (same transaction)."""

    session: "Session"
    services: "EngineServices"
    case: "Case"
    kind: str
    now: datetime


TaskObserver = Callable[[TaskSubmission], None]
SaveObserver = Callable[[CaseSaved], None]
AssignObserver = Callable[[TaskAssigned], None]
DecisionObserver = Callable[[CaseDecided], None]


class CaseHooks:
    """The observers of case actions, kept in registration order (registering one twice keeps the first)."""

    def __init__(self) -> None:
        self.task_observers: list[TaskObserver] = []
        self.save_observers: list[SaveObserver] = []
        self.assign_observers: list[AssignObserver] = []
        self.decision_observers: list[DecisionObserver] = []

    def before_task_completed(self, observer: TaskObserver) -> TaskObserver:
        """Register ``observer`` to check a task submission (decorator)."""
        if observer not in self.task_observers:
            self.task_observers.append(observer)
        return observer

    def after_case_saved(self, observer: SaveObserver) -> SaveObserver:
        """Register ``observer`` to act on a saved case (decorator)."""
        if observer not in self.save_observers:
            self.save_observers.append(observer)
        return observer

    def after_task_assigned(self, observer: AssignObserver) -> AssignObserver:
        """Register ``observer`` to act on a task given to a named person (decorator)."""
        if observer not in self.assign_observers:
            self.assign_observers.append(observer)
        return observer

    def after_case_decided(self, observer: DecisionObserver) -> DecisionObserver:
        """Register ``observer`` to act on a case after a course decision (decorator)."""
        if observer not in self.decision_observers:
            self.decision_observers.append(observer)
        return observer

    def task_submitted(self, submission: TaskSubmission) -> None:
        """Run the submission checks; the first that refuses raises."""
        for observer in self.task_observers:
            observer(submission)

    def case_saved(self, saved: CaseSaved) -> None:
        """Run the observers of a saved case."""
        for observer in self.save_observers:
            observer(saved)

    def task_assigned(self, assigned: TaskAssigned) -> None:
        """Run the observers of a task given to a named person."""
        for observer in self.assign_observers:
            observer(assigned)

    def case_decided(self, decided: CaseDecided) -> None:
        """Run the observers of a course decision."""
        for observer in self.decision_observers:
            observer(decided)


HOOKS = CaseHooks()
"""The one set of case observers of the engine."""
