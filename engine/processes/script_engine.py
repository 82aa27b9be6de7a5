"""The SpiffWorkflow script engine of Phản Ánh: restricted builtins, calendar functions, service operators."""

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

from engine.core.calendar import WorkingCalendar
from engine.core.clock import Clock
from engine.processes.operators import BoundOperators
from engine.processes.sandbox import SAFE_BUILTINS, check_python


def _parse_moment(value: datetime | str) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def deadline_functions(clock: Clock, calendar: WorkingCalendar) -> dict[str, Callable]:
    """The functions BPMN expressions can call to compute deadlines. All return ISO datetimes with a zone."""

    def deadline_in_working_days(days: float) -> str:
        """n working days ahead on the Vietnamese calendar."""
        return calendar.add_working_days(clock.now(), days).isoformat()

    def deadline_in_calendar_days(days: float) -> str:
        """n calendar days ahead."""
        return calendar.add_calendar_days(clock.now(), days).isoformat()

    def deadline_after(deadline: str, days: float, day_type: str = "calendar") -> str:
        """A deadline moved ``days`` (calendar or working) days past ``deadline``, e.g. an extension decision."""
        moment = _parse_moment(deadline)
        if day_type == "working":
            return calendar.add_working_days(moment, days).isoformat()
        if day_type != "calendar":
            raise ValueError(f"day_type must be 'calendar' or 'working', got {day_type!r}")
        return calendar.add_calendar_days(moment, days).isoformat()

    def day_at_current_time(day: str) -> datetime:
        """A decision's date (``YYYY-MM-DD``) at the current local time of day, as every deadline is."""
        return datetime.combine(date.fromisoformat(str(day)[:10]), clock.now().astimezone(calendar.zone).timetz())

    def deadline_from_day(day: str, days: float, day_type: str = "calendar") -> str:
        """A period of ``days`` counted from the date written in a decision (e.g. the acceptance date), not from
        the moment it was recorded."""
        return deadline_after(day_at_current_time(day).isoformat(), days, day_type)

    def fraction_of_period(deadline: str, fraction: float, start_day: str | None = None) -> str:
        """The moment at ``fraction`` of the way to ``deadline`` (0.8 → the 80% reminder), from now or from the
        decision date ``start_day`` of a period counted with ``deadline_from_day``."""
        start = day_at_current_time(start_day) if start_day else clock.now().astimezone(calendar.zone)
        return calendar.fraction_of_period(start, _parse_moment(deadline), fraction).isoformat()

    def now() -> str:
        """The current time."""
        return clock.now().astimezone(calendar.zone).isoformat()

    def start_of_next_month() -> str:
        """Five minutes past midnight on the first day of next month: when last month's reports can be made."""
        local = clock.now().astimezone(calendar.zone)
        year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
        return datetime(year, month, 1, 0, 5, tzinfo=calendar.zone).isoformat()

    def last_day_of_previous_month() -> str:
        """The closing day of the month before the current one, as an ISO date."""
        local = clock.now().astimezone(calendar.zone)
        return (local.date().replace(day=1) - timedelta(days=1)).isoformat()

    return {
        "deadline_in_working_days": deadline_in_working_days,
        "deadline_in_calendar_days": deadline_in_calendar_days,
        "deadline_after": deadline_after,
        "deadline_from_day": deadline_from_day,
        "fraction_of_period": fraction_of_period,
        "now": now,
        "start_of_next_month": start_of_next_month,
        "last_day_of_previous_month": last_day_of_previous_month,
    }


class RestrictedEnvironment(TaskDataEnvironment):
    """Runs task scripts with a small whitelist of builtins and refuses unsafe constructs."""

    def __init__(self, functions: dict[str, Callable], operators: BoundOperators) -> None:
        super().__init__({"__builtins__": SAFE_BUILTINS, **functions})
        self.operators = operators

    def evaluate(self, expression, context, external_context=None):
        problem = check_python(expression, mode="eval")
        if problem:
            raise ValueError(problem)
        return super().evaluate(expression.strip(), context, external_context)

    def execute(self, script, context, external_context=None):
        problem = check_python(script, mode="exec")
        if problem:
            raise ValueError(problem)
        return super().execute(script, context, external_context)

    def call_service(self, context, operation_name=None, operation_params=None, **_kwargs):
        params = {name: spec["value"] for name, spec in (operation_params or {}).items()}
        return json.dumps(self.operators.call(operation_name, dict(context), params))


class CaseScriptEngine(PythonScriptEngine):
    """PythonScriptEngine whose service calls report errors with the task attached."""

    def call_service(self, task, **kwargs):
        try:
            return self.environment.call_service(task.data, **kwargs)
        except Exception as err:
            raise WorkflowTaskException(f"{err.__class__.__name__}: {err}", task=task, exception=err) from err


def build_script_engine(clock: Clock, calendar: WorkingCalendar, operators: BoundOperators) -> CaseScriptEngine:
    """A script engine bound to one clock and calendar, calling the service operators of one case (or of none)."""
    return CaseScriptEngine(environment=RestrictedEnvironment(deadline_functions(clock, calendar), operators))
