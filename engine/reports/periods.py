"""Reporting periods: months, quarters, halves, 9 months, years and free date ranges.

Party-committee supervisors report monthly, quarterly, at 6 months, at 9 months and yearly. A :class:`Period` is
a closed interval of calendar days with a canonical code ("2026-05", "2026-Q2", "2026-H1", "2026-H2", "2026-9M",
"2026", "2026-01-01..2026-03-31") and a Vietnamese label. Everything here is pure: no clock, no I/O.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

KINDS = ("month", "quarter", "half", "nine_months", "year", "range")

ACCEPTED_FORMS = (
    "YYYY-MM (2026-05), YYYY-Qn (2026-Q2), YYYY-H1/YYYY-H2 (2026-H1), YYYY-9M (2026-9M), "
    "YYYY (2026), YYYY-MM-DD..YYYY-MM-DD (2026-01-01..2026-03-31)"
)

# Reports compare with the previous period and the same period a year earlier, and their bounds run to the next
# midnight, so a period must leave a year of room on both sides of the calendar's range.
FIRST_YEAR, LAST_YEAR = 1900, 2999

_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_DATE = r"\d{4}-\d{2}-\d{2}"
_PATTERNS = (
    (re.compile(r"(\d{4})-(\d{2})"), "month"),
    (re.compile(r"(\d{4})-Q(\d)", re.IGNORECASE), "quarter"),
    (re.compile(r"(\d{4})-H(\d)", re.IGNORECASE), "half"),
    (re.compile(r"(\d{4})-9M", re.IGNORECASE), "nine_months"),
    (re.compile(r"(\d{4})"), "year"),
    (re.compile(rf"({_DATE})\s*\.\.\s*({_DATE})"), "range"),
)


@dataclass(frozen=True)
class Period:
    """A reporting period: the calendar days from ``start`` to ``end``, both inclusive."""

    code: str
    start: date
    end: date
    kind: str

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown period kind {self.kind!r}; expected one of {', '.join(KINDS)}")
        if self.end < self.start:
            raise ValueError(f"period {self.code!r} ends ({self.end}) before it starts ({self.start})")
        if not (FIRST_YEAR <= self.start.year and self.end.year <= LAST_YEAR):
            raise ValueError(f"period {self.code!r} lies outside the years {FIRST_YEAR}–{LAST_YEAR}")

    @property
    def label(self) -> str:
        """The Vietnamese name of the period, e.g. "Quý II/2026" or "6 tháng đầu năm 2026"."""
        year = self.start.year
        if self.kind == "month":
            return f"Tháng {self.start.month}/{year}"
        if self.kind == "quarter":
            return f"Quý {_ROMAN[_quarter_number(self.start)]}/{year}"
        if self.kind == "half":
            return f"6 tháng {'đầu' if self.start.month == 1 else 'cuối'} năm {year}"
        if self.kind == "nine_months":
            return f"9 tháng năm {year}"
        if self.kind == "year":
            return f"Năm {year}"
        return f"Từ {self.start:%d/%m/%Y} đến {self.end:%d/%m/%Y}"

    @property
    def days(self) -> int:
        """The number of days in the period (both ends counted)."""
        return (self.end - self.start).days + 1

    def previous(self) -> "Period":
        """The period of the same length just before this one.

        Month, quarter, half and year give the preceding period of their kind; 9 months (Jan–Sep) gives the range
        Apr 1–Dec 31 of the previous year; a range gives the same number of days ending the day before ``start``.
        """
        day_before = self.start - timedelta(days=1)
        if self.kind == "month":
            return month_period(day_before.year, day_before.month)
        if self.kind == "quarter":
            return quarter_period(day_before.year, _quarter_number(day_before))
        if self.kind == "half":
            return half_period(day_before.year, _half_number(day_before))
        if self.kind == "year":
            return year_period(self.start.year - 1)
        if self.kind == "nine_months":
            return range_period(date(self.start.year - 1, 4, 1), day_before)
        return range_period(self.start - timedelta(days=self.days), day_before)

    def same_period_last_year(self) -> "Period":
        """The same period one year earlier; a range shifts both dates, 29 February becoming 28 February."""
        year = self.start.year - 1
        if self.kind == "month":
            return month_period(year, self.start.month)
        if self.kind == "quarter":
            return quarter_period(year, _quarter_number(self.start))
        if self.kind == "half":
            return half_period(year, _half_number(self.start))
        if self.kind == "nine_months":
            return nine_months_period(year)
        if self.kind == "year":
            return year_period(year)
        return range_period(_year_earlier(self.start), _year_earlier(self.end))

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The half-open instant interval [start 00:00, day after end 00:00) in ``zone``, as UTC-aware datetimes."""
        return _local_midnight_utc(self.start, zone), _local_midnight_utc(self.end + timedelta(days=1), zone)


