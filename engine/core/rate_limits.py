"""Fixed-window rate limits counted in the database (``rate_limit_hits``), so every web process shares them.

Used by the public portal (filings and lookups per client address) and by sign-in (failures per username and per
address).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.core.db import rows_matched
from engine.core.errors import DomainError
from engine.core.models import RateLimitHit


class RateLimited(DomainError):
    """Too many requests from one address in the current window."""

    def __init__(self, action: str, retry_at: datetime) -> None:
        super().__init__(f"Too many '{action}' requests from this address; retry after {retry_at.isoformat()}")
        self.action = action
        self.retry_at = retry_at


@dataclass(frozen=True)
class RateLimit:
    """At most ``limit`` hits per ``window_seconds`` for one action and address."""

    action: str
    limit: int
    window_seconds: int


def hit_rate_limit(session: Session, rule: RateLimit, address: str, now: datetime) -> None:
    """Count one hit of ``address`` for ``rule``; raise ``RateLimited`` when the window is full.

    The counter row is updated atomically (``count = count + 1``); the first hit of a window inserts it, and a
    concurrent first hit that loses the insert race falls back to the update inside a savepoint.
    """
    start = window_start(rule, now)
    key = f"{rule.action}:{address}"[:128]
    bump = (
        update(RateLimitHit)
        .where(RateLimitHit.key == key, RateLimitHit.window_start == start)
        .values(count=RateLimitHit.count + 1)
    )
    if rows_matched(session.execute(bump)) == 0:
        try:
            with session.begin_nested():
                session.execute(insert(RateLimitHit).values(key=key, window_start=start, count=1))
        except IntegrityError:
            session.execute(bump)
    count = session.execute(
        select(RateLimitHit.count).where(RateLimitHit.key == key, RateLimitHit.window_start == start)
    ).scalar_one()
    if count > rule.limit:
        raise RateLimited(rule.action, start + timedelta(seconds=max(rule.window_seconds, 1)))


def window_start(rule: RateLimit, now: datetime) -> datetime:
    """The start of the fixed window of ``rule`` that holds ``now``."""
    window = max(rule.window_seconds, 1)
    return datetime.fromtimestamp(int(now.timestamp()) // window * window, tz=now.tzinfo)


def check_rate_limit(session: Session, rule: RateLimit, address: str, now: datetime) -> None:
    """Raise ``RateLimited`` when the current window of ``rule`` is already full, without counting a hit."""
    start = window_start(rule, now)
    key = f"{rule.action}:{address}"[:128]
    count = session.scalar(
        select(RateLimitHit.count).where(RateLimitHit.key == key, RateLimitHit.window_start == start)
    )
    if count is not None and count >= rule.limit:
        raise RateLimited(rule.action, start + timedelta(seconds=max(rule.window_seconds, 1)))
