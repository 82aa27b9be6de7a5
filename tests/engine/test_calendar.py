"""Specification of the Vietnamese working-day calendar (docs/architecture.md, "Deadlines in working days")."""

from datetime import UTC, date, datetime, timedelta

import pytest

from engine.core.calendar import WorkingCalendar, parse_day_list

VN = "Asia/Ho_Chi_Minh"


def vn_time(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """An aware datetime in Vietnam local time."""
    return datetime(year, month, day, hour, minute, tzinfo=WorkingCalendar().zone)


def calendar(**settings: object) -> WorkingCalendar:
    """A calendar with the default zone and the given extra settings."""
    return WorkingCalendar(**settings)  # type: ignore[arg-type]


def test_working_days_skip_weekend() -> None:
    friday = vn_time(2026, 3, 6, 14, 30)
    assert calendar().add_working_days(friday, 1) == vn_time(2026, 3, 9, 14, 30)  # Monday


def test_working_days_start_day_does_not_count_even_on_weekend() -> None:
    saturday = vn_time(2026, 3, 7, 10)
    assert calendar().add_working_days(saturday, 1) == vn_time(2026, 3, 9, 10)


def test_zero_working_days_returns_start() -> None:
    start = vn_time(2026, 3, 6, 14, 30)
    assert calendar().add_working_days(start, 0) == start


def test_lunar_new_year_2026_is_not_a_working_day() -> None:
    # holidays 0.109 lists VN Tết 2026 as Mon 16 Feb (eve) .. Fri 20 Feb; Lunar New Year's day is 17 Feb.
    cal = calendar()
    assert not cal.is_working_day(date(2026, 2, 17))
    assert cal.holiday_name(date(2026, 2, 17)) == "Lunar New Year"
    assert all(not cal.is_working_day(date(2026, 2, d)) for d in range(16, 21))


def test_working_days_skip_tet_2026() -> None:
    # Thu 12 Feb + 3: Fri 13 (1), Tết 16-20 and weekends skipped, Mon 23 (2), Tue 24 (3).
    assert calendar().add_working_days(vn_time(2026, 2, 12, 8, 15), 3) == vn_time(2026, 2, 24, 8, 15)


@pytest.mark.parametrize("day", [date(2026, 4, 30), date(2026, 5, 1), date(2026, 9, 2)])
def test_reunification_labour_and_national_days_are_days_off(day: date) -> None:
    cal = calendar()
    assert not cal.is_working_day(day)
    assert cal.holiday_name(day)


def test_working_days_skip_30_april_and_1_may() -> None:
    wednesday = vn_time(2026, 4, 29)
    assert calendar().add_working_days(wednesday, 1) == vn_time(2026, 5, 4)  # Thu, Fri off; weekend


def test_ordinary_weekday_has_no_holiday_name() -> None:
    assert calendar().holiday_name(date(2026, 3, 10)) is None
    assert calendar().is_working_day(date(2026, 3, 10))


def test_configured_extra_day_off_is_skipped() -> None:
    cal = calendar(extra_days_off=[date(2026, 3, 10)])
    assert not cal.is_working_day(date(2026, 3, 10))
    assert cal.add_working_days(vn_time(2026, 3, 9), 1) == vn_time(2026, 3, 11)


def test_configured_makeup_saturday_counts_as_working_day() -> None:
    cal = calendar(makeup_working_days=[date(2026, 3, 7)])
    assert cal.is_working_day(date(2026, 3, 7))
    assert cal.add_working_days(vn_time(2026, 3, 6), 1) == vn_time(2026, 3, 7)


def test_official_makeup_saturday_from_holidays_package_counts_as_working_day() -> None:
    # holidays 0.109: Mon 31 Aug 2026 is off, substituted by working on Sat 22 Aug 2026.
    cal = calendar()
    assert cal.is_working_day(date(2026, 8, 22))
    assert not cal.is_working_day(date(2026, 8, 31))


def test_naive_datetime_is_rejected() -> None:
    with pytest.raises(ValueError, match="no timezone"):
        calendar().add_working_days(datetime(2026, 3, 6, 9), 1)
    with pytest.raises(ValueError, match="no timezone"):
        calendar().add_calendar_days(datetime(2026, 3, 6, 9), 1)


@pytest.mark.parametrize("days", [-1, -0.5, float("nan"), float("inf")])
def test_negative_or_non_finite_days_are_rejected(days: float) -> None:
    with pytest.raises(ValueError, match="days"):
        calendar().add_working_days(vn_time(2026, 3, 6), days)
    with pytest.raises(ValueError, match="days"):
        calendar().add_calendar_days(vn_time(2026, 3, 6), days)


def test_result_has_explicit_vietnam_zone() -> None:
    result = calendar().add_working_days(vn_time(2026, 3, 6), 5)
    assert result.utcoffset() == timedelta(hours=7)
    assert str(result.tzinfo) == VN


def test_utc_input_is_converted_before_counting() -> None:
    # 20:00 UTC on Friday is 03:00 on Saturday in Vietnam, so counting starts from Saturday.
    start = datetime(2026, 3, 6, 20, 0, tzinfo=UTC)
    result = calendar().add_working_days(start, 1)
    assert result == vn_time(2026, 3, 9, 3)
    assert result.utcoffset() == timedelta(hours=7)
    assert calendar().add_working_days(start, 0).isoformat() == "2026-03-07T03:00:00+07:00"


def test_whole_float_days_equal_integer_days() -> None:
    start = vn_time(2026, 3, 6)
    assert calendar().add_working_days(start, 0.8 * 10) == calendar().add_working_days(start, 8)


def test_fractional_working_days_add_fraction_of_24_hours_after_whole_days() -> None:
    # Fri 6 Mar 09:00 + 4 working days = Thu 12 Mar 09:00, + 0.5 × 24h = 21:00.
    assert calendar().add_working_days(vn_time(2026, 3, 6), 4.5) == vn_time(2026, 3, 12, 21)


def test_fractional_part_landing_on_weekend_is_not_rechecked() -> None:
    assert calendar().add_working_days(vn_time(2026, 3, 6, 20), 0.5) == vn_time(2026, 3, 7, 8)


def test_calendar_days_ignore_weekends_and_holidays() -> None:
    cal = calendar()
    assert cal.add_calendar_days(vn_time(2026, 2, 12), 10) == vn_time(2026, 2, 22)
    assert cal.add_calendar_days(vn_time(2026, 2, 12), 1.25) == vn_time(2026, 2, 13, 15)
    utc_result = cal.add_calendar_days(datetime(2026, 3, 6, 20, tzinfo=UTC), 1)
    assert utc_result.isoformat() == "2026-03-08T03:00:00+07:00"


def test_fraction_of_period_at_80_percent() -> None:
    start, end = vn_time(2026, 3, 2, 8), vn_time(2026, 3, 12, 8)
    assert calendar().fraction_of_period(start, end, 0.8) == vn_time(2026, 3, 10, 8)


def test_fraction_of_period_rejects_end_before_start_and_bad_fraction() -> None:
    start, end = vn_time(2026, 3, 2), vn_time(2026, 3, 12)
    with pytest.raises(ValueError, match="before its start"):
        calendar().fraction_of_period(end, start, 0.8)
    with pytest.raises(ValueError, match="between 0 and 1"):
        calendar().fraction_of_period(start, end, 1.5)


def test_parse_day_list_reads_comma_separated_iso_dates() -> None:
    assert parse_day_list("2026-09-01, 2026-12-24") == [date(2026, 9, 1), date(2026, 12, 24)]
    assert parse_day_list("") == []


def test_parse_day_list_names_the_bad_item() -> None:
    with pytest.raises(ValueError, match="'2026-13-40'"):
        parse_day_list("2026-09-01,2026-13-40")
