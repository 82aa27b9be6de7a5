"""Moving a suspended case's deadlines when it resumes: every waiting timer, step deadline and deadline variable.

The pause runs from the day written in the suspension decision to the day written in the resumption decision
(the first day counts, the last does not). A period counted in calendar days is moved by the calendar days of the
pause; a period counted in working days by the working days of the pause, on the Vietnamese calendar (so a pause
across Tết moves it by fewer working days than calendar days).

Which count a timer uses: its ``deadlineDayType`` property (``working`` or ``calendar``) in the model, else
``calendar`` (the laws count "ngày" as calendar days unless they say "ngày làm việc"). A step deadline
(``deadlineDays``) keeps its own day type. The data variables a timer reads its date from (``resolution_deadline``…)
move with it, so the timers of the steps still to come get the moved deadline too.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine.cases.task_index import waiting_timers
from engine.core.calendar import WorkingCalendar

DAY_TYPE_PROPERTY = "deadlineDayType"
OPEN_STATES = (TaskState.READY, TaskState.WAITING, TaskState.STARTED)


@dataclass(frozen=True)
class Pause:
    """The days a case was suspended: ``calendar_days`` and ``working_days`` between the two decisions."""

    start: date
    end: date
    calendar_days: int
    working_days: int

    @classmethod
    def between(cls, start: date, end: date, calendar: WorkingCalendar) -> "Pause":
        """The pause from ``start`` (counted) to ``end`` (not counted)."""
        days = [start + timedelta(days=n) for n in range((end - start).days)]
        return cls(start, end, len(days), sum(1 for day in days if calendar.is_working_day(day)))

    def shift(self, moment: datetime, day_type: str, calendar: WorkingCalendar) -> datetime:
        """``moment`` moved by the pause, counted as ``day_type`` (``working`` or ``calendar``)."""
        if day_type == "working":
            return calendar.add_working_days(moment, self.working_days)
        return calendar.add_calendar_days(moment, self.calendar_days)


@dataclass
class ShiftedTimers:
    """What a resumption moved: the new fire time of each waiting timer, by timer id."""

    fire_at: dict[str, datetime] = field(default_factory=dict)
    day_types: dict[str, str] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)


def _timer_specs(workflow: BpmnWorkflow) -> list:
    specs = list(workflow.spec.task_specs.values())
    for sub in workflow.subprocess_specs.values():
        specs.extend(sub.task_specs.values())
    return [s for s in specs if isinstance(getattr(s, "event_definition", None), TimerEventDefinition)]


def timer_day_type(spec) -> str:
    """How a timer's period is counted: its ``deadlineDayType`` property, else calendar days."""
    properties = (getattr(spec, "extensions", None) or {}).get("properties", {}) or {}
    return "working" if properties.get(DAY_TYPE_PROPERTY) == "working" else "calendar"


def deadline_variables(workflow: BpmnWorkflow) -> dict[str, str]:
    """The data variables the model's timers take their date from, with the day type of their period."""
    found: dict[str, str] = {}
    for spec in _timer_specs(workflow):
        expression = str(spec.event_definition.expression or "").strip()
        if expression.isidentifier():
            found.setdefault(expression, timer_day_type(spec))
    return found


def _open_tasks(workflow: BpmnWorkflow) -> list:
    found = [t for t in workflow.tasks.values() if t.state in OPEN_STATES]
    for sub in workflow.subprocesses.values():
        found.extend(t for t in sub.tasks.values() if t.state in OPEN_STATES)
    return found


def _moved(value: object, pause: Pause, day_type: str, calendar: WorkingCalendar, since: datetime) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None or moment <= since:
        return None
    return pause.shift(moment, day_type, calendar).isoformat()


def shift_workflow(workflow: BpmnWorkflow, pause: Pause, calendar: WorkingCalendar) -> ShiftedTimers:
    """Move the waiting timers and the deadline variables of the open tasks' data by the pause."""
    shifted = ShiftedTimers()
    since = datetime.combine(pause.start, datetime.min.time(), tzinfo=calendar.zone)
    for task, fire_at in waiting_timers(workflow):
        day_type = timer_day_type(task.task_spec)
        new = pause.shift(fire_at, day_type, calendar)
        value = task._get_internal_data("event_value")
        if isinstance(value, dict):
            task._set_internal_data(event_value={**value, "next": new.isoformat()})
        else:
            task._set_internal_data(event_value=new.isoformat())
        shifted.fire_at[str(task.id)] = new
        shifted.day_types[str(task.id)] = day_type
    variables = deadline_variables(workflow)
    seen: set[int] = set()
    for task in _open_tasks(workflow):
        if id(task.data) in seen:
            continue
        seen.add(id(task.data))
        for name, day_type in variables.items():
            moved = _moved(task.data.get(name), pause, day_type, calendar, since)
            if moved is not None:
                task.data[name] = moved
                shifted.variables[name] = moved
    return shifted
