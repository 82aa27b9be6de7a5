"""How a task's deadline reads on a page: "còn 3 ngày làm việc", "quá hạn 2 ngày", and its colour."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from engine.core.calendar import WorkingCalendar


@dataclass(frozen=True)
class DeadlineView:
    """A deadline as shown: state (on_time / reminded / overdue / none), a phrase key and its number."""

    state: str
    phrase: str
    days: int
    due_date: date | None


def working_days_between(calendar: WorkingCalendar, start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += calendar.is_working_day(day)
    return count


def deadline_view(
    calendar: WorkingCalendar, *, due_at: datetime | None, reminded_at: datetime | None, now: datetime
) -> DeadlineView:
    """The deadline of a task as of ``now``, in the calendar's zone."""
    if due_at is None:
        return DeadlineView("none", "sla.none", 0, None)
    today = now.astimezone(calendar.zone).date()
    due_date = due_at.astimezone(calendar.zone).date()
    if due_at < now:
        return DeadlineView("overdue", "sla.late", max((today - due_date).days, 1), due_date)
    state = "reminded" if reminded_at is not None else "on_time"
    left = working_days_between(calendar, today, due_date)
    return DeadlineView(state, "sla.left" if left else "sla.today", left, due_date)
