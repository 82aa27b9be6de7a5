"""How a member of staff wants to hear about their notifications: e-mail address, delivery mode, digest hour.

Each person reads and changes only their own (``can_read_own_notifications``); an admin changes anyone's with
the users' administration. Leaving ``digest`` mode ends the waiting for a digest: notifications not yet
e-mailed stay in the app only (``email_status`` none), so a later digest never brings back old news.
"""

import re
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.core.errors import BadRequest, NotFound
from engine.core.models import Notification, User
from engine.notifications.delivery import EmailStatus
from engine.notifications.enums import DeliveryMode
from engine.people.auth import Actor
from engine.people.permissions import can_read_own_notifications, require

EMAIL = re.compile(r"^[^@\s\x00-\x1f]+@[^@\s\x00-\x1f]+\.[^@\s\x00-\x1f]+$")


@dataclass(frozen=True)
class Preferences:
    """A person's delivery preferences."""

    email: str | None
    mode: DeliveryMode
    digest_hour: int


def _own_user(session: Session, actor: Actor) -> User:
    require(can_read_own_notifications, actor)
    user = session.scalars(select(User).where(User.username == actor.username)).first()
    if user is None:
        raise NotFound(f"User '{actor.username}' does not exist")
    return user


def _of(user: User) -> Preferences:
    return Preferences(email=user.email, mode=DeliveryMode(user.notification_mode), digest_hour=user.digest_hour)


def preferences_of(session: Session, actor: Actor) -> Preferences:
    """The actor's own delivery preferences."""
    return _of(_own_user(session, actor))


def check_email(email: str | None) -> str | None:
    """A trimmed e-mail address, None for none; ``BadRequest`` naming the value when it is not an address."""
    email = (email or "").strip()
    if not email:
        return None
    if len(email) > 254 or not EMAIL.match(email):
        raise BadRequest(f"'{email[:60]}' is not an e-mail address (e.g. ten.ho@donvi.gov.vn)")
    return email


def check_mode(mode: str) -> DeliveryMode:
    """The delivery mode named, or ``BadRequest`` listing the modes."""
    try:
        return DeliveryMode(mode)
    except ValueError:
        modes = ", ".join(m.value for m in DeliveryMode)
        raise BadRequest(f"Delivery mode '{str(mode)[:30]}' does not exist; use one of {modes}") from None


def check_digest_hour(hour: int) -> int:
    """A local hour of the day (0–23), or ``BadRequest``."""
    if not 0 <= hour <= 23:
        raise BadRequest(f"Digest hour {hour} is not an hour of the day; use 0 to 23")
    return hour


def update_preferences(
    session: Session, actor: Actor, *, email: str | None, mode: str, digest_hour: int
) -> Preferences:
    """Change the actor's own e-mail address, delivery mode and digest hour (all checked before any change)."""
    user = _own_user(session, actor)
    new_email, new_mode, new_hour = check_email(email), check_mode(mode), check_digest_hour(digest_hour)
    user.email, user.notification_mode, user.digest_hour = new_email, str(new_mode), new_hour
    if new_mode != DeliveryMode.DIGEST:
        session.execute(
            update(Notification)
            .where(Notification.user_id == user.id, Notification.email_status == EmailStatus.PENDING)
            .values(email_status=EmailStatus.NONE)
        )
    session.flush()
    return _of(user)
