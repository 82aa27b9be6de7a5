"""The supervisor's overview figures for their units: open, overdue, due this week, completed this month."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.cases.enums import CaseStatus, TaskStatus
from engine.core.models import Case, HumanTask
from engine.people.auth import Actor
from engine.reports.summary import process_name


@dataclass
class Overview:
    """The figures and lists of the overview page."""

    open_cases: int
    overdue_cases: int
    due_this_week: int
    completed_this_month: int
    escalated: list[tuple[HumanTask, Case]]
    weeks: list[str]
    received_by_field: dict[str, list[int]]
    open_by_process: dict[str, int] = field(default_factory=dict)
    """The open cases of each process (by key): the open-cases figure counts every process."""
    process_names: dict[str, str] = field(default_factory=dict)
    """The name of each process of ``open_by_process``."""


def build_overview(session: Session, actor: Actor, *, now: datetime, zone: ZoneInfo, weeks: int = 12) -> Overview:
    """Overview of every case in the actor's units and below, as of ``now``."""
    units = actor.visible_unit_ids
    in_units = Case.unit_id.in_(units)
    open_tasks = select(HumanTask).where(HumanTask.state == TaskStatus.READY, HumanTask.unit_id.in_(units))
    local = now.astimezone(zone)
    month_start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    count = lambda query: session.scalar(select(func.count()).select_from(query.subquery())) or 0  # noqa: E731
    overdue = (
        select(HumanTask.case_id)
        .where(HumanTask.state == TaskStatus.READY, HumanTask.unit_id.in_(units), HumanTask.due_at < now)
        .distinct()
    )
    escalated = session.execute(
        select(HumanTask, Case)
        .join(Case, Case.id == HumanTask.case_id)
        .where(HumanTask.state == TaskStatus.READY, HumanTask.unit_id.in_(units), HumanTask.escalated.is_(True))
        .order_by(HumanTask.due_at)
        .limit(20)
    ).all()
    week_start = (local - timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    first_week = week_start - timedelta(weeks=weeks - 1)
    labels = [(first_week + timedelta(weeks=i)).strftime("%d/%m") for i in range(weeks)]
    buckets: dict[str, list[int]] = {}
    rows = session.execute(select(Case.created_at, Case.field).where(in_units, Case.created_at >= first_week))
    tally = Counter(
        (code or "other", min(int((created.astimezone(zone) - first_week).days // 7), weeks - 1))
        for created, code in rows
    )
    for (field_code, week), number in tally.items():
        buckets.setdefault(field_code, [0] * weeks)[week] += number
    open_rows = session.execute(
        select(Case.process_key, func.count())
        .where(in_units, Case.status.in_((CaseStatus.IN_PROGRESS, CaseStatus.SUSPENDED)))  # suspended is still open
        .group_by(Case.process_key)
        .order_by(Case.process_key)
    ).all()
    open_by_process = {key: number for key, number in open_rows}
    return Overview(
        open_cases=sum(open_by_process.values()),
        overdue_cases=count(overdue),
        due_this_week=count(open_tasks.where(HumanTask.due_at >= now, HumanTask.due_at < now + timedelta(days=7))),
        completed_this_month=count(select(Case.id).where(in_units, Case.completed_at >= month_start)),
        escalated=[(row.HumanTask, row.Case) for row in escalated],
        weeks=labels,
        received_by_field=dict(sorted(buckets.items())),
        open_by_process=open_by_process,
        process_names={key: process_name(session, key) for key in open_by_process},
    )