def month_period(year: int, month: int) -> Period:
    """The calendar month ``month`` (1–12) of ``year``."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1..12, got {month}")
    return Period(f"{year:04d}-{month:02d}", date(year, month, 1), _last_day(year, month), "month")


def quarter_period(year: int, quarter: int) -> Period:
    """Quarter ``quarter`` (1–4) of ``year``."""
    if not 1 <= quarter <= 4:
        raise ValueError(f"quarter must be 1..4, got {quarter}")
    first_month = 3 * quarter - 2
    return Period(f"{year:04d}-Q{quarter}", date(year, first_month, 1), _last_day(year, first_month + 2), "quarter")


def half_period(year: int, half: int) -> Period:
    """The first (``half=1``, Jan–Jun) or second (``half=2``, Jul–Dec) half of ``year``."""
    if half not in (1, 2):
        raise ValueError(f"half must be 1 or 2, got {half}")
    first_month = 1 if half == 1 else 7
    return Period(f"{year:04d}-H{half}", date(year, first_month, 1), _last_day(year, first_month + 5), "half")


def nine_months_period(year: int) -> Period:
    """The first nine months of ``year`` (Jan 1–Sep 30)."""
    return Period(f"{year:04d}-9M", date(year, 1, 1), date(year, 9, 30), "nine_months")


def year_period(year: int) -> Period:
    """The calendar year ``year``."""
    return Period(f"{year:04d}", date(year, 1, 1), date(year, 12, 31), "year")


def range_period(start: date, end: date) -> Period:
    """A free range of days from ``start`` to ``end``, both inclusive."""
    return Period(f"{start.isoformat()}..{end.isoformat()}", start, end, "range")


def parse_period(text: str) -> Period:
    """Parse a period code (case-insensitive, surrounding spaces ignored); ValueError naming the input otherwise."""
    cleaned = text.strip()
    for pattern, kind in _PATTERNS:
        match = pattern.fullmatch(cleaned)
        if match:
            try:
                return _build(kind, match.groups())
            except ValueError as error:
                raise ValueError(f"invalid period {text!r}: {error}; accepted forms: {ACCEPTED_FORMS}") from error
    raise ValueError(f"unrecognised period {text!r}; accepted forms: {ACCEPTED_FORMS}")


def periods_closing_on(day: date) -> list[Period]:
    """The periodic reports whose last day is ``day``: month, then quarter, half, nine months and year."""
    if day != _last_day(day.year, day.month):
        return []
    closing = [month_period(day.year, day.month)]
    if day.month % 3 == 0:
        closing.append(quarter_period(day.year, day.month // 3))
    if day.month in (6, 12):
        closing.append(half_period(day.year, day.month // 6))
    if day.month == 9:
        closing.append(nine_months_period(day.year))
    if day.month == 12:
        closing.append(year_period(day.year))
    return closing


def period_months(period: Period) -> list[str]:
    """The months ("2026-04") a period is made of; empty when it does not start and end on a month's edges."""
    if period.start.day != 1 or period.end != _last_day(period.end.year, period.end.month):
        return []
    first, last = period.start.year * 12 + period.start.month - 1, period.end.year * 12 + period.end.month - 1
    return [f"{index // 12:04d}-{index % 12 + 1:02d}" for index in range(first, last + 1)]


def month_start(moment: datetime, zone: ZoneInfo) -> datetime:
    """00:00 of the first day of the month ``moment`` falls in, in ``zone``, expressed in UTC."""
    local = moment.astimezone(zone)
    return _local_midnight_utc(date(local.year, local.month, 1), zone)


def current_and_recent(today: date, count: int = 12, quarters: int = 4) -> list[Period]:
    """Choices for a period picker, newest first within each kind.

    ``count`` months (the current one first), ``quarters`` quarters (the current one first), H2 and H1 of this
    year, 9 months of this year, then this year and last year. No period appears twice.
    """
    if count < 0 or quarters < 0:
        raise ValueError(f"count and quarters must not be negative, got count={count}, quarters={quarters}")
    choices = _walk_back(month_period(today.year, today.month), count)
    choices += _walk_back(quarter_period(today.year, _quarter_number(today)), quarters)
    choices += [half_period(today.year, 2), half_period(today.year, 1), nine_months_period(today.year)]
    choices += [year_period(today.year), year_period(today.year - 1)]
    return _unique(choices)


def _build(kind: str, groups: tuple[str, ...]) -> Period:
    """Make the period of ``kind`` from the regex groups of its code."""
    if kind == "range":
        return range_period(date.fromisoformat(groups[0]), date.fromisoformat(groups[1]))
    year = int(groups[0])
    if kind == "month":
        return month_period(year, int(groups[1]))
    if kind == "quarter":
        return quarter_period(year, int(groups[1]))
    if kind == "half":
        return half_period(year, int(groups[1]))
    if kind == "nine_months":
        return nine_months_period(year)
    return year_period(year)


def _walk_back(first: Period, count: int) -> list[Period]:
    """``first`` and the periods before it, ``count`` in all."""
    periods: list[Period] = []
    current = first
    for _ in range(count):
        periods.append(current)
        current = current.previous()
    return periods


def _unique(periods: list[Period]) -> list[Period]:
    """``periods`` without repeated codes, keeping the first occurrence."""
    seen: set[str] = set()
    kept: list[Period] = []
    for period in periods:
        if period.code not in seen:
            seen.add(period.code)
            kept.append(period)
    return kept


def _last_day(year: int, month: int) -> date:
    """The last day of ``month`` in ``year``."""
    return date(year, month, calendar.monthrange(year, month)[1])


def _quarter_number(day: date) -> int:
    """The quarter (1–4) containing ``day``."""
    return (day.month - 1) // 3 + 1


def _half_number(day: date) -> int:
    """The half (1–2) containing ``day``."""
    return 1 if day.month <= 6 else 2


def _year_earlier(day: date) -> date:
    """``day`` one year earlier, 29 February becoming 28 February."""
    if day.month == 2 and day.day == 29:
        return date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


def _local_midnight_utc(day: date, zone: ZoneInfo) -> datetime:
    """00:00 of ``day`` in ``zone``, expressed in UTC."""
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)
