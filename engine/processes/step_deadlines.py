"""Step deadlines set in the model: a user task's ``deadlineDays`` and ``deadlineDayType`` properties.

A designer gives any user task a period (the law's, or the working group's where the law is silent) in the
modeler's properties panel. When the task becomes ready its deadline is that many days ahead, counted in
working days on the Vietnamese calendar (``working``, the default) or in calendar days (``calendar``). A boundary
timer with ``timerRole=escalation`` on the same task, when it is set, gives the deadline instead.
"""

from dataclasses import dataclass
from datetime import datetime

from engine.core.calendar import WorkingCalendar

DEADLINE_DAYS_PROPERTY = "deadlineDays"
DEADLINE_DAY_TYPE_PROPERTY = "deadlineDayType"
DAY_TYPES = ("working", "calendar")
CATALOG_KEY = "deadlines"
MAX_DAYS = 3650


@dataclass(frozen=True)
class StepDeadline:
    """The period of one step: a number of days and how they are counted."""

    days: int
    day_type: str = "working"

    def due_at(self, calendar: WorkingCalendar, start: datetime) -> datetime:
        """The deadline of a step that became ready at ``start``."""
        if self.day_type == "calendar":
            return calendar.add_calendar_days(start, self.days)
        return calendar.add_working_days(start, self.days)


def parse_days(value: str | None) -> int | None:
    """The number of days a ``deadlineDays`` value gives, or None when it is not a whole number in range."""
    text = (value or "").strip()
    if not text.isdigit():
        return None
    days = int(text)
    return days if 1 <= days <= MAX_DAYS else None


def step_deadline(properties: dict[str, str]) -> StepDeadline | None:
    """The deadline a task's properties set, or None (no property, or a value the lint refuses)."""
    if DEADLINE_DAYS_PROPERTY not in properties:
        return None
    days = parse_days(properties[DEADLINE_DAYS_PROPERTY])
    day_type = (properties.get(DEADLINE_DAY_TYPE_PROPERTY) or "working").strip() or "working"
    if days is None or day_type not in DAY_TYPES:
        return None
    return StepDeadline(days, day_type)


def catalog_deadline(catalog: dict, spec_id: str | None) -> StepDeadline | None:
    """The deadline a deployed version's catalog keeps for one task spec."""
    entry = catalog.get(CATALOG_KEY, {}).get(spec_id or "")
    if not entry:
        return None
    return StepDeadline(int(entry["days"]), str(entry.get("day_type") or "working"))
