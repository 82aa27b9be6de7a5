"""The SLA report of a unit: how long each step takes, who misses deadlines, and which steps are overdue now.

A step (a BPMN user task, by ``spec_name``) counts in the period it was *closed* in: its ``completed_at`` falls
within the period's days in the calendar's zone. The report covers the unit and every unit below it; cancelled
tasks never count. Durations are in working days of the :class:`~engine.core.calendar.WorkingCalendar` (see
:func:`working_days_between`). A closed step is a breach (vi phạm thời hạn) when it was completed after its
deadline (``due_at``) or was escalated. Overdue steps are the open ones whose deadline has passed as of ``now``,
whatever the period.
"""

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from engine.cases.enums import TaskStatus
from engine.core.calendar import WorkingCalendar
from engine.core.models import Case, HumanTask
from engine.reports.periods import Period
from engine.reports.summary import unit_subtree

OVERDUE_LIMIT = 200


@dataclass(frozen=True)
class StepTiming:
    """One BPMN step (``spec_name``) of the tasks closed in the period."""

    step: str
    name: str
    closed: int
    average_working_days: float
    p90_working_days: float
    breaches: int


@dataclass(frozen=True)
class OfficerBreaches:
    """One officer's closed steps with a deadline in the period, and the breaches among them and their open steps."""

    officer: str
    closed: int
    breaches: int


@dataclass(frozen=True)
class OverdueCase:
    """An open step past its deadline as of ``now``, with its case."""

    case_id: int
    tracking_code: str
    title: str
    step: str
    assignee: str | None
    due_at: datetime
    days_late: int
    step_name: str = ""
    """The BPMN name of the step (``step`` is its id)."""


@dataclass
class SlaReport:
    """Step timings and breaches of a unit (and the units below it) for a period, and the steps overdue now."""

    unit_id: int
    period: Period
    generated_at: datetime
    steps: list[StepTiming]
    officers: list[OfficerBreaches]
    overdue: list[OverdueCase]


def working_days_between(calendar: WorkingCalendar, start: datetime, end: datetime) -> float:
    """Working days elapsed from ``start`` to ``end``, both aware, judged on their local dates in the calendar's zone.

    Counts the working days strictly after the start's local date up to and including the end's local date, so
    the same day gives 0, Monday to Tuesday gives 1 and Friday to Monday gives 1; an ``end`` before ``start`` gives
    0. The time of day is ignored. This is the inverse of :meth:`WorkingCalendar.add_working_days`:
    ``working_days_between(c, s, c.add_working_days(s, n)) == n``.
    """
    first, last = _local_date(calendar, start), _local_date(calendar, end)
    days = (last - first).days
    return float(sum(1 for offset in range(1, days + 1) if calendar.is_working_day(first + timedelta(days=offset))))


def percentile_nearest_rank(values: Sequence[float], percent: float) -> float:
    """The ``percent``-th percentile of ``values`` by the nearest-rank method (0.0 for no values).

    The value of rank ⌈percent/100 × n⌉ in ascending order (at least rank 1): the 90th percentile of 1..10 is 9.
    """
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(percent / 100 * len(ordered)))
    return float(ordered[rank - 1])


def days_late(calendar: WorkingCalendar, due_at: datetime, now: datetime) -> int:
    """Calendar days from the deadline's local date to ``now``'s local date, at least 1 once the deadline passed."""
    return max(1, (_local_date(calendar, now) - _local_date(calendar, due_at)).days)


def is_breach(task: Row) -> bool:
    """A closed step completed after its deadline, or escalated."""
    late = task.due_at is not None and task.completed_at > task.due_at
    return late or bool(task.escalated)


def build_sla(session: Session, *, unit_id: int, period: Period, calendar: WorkingCalendar, now: datetime) -> SlaReport:
    """The SLA report of ``unit_id`` and the units below it for ``period``, with the steps overdue as of ``now``."""
    _, unit_ids = unit_subtree(session, unit_id)
    closed = closed_tasks(session, unit_ids, period, calendar)
    overdue_by_officer = open_overdue_by_assignee(session, unit_ids, now)
    return SlaReport(
        unit_id=unit_id,
        period=period,
        generated_at=now,
        steps=step_timings(closed, calendar),
        officers=officer_breaches(closed, overdue_by_officer),
        overdue=overdue_cases(session, unit_ids, calendar, now),
    )


