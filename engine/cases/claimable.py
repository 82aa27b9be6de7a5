"""Which timers a worker may claim, written once on the tables (Core) and used by every reader of the rule.

The scheduler claims with it (``claim_due_timers``), a worker computes when to wake with it
(``next_claimable_at``), and ``worker --once`` asks whether anything is due with it (``engine/due_work.py``)
before it loads the ORM. The functions take the tables, so the ORM's models (``CaseTimer.__table__``) and the
start-up check's lightweight ``table()`` clauses share one rule.
"""

from datetime import datetime

from sqlalchemy import ColumnElement, FromClause, or_, select

from engine.cases.enums import CaseStatus, TimerStatus


def waiting_timers(timers: FromClause, cases: FromClause) -> tuple[ColumnElement[bool], ...]:
    """The timers that wait to fire: waiting, their case not suspended (those wait for the resumption)."""
    suspended = select(cases.c.id).where(cases.c.status == CaseStatus.SUSPENDED)
    return timers.c.status == TimerStatus.WAITING, timers.c.case_id.not_in(suspended)


def unclaimed_at(timers: FromClause, now: datetime) -> ColumnElement[bool]:
    """Timers nobody holds at ``now``: never claimed, or their claim's lease has expired (its worker died)."""
    return or_(timers.c.lease_until.is_(None), timers.c.lease_until < now)


def claimable_at(timers: FromClause, cases: FromClause, now: datetime) -> tuple[ColumnElement[bool], ...]:
    """The timers a worker may claim at ``now``: waiting, due and held by nobody."""
    return *waiting_timers(timers, cases), unclaimed_at(timers, now), timers.c.fire_at <= now
