"""The SLA report, built from cases walked through the engine with the injected clock.

Every scenario starts on a Monday in June of next year (no Vietnamese public holiday falls in June), at 09:00 in
Ho Chi Minh City (02:00 UTC); the injected clock must stay ahead of the real one (see tests/factories.py).
"""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update

from engine.cases.runtime import CaseRuntime
from engine.core.calendar import WorkingCalendar
from engine.core.db import transaction
from engine.core.models import HumanTask, Unit
from engine.people.auth import create_user
from engine.reports.periods import month_period
from engine.reports.sla import SlaReport, build_sla, percentile_nearest_rank, working_days_between
from tests.cases import SCREEN_IN, VERIFY, complete, start_report
from tests.factories import INTAKE, PASSWORD
from tests.timers import fire_due_timers

NEXT_YEAR = datetime.now(UTC).year + 1
JUNE = month_period(NEXT_YEAR, 6)


def first_monday_of_june() -> datetime:
    """09:00 local (02:00 UTC) on the first Monday on or after 7 June next year: two full weeks stay in June."""
    day = date(NEXT_YEAR, 6, 7)
    day += timedelta(days=-day.weekday() % 7)
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)


MONDAY = first_monday_of_june()


def local(days: int, hour: int) -> datetime:
    """``days`` after the first Monday, at ``hour`` o'clock in Ho Chi Minh City (UTC+7)."""
    return MONDAY + timedelta(days=days, hours=hour - 9)


@pytest.fixture
def june(world):
    """The world with its clock on the first Monday of June, whose two weeks hold no public holiday."""
    calendar = world.services.calendar
    weekdays = [MONDAY.date() + timedelta(days=n) for n in range(15) if (MONDAY.weekday() + n) % 7 < 5]
    assert all(calendar.is_working_day(d) for d in weekdays), "the scenarios assume a June without holidays"
    world.clock.set(MONDAY)
    return world


def to_verification(world, officer: str = "officer1", days: int = 10) -> int:
    """A d1 case waiting in verify_report for ``officer``, with a deadline ``days`` working days from now."""
    case_id = start_report(world)
    complete(world, case_id, "screen_report", "officer1", SCREEN_IN)
    assignment = {"verifying_officer": officer, "verification_days": days, "verification_day_type": "working"}
    complete(world, case_id, "assign_verification", "lead1", assignment)
    return case_id


@pytest.fixture
def lead_d2(june):
    """A team lead for district 2, which the seeded world lacks."""
    with transaction(june.factory) as session:
        unit = session.get(Unit, june.units["d2"])
        create_user(session, username="lead_d2", password=PASSWORD, roles=["team_lead"], units=[unit])
    return "lead_d2"


def to_verification_in_district_2(world, days: int) -> int:
    """A d2 case waiting in verify_report for officer_d2, assigned by lead_d2."""
    with transaction(world.factory) as session:
        runtime = CaseRuntime(session, world.services)
        case_id = runtime.start_case(world.actor("officer_d2"), process_key="report_1374", data=INTAKE).id
    complete(world, case_id, "screen_report", "officer_d2", SCREEN_IN)
    assignment = {"verifying_officer": "officer_d2", "verification_days": days, "verification_day_type": "working"}
    complete(world, case_id, "assign_verification", "lead_d2", assignment)
    return case_id


def verify(world, case_id: int, officer: str = "officer1") -> None:
    """The officer files the verification findings at the clock's current time."""
    complete(world, case_id, "verify_report", officer, VERIFY)


def sla(world, *, unit: str = "d1", period=JUNE, now: datetime | None = None) -> SlaReport:
    """The SLA report of ``unit`` for ``period``, as of ``now`` (the clock by default)."""
    with world.factory() as session:
        return build_sla(session, unit_id=world.units[unit], period=period, calendar=world.services.calendar,
                         now=now or world.clock.now())  # fmt: skip


def step(report: SlaReport, name: str):
    """The timing of one step, which must be in the report."""
    found = [s for s in report.steps if s.step == name]
    assert found, f"{name} not in {[s.step for s in report.steps]}"
    return found[0]


def officers(report: SlaReport) -> list[tuple[str, int, int]]:
    return [(o.officer, o.closed, o.breaches) for o in report.officers]


