"""How a member of staff wants to hear about their notifications: e-mail address, delivery mode, digest hour.

Each person reads and changes only their own (``can_read_own_notifications``); an admin changes anyone's with
the users' administration. Leaving ``digest`` mode ends the waiting for a digest: notifications not yet
e-mailed stay in the app only (``email_status`` none), so a later digest never brings back old news.
"""

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core.errors import NotFound
from engine.core.models import User
from engine.notifications.delivery import end_digest_wait
from engine.notifications.enums import DeliveryMode
from engine.people.accounts import check_digest_hour, check_email, check_notification_mode
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


def update_preferences(
    session: Session, actor: Actor, *, email: str | None, mode: str, digest_hour: int
) -> Preferences:
    """Change the actor's own e-mail address, delivery mode and digest hour (all checked before any change)."""
    user = _own_user(session, actor)
    new_email, new_mode = check_email(email), check_notification_mode(mode)
    user.email, user.notification_mode, user.digest_hour = new_email, new_mode, check_digest_hour(digest_hour)
    if new_mode != DeliveryMode.DIGEST:
        end_digest_wait(session, user.id)
    session.flush()
    return _of(user)
