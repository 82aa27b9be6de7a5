"""Specifications for reporting periods: codes, labels, previous periods, leap years, time bounds, schedules."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from engine.reports.periods import Period, current_and_recent, parse_period, periods_closing_on

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(
    ("text", "code", "start", "end", "kind", "label"),
    [
        ("2026-05", "2026-05", date(2026, 5, 1), date(2026, 5, 31), "month", "Tháng 5/2026"),
        ("2026-12", "2026-12", date(2026, 12, 1), date(2026, 12, 31), "month", "Tháng 12/2026"),
        ("2026-Q1", "2026-Q1", date(2026, 1, 1), date(2026, 3, 31), "quarter", "Quý I/2026"),
        ("2026-Q2", "2026-Q2", date(2026, 4, 1), date(2026, 6, 30), "quarter", "Quý II/2026"),
        ("2026-q3", "2026-Q3", date(2026, 7, 1), date(2026, 9, 30), "quarter", "Quý III/2026"),
        ("2026-Q4", "2026-Q4", date(2026, 10, 1), date(2026, 12, 31), "quarter", "Quý IV/2026"),
        ("2026-H1", "2026-H1", date(2026, 1, 1), date(2026, 6, 30), "half", "6 tháng đầu năm 2026"),
        ("2026-h2", "2026-H2", date(2026, 7, 1), date(2026, 12, 31), "half", "6 tháng cuối năm 2026"),
        ("2026-9M", "2026-9M", date(2026, 1, 1), date(2026, 9, 30), "nine_months", "9 tháng năm 2026"),
        ("2026-9m", "2026-9M", date(2026, 1, 1), date(2026, 9, 30), "nine_months", "9 tháng năm 2026"),
        ("2026", "2026", date(2026, 1, 1), date(2026, 12, 31), "year", "Năm 2026"),
        (
            "2026-01-01..2026-03-31",
            "2026-01-01..2026-03-31",
            date(2026, 1, 1),
            date(2026, 3, 31),
            "range",
            "Từ 01/01/2026 đến 31/03/2026",
        ),
        (" 2026-05 ", "2026-05", date(2026, 5, 1), date(2026, 5, 31), "month", "Tháng 5/2026"),
    ],
)
def test_each_code_form_parses_to_its_days_kind_canonical_code_and_vietnamese_label(
    text: str, code: str, start: date, end: date, kind: str, label: str
) -> None:
    period = parse_period(text)
    assert (period.code, period.start, period.end, period.kind, period.label) == (code, start, end, kind, label)


@pytest.mark.parametrize(
    "code", ["2026-05", "2026-Q2", "2026-H1", "2026-H2", "2026-9M", "2026", "2026-01-01..2026-03-31"]
)
def test_a_canonical_code_parses_back_to_itself(code: str) -> None:
    assert parse_period(code).code == code


def test_a_single_day_range_is_accepted_and_lasts_one_day() -> None:
    period = parse_period("2026-03-05..2026-03-05")
    assert (period.start, period.end, period.days) == (date(2026, 3, 5), date(2026, 3, 5), 1)


@pytest.mark.parametrize(
    ("code", "days"),
    [("2026-05", 31), ("2026-04", 30), ("2026-02", 28), ("2026-Q1", 90), ("2026-H2", 184), ("2026-9M", 273)],
)
def test_days_counts_both_ends(code: str, days: int) -> None:
    assert parse_period(code).days == days


@pytest.mark.parametrize(
    ("code", "previous_code", "previous_kind"),
    [
        ("2026-05", "2026-04", "month"),
        ("2026-01", "2025-12", "month"),
        ("2026-Q3", "2026-Q2", "quarter"),
        ("2026-Q1", "2025-Q4", "quarter"),
        ("2026-H2", "2026-H1", "half"),
        ("2026-H1", "2025-H2", "half"),
        ("2026-9M", "2025-04-01..2025-12-31", "range"),
        ("2026", "2025", "year"),
        ("2026-01-01..2026-01-10", "2025-12-22..2025-12-31", "range"),
        ("2026-03-01..2026-03-31", "2026-01-29..2026-02-28", "range"),
    ],
)
def test_previous_is_the_period_of_the_same_kind_just_before_across_year_boundaries(
    code: str, previous_code: str, previous_kind: str
) -> None:
    previous = parse_period(code).previous()
    assert (previous.code, previous.kind) == (previous_code, previous_kind)


def test_previous_of_nine_months_covers_april_to_december_of_the_year_before() -> None:
    previous = parse_period("2026-9M").previous()
    assert (previous.start, previous.end) == (date(2025, 4, 1), date(2025, 12, 31))
    assert previous.days == 275  # nine calendar months, not the 273 days of January-September


@pytest.mark.parametrize(
    "code",
    ["2026-01-01..2026-01-10", "2024-02-20..2024-03-05", "2026-9M", "2026-05", "2026-Q1", "2026-H1", "2026"],
)
def test_previous_ends_the_day_before_start(code: str) -> None:
    period = parse_period(code)
    assert (period.start - period.previous().end).days == 1


def test_previous_of_a_range_keeps_its_length() -> None:
    period = parse_period("2026-01-01..2026-01-10")
    previous = period.previous()
    assert (previous.start, previous.end, previous.days) == (date(2025, 12, 22), date(2025, 12, 31), 10)


def test_february_of_a_leap_year_has_29_days() -> None:
    february = parse_period("2024-02")
    assert (february.end, february.days) == (date(2024, 2, 29), 29)
    assert parse_period("2024-Q1").days == 91
    assert parse_period("2024").days == 366


def test_previous_month_of_march_in_a_leap_year_ends_on_29_february() -> None:
    assert parse_period("2024-03").previous().end == date(2024, 2, 29)


@pytest.mark.parametrize(
    ("code", "last_year_code"),
    [
        ("2026-05", "2025-05"),
        ("2026-Q2", "2025-Q2"),
        ("2026-H2", "2025-H2"),
        ("2026-9M", "2025-9M"),
        ("2026", "2025"),
        ("2026-01-01..2026-03-31", "2025-01-01..2025-03-31"),
        ("2025-02", "2024-02"),
    ],
)
def test_same_period_last_year_shifts_by_one_year_keeping_the_kind(code: str, last_year_code: str) -> None:
    period = parse_period(code)
    last_year = period.same_period_last_year()
    assert (last_year.code, last_year.kind) == (last_year_code, period.kind)


def test_same_month_last_year_of_a_leap_february_ends_on_28_february() -> None:
    assert parse_period("2024-02").same_period_last_year().end == date(2023, 2, 28)


@pytest.mark.parametrize(
    ("code", "last_year_code"),
    [
        ("2024-02-29..2024-03-10", "2023-02-28..2023-03-10"),
        ("2024-02-01..2024-02-29", "2023-02-01..2023-02-28"),
        ("2024-02-29..2024-02-29", "2023-02-28..2023-02-28"),
    ],
)
def test_same_period_last_year_of_a_range_turns_29_february_into_28_february(code: str, last_year_code: str) -> None:
    assert parse_period(code).same_period_last_year().code == last_year_code


def test_bounds_of_a_month_in_ho_chi_minh_are_local_midnights_in_utc() -> None:
    start, end = parse_period("2026-05").bounds(HCM)
    assert start == datetime(2026, 4, 30, 17, 0, tzinfo=UTC)
    assert end == datetime(2026, 5, 31, 17, 0, tzinfo=UTC)
    assert start.utcoffset() == end.utcoffset() == UTC.utcoffset(None)


def test_bounds_end_at_the_midnight_after_the_last_day_of_a_range() -> None:
    start, end = parse_period("2026-01-01..2026-01-01").bounds(HCM)
    assert (start, end) == (datetime(2025, 12, 31, 17, tzinfo=UTC), datetime(2026, 1, 1, 17, tzinfo=UTC))


def test_bounds_follow_daylight_saving_in_zones_that_have_it() -> None:
    start, end = parse_period("2026-03").bounds(ZoneInfo("Europe/Paris"))
    assert start == datetime(2026, 2, 28, 23, tzinfo=UTC)
    assert end == datetime(2026, 3, 31, 22, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        "2026-13",
        "2026-00",
        "2026-Q5",
        "2026-Q0",
        "2026-H3",
        "2026-H0",
        "2026-8M",
        "2026-02-30..2026-03-01",
        "2026-03-31..2026-01-01",
        "0000",
        "",
        "May 2026",
        "2026-5",
        "26-05",
        "2026-01-01..",
    ],
)
def test_bad_input_raises_value_error_naming_the_input_and_the_accepted_forms(text: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_period(text)
    message = str(raised.value)
    assert repr(text) in message
    assert "2026-Q2" in message and "2026-9M" in message and ".." in message


def test_a_range_ending_before_it_starts_is_rejected_even_when_built_directly() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        Period("x", date(2026, 3, 31), date(2026, 1, 1), "range")


def test_an_unknown_kind_is_rejected() -> None:
    with pytest.raises(ValueError, match="kind"):
        Period("2026-W1", date(2026, 1, 1), date(2026, 1, 7), "week")


def _codes(periods: list[Period]) -> list[str]:
    return [period.code for period in periods]


@pytest.mark.parametrize(
    ("day", "codes"),
    [
        (date(2026, 5, 31), ["2026-05"]),
        (date(2026, 6, 30), ["2026-06", "2026-Q2", "2026-H1"]),
        (date(2026, 9, 30), ["2026-09", "2026-Q3", "2026-9M"]),
        (date(2026, 12, 31), ["2026-12", "2026-Q4", "2026-H2", "2026"]),
        (date(2026, 3, 31), ["2026-03", "2026-Q1"]),
        (date(2024, 2, 29), ["2024-02"]),
        (date(2026, 6, 15), []),
        (date(2026, 6, 29), []),
        (date(2024, 2, 28), []),
        (date(2026, 1, 1), []),
    ],
)
def test_periods_closing_on_lists_the_reports_due_in_order_month_quarter_half_nine_months_year(
    day: date, codes: list[str]
) -> None:
    assert _codes(periods_closing_on(day)) == codes


def test_every_closing_period_ends_on_that_day() -> None:
    assert all(period.end == date(2026, 12, 31) for period in periods_closing_on(date(2026, 12, 31)))


def test_current_and_recent_lists_months_then_quarters_halves_nine_months_and_years_newest_first() -> None:
    assert _codes(current_and_recent(date(2026, 2, 10), count=3)) == [
        "2026-02",
        "2026-01",
        "2025-12",
        "2026-Q1",
        "2025-Q4",
        "2025-Q3",
        "2025-Q2",
        "2026-H2",
        "2026-H1",
        "2026-9M",
        "2026",
        "2025",
    ]


def test_current_and_recent_has_twelve_months_by_default_and_no_duplicates() -> None:
    periods = current_and_recent(date(2026, 5, 20))
    codes = _codes(periods)
    assert [period.code for period in periods if period.kind == "month"][0] == "2026-05"
    assert [period.code for period in periods if period.kind == "month"][-1] == "2025-06"
    assert sum(period.kind == "month" for period in periods) == 12
    assert len(codes) == len(set(codes))


def test_current_and_recent_rejects_a_negative_count() -> None:
    with pytest.raises(ValueError, match="count"):
        current_and_recent(date(2026, 5, 20), count=-1)


@pytest.mark.parametrize("code", ["0001", "0001-01", "9999", "9999-12", "9999-Q4", "0001-H1", "1899-12-01..1900-01-31"])
def test_periods_at_the_edges_of_the_calendar_are_refused_with_the_accepted_years(code: str) -> None:
    with pytest.raises(ValueError, match="1900–2999"):
        parse_period(code)
