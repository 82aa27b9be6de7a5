"""Guards of the public portal that need no outside service: per-address rate limits and signed form tokens.

Rate limits are fixed-window counters kept in the database (``rate_limit_hits``), so several web processes share
them. Form tokens are HMAC-signed with the settings secret and carry the time the form was rendered and what it is
for: a post that comes too fast (a bot) or too late, that was made for another form, or whose token was already
spent, is refused. The token doubles as CSRF protection, since the portal has no session cookie.
"""

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.core.db import rows_matched
from engine.core.errors import DomainError
from engine.core.models import RateLimitHit, UsedFormToken


class RateLimited(DomainError):
    """Too many requests from one address in the current window."""

    status_code = 429

    def __init__(self, action: str, retry_at: datetime) -> None:
        super().__init__(f"Too many '{action}' requests from this address; retry after {retry_at.isoformat()}")
        self.action = action
        self.retry_at = retry_at


class FormRefused(DomainError):
    """A portal form post refused by the spam guard; ``reason`` says why (a key of the portal's texts)."""

    status_code = 400

    def __init__(self, reason: str) -> None:
        super().__init__(f"Form refused: {reason}")
        self.reason = reason


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
    window = max(rule.window_seconds, 1)
    start = datetime.fromtimestamp(int(now.timestamp()) // window * window, tz=now.tzinfo)
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
        raise RateLimited(rule.action, start + timedelta(seconds=window))


def prune_portal_guards(session: Session, now: datetime, form_max_seconds: float) -> None:
    """Drop rate-limit counters older than a day and spent tokens that are past any form's age anyway."""
    keep = timedelta(seconds=max(form_max_seconds, 86400)) + timedelta(hours=1)
    session.execute(delete(RateLimitHit).where(RateLimitHit.window_start < now - keep))
    session.execute(delete(UsedFormToken).where(UsedFormToken.used_at < now - keep))


def _sign(secret: str, message: str) -> str:
    digest = hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def issue_form_token(secret: str, purpose: str, now: datetime) -> str:
    """A signed token for one rendering of the form ``purpose``: ``id.issued_at.signature``."""
    body = f"{secrets.token_urlsafe(12)}.{int(now.timestamp())}"
    return f"{body}.{_sign(secret, f'{purpose}|{body}')}"


@dataclass(frozen=True)
class TokenRules:
    """How old a form token may be: at least ``min_seconds`` (humans read forms) and at most ``max_seconds``."""

    min_seconds: float
    max_seconds: float


def check_form_token(
    session: Session,
    secret: str,
    token: str | None,
    *,
    purpose: str,
    now: datetime,
    rules: TokenRules,
    single_use: bool,
) -> None:
    """Refuse a forged, foreign, too quick, expired or (when ``single_use``) already spent token."""
    parts = (token or "").split(".")
    if len(parts) != 3 or not parts[1].isdigit():
        raise FormRefused("token_invalid")
    token_id, issued, signature = parts
    if not hmac.compare_digest(_sign(secret, f"{purpose}|{token_id}.{issued}"), signature):
        raise FormRefused("token_invalid")
    age = now.timestamp() - int(issued)
    if age < rules.min_seconds:
        raise FormRefused("too_fast")
    if age > rules.max_seconds:
        raise FormRefused("expired")
    if not single_use:
        return
    try:
        with session.begin_nested():
            session.execute(insert(UsedFormToken).values(token_id=token_id[:64], used_at=now))
    except IntegrityError:
        raise FormRefused("reused") from None


def check_honeypot(value: object) -> None:
    """The hidden field people never see must stay empty; bots that fill every field are refused."""
    if isinstance(value, str) and value.strip():
        raise FormRefused("honeypot")
