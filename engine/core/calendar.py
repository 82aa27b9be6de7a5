"""Vietnamese working-day calendar for statutory deadlines (docs/architecture.md, "Deadlines in working days").

Pure logic, no I/O: public holidays (including Tết) come from the ``holidays`` package (country ``VN``),
deployment-specific days off and make-up working days (ngày làm bù) are passed in by the caller.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays

__all__ = ["WorkingCalendar", "parse_day_list"]


def parse_day_list(text: str) -> list[date]:
    """Parse a comma-separated list of ISO dates, e.g. ``"2026-09-01,2026-12-24"``.

    Whitespace around items and empty items are ignored, so ``""`` gives ``[]``.
    Raises ``ValueError`` naming the first item that is not a date.
    """
    days: list[date] = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        try:
            days.append(date.fromisoformat(item))
        except ValueError:
            raise ValueError(f"Invalid date {item!r} in day list {text!r}: expected YYYY-MM-DD") from None
    return days


class WorkingCalendar:
    """Vietnamese working-day calendar: weekends, public holidays incl. Tết (holidays package, country 'VN'),
    plus configurable extra days off and make-up working days (ngày làm bù, e.g. a Saturday).

    Precedence in :meth:`is_working_day`: a configured make-up day is a working day; then a configured extra
    day off is not; otherwise the ``holidays`` package decides (public holidays and Saturday/Sunday are days
    off, except the weekend make-up days the package itself knows, such as Saturday 2026-08-22).
    """

    def __init__(
        self,
        *,
        timezone: str = "Asia/Ho_Chi_Minh",
        extra_days_off: Iterable[date] = (),
        makeup_working_days: Iterable[date] = (),
    ) -> None:
        self.zone = ZoneInfo(timezone)
        self.extra_days_off: frozenset[date] = frozenset(extra_days_off)
        self.makeup_working_days: frozenset[date] = frozenset(makeup_working_days)
        self._holidays_by_year: dict[int, holidays.HolidayBase] = {}

    def _public_holidays(self, year: int) -> holidays.HolidayBase:
        """Vietnamese public holidays of one year, loaded once per instance."""
        if year not in self._holidays_by_year:
            self._holidays_by_year[year] = holidays.country_holidays("VN", years=year)
        return self._holidays_by_year[year]

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is a working day (see the class docstring for the precedence)."""
        if day in self.makeup_working_days:
            return True
        if day in self.extra_days_off:
            return False
        return self._public_holidays(day.year).is_working_day(day)

    def holiday_name(self, day: date) -> str | None:
        """Name of the Vietnamese public holiday on ``day`` (English), or ``None``.

        Configured extra days off have no name and give ``None``.
        """
        return self._public_holidays(day.year).get(day)

    def add_working_days(self, start: datetime, days: int | float) -> datetime:
        """Deadline ``days`` working days after ``start``, as an aware datetime in the calendar's zone.

        ``start`` is converted to the calendar's zone first. The start day itself never counts, whether or
        not it is a working day: the result is the same local time of day on the n-th working day after the
        start's local date. ``days=0`` returns ``start`` (converted). A fractional part is added on top as
        ``fraction × 24h`` after the whole days, and the day it lands on is *not* re-checked: Friday 20:00
        plus 0.5 working days is Saturday 08:00.
        """
        local_start = self._to_zone(start, "start")
        whole, fraction = self._split_days(days)
        day = local_start.date()
        remaining = whole
        while remaining > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        landing = datetime.combine(day, local_start.timetz()) if whole else local_start
        return landing + timedelta(days=fraction)

    def add_calendar_days(self, start: datetime, days: int | float) -> datetime:
        """``start`` plus ``days`` calendar days (fractions allowed), aware and in the calendar's zone.

        ``start`` must be aware; ``days`` must be finite and not negative.
        """
        local_start = self._to_zone(start, "start")
        whole, fraction = self._split_days(days)
        return local_start + timedelta(days=whole + fraction)

    def fraction_of_period(self, start: datetime, end: datetime, fraction: float) -> datetime:
        """The instant ``start + fraction × (end - start)`` in the calendar's zone, e.g. the 80% reminder.

        ``fraction`` must lie in [0, 1] and ``end`` must not be before ``start``.
        """
        local_start = self._to_zone(start, "start")
        local_end = self._to_zone(end, "end")
        if local_end < local_start:
            raise ValueError(f"Period end {local_end.isoformat()} is before its start {local_start.isoformat()}")
        if not 0 <= fraction <= 1:
            raise ValueError(f"Fraction of a period must be between 0 and 1, got {fraction!r}")
        return local_start + (local_end - local_start) * fraction

    def _to_zone(self, moment: datetime, label: str) -> datetime:
        """Convert an aware datetime to the calendar's zone; reject naive ones."""
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(
                f"{label} {moment.isoformat()} has no timezone; pass an aware datetime "
                f"(e.g. tzinfo=ZoneInfo({self.zone.key!r}))"
            )
        return moment.astimezone(self.zone)

    @staticmethod
    def _split_days(days: int | float) -> tuple[int, float]:
        """Split a non-negative, finite day count into whole days and the fractional rest."""
        if isinstance(days, bool) or not isinstance(days, int | float):
            raise ValueError(f"Number of days must be a number, got {days!r}")
        if not math.isfinite(days) or days < 0:
            raise ValueError(f"Number of days must be a finite number >= 0, got {days!r}")
        whole = math.floor(days)
        return whole, days - whole
