"""When a timer worker wakes next: at the earliest moment a timer becomes claimable, or for its housekeeping.

A worker that sleeps a fixed interval fires a timer up to that interval late; one that sleeps until the next due
timer fires it on time and still sleeps long when nothing is coming.
"""

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.cases.claimable import unclaimed_at, waiting_timers
from engine.core.models import Case, CaseTimer

TIMERS, CASES = CaseTimer.__table__, Case.__table__


def next_claimable_at(session: Session, *, now: datetime) -> datetime | None:
    """The earliest moment a waiting timer can be claimed, or None when no timer waits.

    An unclaimed timer (or one whose lease has expired) is claimable at its ``fire_at``; a claimed one only when
    its lease ends (its worker died). Both aggregates read the ``(status, fire_at)`` index.
    """
    waiting = waiting_timers(TIMERS, CASES)
    free = select(func.min(CaseTimer.fire_at)).where(*waiting, unclaimed_at(TIMERS, now))
    leased = select(func.min(CaseTimer.lease_until)).where(*waiting, CaseTimer.lease_until >= now)
    moments = [moment for moment in (session.scalar(free), session.scalar(leased)) if moment is not None]
    return min(moments, default=None)


def seconds_until_wake(
    *, now: datetime, next_timer: datetime | None, next_housekeeping: datetime, not_before: datetime | None = None
) -> float:
    """Seconds to sleep: until the next claimable timer or the next housekeeping, whichever comes first.

    ``not_before`` holds the worker back after a timer it could not fire was given back (so it does not spin on
    it); never negative.
    """
    wake = next_housekeeping if next_timer is None else min(next_timer, next_housekeeping)
    if not_before is not None:
        wake = max(wake, not_before)
    return max(0.0, (wake - now).total_seconds())