# ---- working days and percentiles ----------------------------------------------------------------------------


def test_working_days_count_the_working_days_after_the_start_day_up_to_the_end_day():
    calendar = WorkingCalendar()
    assert working_days_between(calendar, local(0, 9), local(0, 17)) == 0
    assert working_days_between(calendar, local(0, 17), local(1, 8)) == 1
    assert working_days_between(calendar, local(4, 16), local(7, 10)) == 1, "Friday to Monday skips the weekend"
    assert working_days_between(calendar, local(0, 9), local(7, 9)) == 5
    assert working_days_between(calendar, local(5, 9), local(6, 9)) == 0, "Saturday to Sunday"
    assert working_days_between(calendar, local(7, 9), local(0, 9)) == 0, "an end before the start"


def test_working_days_use_local_dates_not_utc_dates():
    calendar = WorkingCalendar()
    friday_late_evening = local(4, 23)  # 16:00 UTC Friday, still Friday in UTC and locally
    saturday_early_morning = local(5, 6)  # 23:00 UTC Friday, but Saturday in Ho Chi Minh City
    assert working_days_between(calendar, local(3, 9), friday_late_evening) == 1
    assert working_days_between(calendar, local(3, 9), saturday_early_morning) == 1
    assert working_days_between(calendar, local(0, 6), local(0, 8)) == 0, "23:00 UTC Sunday is Monday locally"


def test_working_days_between_undoes_adding_working_days():
    calendar = WorkingCalendar()
    for days in (1, 4, 5, 10):
        assert working_days_between(calendar, local(2, 14), calendar.add_working_days(local(2, 14), days)) == days


def test_the_90th_percentile_is_the_nearest_rank_value():
    assert percentile_nearest_rank(list(range(10, 0, -1)), 90) == 9, "rank ceil(0.9 × 10) = 9, not the maximum"
    assert percentile_nearest_rank([1, 4, 5], 90) == 5, "rank ceil(0.9 × 3) = 3"
    assert percentile_nearest_rank(list(range(1, 21)), 90) == 18
    assert percentile_nearest_rank([7], 90) == 7
    assert percentile_nearest_rank([], 90) == 0.0


# ---- the report through the engine ---------------------------------------------------------------------------


def test_a_verification_closed_after_its_deadline_is_a_breach_of_the_step_and_of_its_officer(june):
    on_time = to_verification(june, "officer1", days=10)
    late = to_verification(june, "officer2", days=2)  # due Wednesday 09:00
    june.clock.set(local(1, 10))
    verify(june, on_time, "officer1")
    june.clock.set(local(3, 10))  # Thursday: past the deadline, escalation timer not fired
    verify(june, late, "officer2")

    report = sla(june)
    verification = step(report, "verify_report")
    assert (verification.closed, verification.breaches, verification.name) == (2, 1, "Xác minh")
    assert step(report, "assign_verification").breaches == 0
    assert officers(report) == [("officer2", 1, 1), ("lead1", 2, 0), ("officer1", 3, 0)], (
        "every 1374 step has a deadline: the screenings and assignments count, on time"
    )


def test_an_escalated_verification_is_a_breach_even_when_completed_at_the_deadline(june):
    case_id = to_verification(june, "officer1", days=1)
    june.clock.set(local(1, 9))  # Tuesday 09:00: the deadline itself, so the completion below is not late
    assert fire_due_timers(june.factory, june.services) == 2, "reminder and escalation"
    verify(june, case_id)

    report = sla(june)
    assert (step(report, "verify_report").closed, step(report, "verify_report").breaches) == (1, 1)
    assert officers(report) == [("officer1", 2, 1), ("lead1", 1, 0)], "screening and assignment were on time"


def test_a_late_and_escalated_verification_is_one_breach(june):
    case_id = to_verification(june, "officer1", days=1)
    june.clock.set(local(1, 10))
    fire_due_timers(june.factory, june.services)
    verify(june, case_id)

    assert officers(sla(june)) == [("officer1", 2, 1), ("lead1", 1, 0)]


def test_an_on_time_verification_is_no_breach(june):
    case_id = to_verification(june, "officer1", days=2)
    june.clock.set(local(2, 8))  # Wednesday, an hour before the deadline
    verify(june, case_id)

    report = sla(june)
    assert step(report, "verify_report").breaches == 0
    assert officers(report) == [("lead1", 1, 0), ("officer1", 2, 0)]
    assert report.overdue == []


