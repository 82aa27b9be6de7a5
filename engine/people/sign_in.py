"""Signing in with a password, throttled per username and per client address, with hashing kept off the fast path.

Failed attempts are counted in the shared database counters, so the limit holds across web processes. A username or
address whose window is full is refused before any password is hashed; hashing itself holds no transaction and runs
one at a time per process (see ``authenticate``), so a flood of logins leaves the other requests a core to run on.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from engine.core.models import User
from engine.core.rate_limits import RateLimit, RateLimited, check_rate_limit, hit_rate_limit
from engine.people.auth import authenticate


class TooManySignIns(RateLimited):
    """Too many failed sign-ins for this username or from this address; retry after ``retry_at``."""

    def __init__(self, retry_at: datetime) -> None:
        super().__init__("sign-in", retry_at)
        self.message = (
            f"Too many failed sign-ins for this account or from this address; retry after {retry_at.isoformat()}"
        )


@dataclass(frozen=True)
class SignInLimits:
    """Failed attempts allowed per username and per address in one window."""

    per_username: int = 5
    per_address: int = 20
    window_seconds: int = 900

    def rules(self) -> tuple[RateLimit, RateLimit]:
        """The counters of one attempt: by username, by address."""
        return (
            RateLimit("sign-in-user", self.per_username, self.window_seconds),
            RateLimit("sign-in-address", self.per_address, self.window_seconds),
        )


def sign_in(
    session: Session, *, username: str, password: str, address: str, now: datetime, limits: SignInLimits
) -> User | None:
    """The user whose password matches, None for a wrong one; ``TooManySignIns`` once a window is full.

    The caller commits: the failure counters are written in its transaction.
    """
    by_username, by_address = limits.rules()
    try:
        check_rate_limit(session, by_username, username.lower(), now)
        check_rate_limit(session, by_address, address, now)
    except RateLimited as refused:
        raise TooManySignIns(refused.retry_at) from refused
    # authenticate ends this transaction before hashing; the failure counters below are written in a new, short one
    user = authenticate(session, username, password)
    if user is None:
        try:
            hit_rate_limit(session, by_username, username.lower(), now)
            hit_rate_limit(session, by_address, address, now)
        except RateLimited as refused:  # a concurrent attempt filled the window first
            raise TooManySignIns(refused.retry_at) from refused
    return user


def retry_after_seconds(refused: RateLimited, now: datetime) -> int:
    """The value of a Retry-After header for a refusal: whole seconds until its window ends, at least 1."""
    return max(1, int((refused.retry_at - now).total_seconds() + 0.999))