def closed_tasks(session: Session, unit_ids: list[int], period: Period, calendar: WorkingCalendar) -> list[Row]:
    """The tasks of the units completed within the period, oldest completion first, with the columns the report uses."""
    start, end = period.bounds(calendar.zone)
    query = (
        select(
            HumanTask.spec_name, HumanTask.name, HumanTask.completed_by, HumanTask.created_at,
            HumanTask.completed_at, HumanTask.due_at, HumanTask.escalated,
        )
        .where(
            HumanTask.unit_id.in_(unit_ids), HumanTask.state == TaskStatus.COMPLETED,
            HumanTask.completed_at >= start, HumanTask.completed_at < end,
        )
        .order_by(HumanTask.completed_at, HumanTask.id)
    )  # fmt: skip
    return list(session.execute(query).all())


def step_timings(closed: list[Row], calendar: WorkingCalendar) -> list[StepTiming]:
    """One timing per step, sorted by step; a step is named after its most recently closed task."""
    by_step: dict[str, list[Row]] = defaultdict(list)
    for task in closed:
        by_step[task.spec_name].append(task)
    return [_timing(step, tasks, calendar) for step, tasks in sorted(by_step.items())]


def _timing(step: str, tasks: list[Row], calendar: WorkingCalendar) -> StepTiming:
    """The timing of one step from its closed tasks (at least one)."""
    durations = [working_days_between(calendar, t.created_at, t.completed_at) for t in tasks]
    return StepTiming(
        step=step,
        name=tasks[-1].name,
        closed=len(tasks),
        average_working_days=round(sum(durations) / len(durations), 2),
        p90_working_days=round(percentile_nearest_rank(durations, 90), 2),
        breaches=sum(1 for t in tasks if is_breach(t)),
    )


def officer_breaches(closed: list[Row], overdue_by_officer: dict[str, int]) -> list[OfficerBreaches]:
    """Per officer: closed steps with a deadline, and breaches among them plus their open overdue steps.

    Sorted by breaches (most first), then officer. Steps without a deadline do not count; unassigned overdue steps
    belong to nobody.
    """
    closed_count: dict[str, int] = defaultdict(int)
    breaches: dict[str, int] = defaultdict(int, overdue_by_officer)
    for task in closed:
        if task.due_at is None or task.completed_by is None:
            continue
        closed_count[task.completed_by] += 1
        breaches[task.completed_by] += 1 if is_breach(task) else 0
    officers = [OfficerBreaches(o, closed_count[o], breaches[o]) for o in set(closed_count) | set(breaches)]
    return sorted(officers, key=lambda o: (-o.breaches, o.officer))


def _open_overdue(unit_ids: list[int], now: datetime) -> tuple:
    """The conditions of an open step of the units whose deadline has passed by ``now``."""
    return (HumanTask.unit_id.in_(unit_ids), HumanTask.state == TaskStatus.READY, HumanTask.due_at < now)


def open_overdue_by_assignee(session: Session, unit_ids: list[int], now: datetime) -> dict[str, int]:
    """How many open overdue steps each assignee holds (all of them, not only the listed ones)."""
    query = (
        select(HumanTask.assignee, func.count())
        .where(*_open_overdue(unit_ids, now), HumanTask.assignee.is_not(None))
        .group_by(HumanTask.assignee)
    )
    return {assignee: count for assignee, count in session.execute(query).all() if assignee is not None}


def overdue_cases(session: Session, unit_ids: list[int], calendar: WorkingCalendar, now: datetime) -> list[OverdueCase]:
    """The open overdue steps with their cases, most days late first, at most :data:`OVERDUE_LIMIT`."""
    query = (
        select(
            Case.id,
            Case.tracking_code,
            Case.title,
            HumanTask.spec_name,
            HumanTask.name,
            HumanTask.assignee,
            HumanTask.due_at,
        )  # fmt: skip
        .join(Case, Case.id == HumanTask.case_id)
        .where(*_open_overdue(unit_ids, now))
        .order_by(HumanTask.due_at, Case.id, HumanTask.id)
        .limit(OVERDUE_LIMIT)
    )
    return [
        OverdueCase(
            case_id=row.id,
            tracking_code=row.tracking_code,
            title=row.title,
            step=row.spec_name,
            assignee=row.assignee,
            due_at=row.due_at,
            days_late=days_late(calendar, row.due_at, now),
            step_name=row.name or "",
        )
        for row in session.execute(query).all()
    ]


def _local_date(calendar: WorkingCalendar, moment: datetime) -> date:
    """The date of an aware ``moment`` in the calendar's zone."""
    if moment.tzinfo is None:
        raise ValueError(f"{moment.isoformat()} has no timezone; pass an aware datetime")
    return moment.astimezone(calendar.zone).date()