def test_average_and_p90_are_in_working_days_across_the_weekend(june):
    cases = [to_verification(june) for _ in range(3)]  # all assigned Monday 09:00
    for case_id, moment in zip(cases, (local(1, 10), local(4, 16), local(7, 10)), strict=True):
        june.clock.set(moment)  # Tuesday (1), Friday (4), next Monday (5: Tue–Fri and Mon)
        verify(june, case_id)

    report = sla(june)
    verification = step(report, "verify_report")
    assert verification.closed == 3
    assert verification.average_working_days == 3.33, "(1 + 4 + 5) / 3"
    assert verification.p90_working_days == 5.0
    screening = step(report, "screen_report")
    assert (screening.closed, screening.average_working_days, screening.p90_working_days) == (3, 0.0, 0.0)
    assert [s.step for s in report.steps] == ["assign_verification", "screen_report", "verify_report"]


def test_a_step_counts_in_the_period_it_was_closed_in(june):
    case_id = to_verification(june)
    june.clock.set(datetime(NEXT_YEAR, 7, 1, 3, 0, tzinfo=UTC))  # 10:00 on 1 July in Ho Chi Minh City
    verify(june, case_id)

    assert "verify_report" not in [s.step for s in sla(june).steps]
    july = sla(june, period=month_period(NEXT_YEAR, 7))
    assert [s.step for s in july.steps] == ["verify_report"]


def test_open_overdue_verifications_are_listed_most_days_late_first(june):
    due_tuesday = to_verification(june, "officer1", days=1)
    due_wednesday = to_verification(june, "officer2", days=2)
    to_verification(june, "officer1", days=10)  # not due yet

    report = sla(june, now=local(4, 10))  # Friday
    assert [(o.case_id, o.step, o.assignee, o.days_late) for o in report.overdue] == [
        (due_tuesday, "verify_report", "officer1", 3),
        (due_wednesday, "verify_report", "officer2", 2),
    ]
    first = report.overdue[0]
    assert first.due_at == local(1, 9) and first.tracking_code.startswith("PA-") and first.title == INTAKE["title"]
    assert officers(report) == [("officer1", 3, 1), ("officer2", 0, 1), ("lead1", 3, 0)], (
        "open overdue steps are breaches; the on-time screenings and assignments count as closed"
    )


def test_a_step_an_hour_overdue_is_one_day_late(june):
    case_id = to_verification(june, days=1)
    report = sla(june, now=local(1, 10))  # Tuesday, an hour after the deadline
    assert [(o.case_id, o.days_late) for o in report.overdue] == [(case_id, 1)]
    assert sla(june, now=local(1, 8)).overdue == [], "an hour before the deadline"


def test_tasks_of_another_district_are_not_counted(june, lead_d2):
    closed_late = to_verification_in_district_2(june, days=1)
    to_verification_in_district_2(june, days=1)  # left open
    june.clock.set(local(3, 10))
    verify(june, closed_late, "officer_d2")

    district_1 = sla(june, unit="d1")
    assert (district_1.steps, district_1.officers, district_1.overdue) == ([], [], [])
    city = sla(june, unit="city")
    assert (step(city, "verify_report").closed, step(city, "verify_report").breaches) == (1, 1)
    assert officers(city) == [("officer_d2", 3, 2), ("lead_d2", 2, 0)], "the late closed step and the open overdue one"
    assert len(city.overdue) == 1


def test_cancelled_tasks_are_ignored(june):
    case_id = to_verification(june, days=1)
    with transaction(june.factory) as session:
        # The 1374 process has no path that withdraws a verification, so mark the step the way the task index
        # does when a step leaves the workflow without being completed.
        session.execute(
            update(HumanTask)
            .where(HumanTask.case_id == case_id, HumanTask.spec_name == "verify_report")
            .values(state="cancelled")
        )

    report = sla(june, now=local(4, 10))
    assert report.overdue == [] and officers(report) == [("lead1", 1, 0), ("officer1", 1, 0)], "no breach"
    assert "verify_report" not in [s.step for s in report.steps]
