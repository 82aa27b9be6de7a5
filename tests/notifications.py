"""Helpers for the staff notification tests: people's ids, their notifications, their preferences."""

from sqlalchemy import select

from engine.core.db import transaction
from engine.core.models import EmailOutbox, Notification, User
from tests.factories import World


def user_id(world: World, username: str) -> int:
    """The id of a seeded user."""
    with world.factory() as session:
        return session.scalars(select(User.id).where(User.username == username)).one()


def notifications_of(world: World, username: str) -> list[Notification]:
    """A person's notifications, oldest first."""
    with world.factory() as session:
        query = select(Notification).where(Notification.user_id == user_id(world, username))
        return list(session.scalars(query.order_by(Notification.id)))


def kinds_of(world: World, username: str) -> list[str]:
    """The kinds of a person's notifications, oldest first."""
    return [n.kind for n in notifications_of(world, username)]


def set_preferences(world: World, username: str, *, email: str | None, mode: str = "immediate", hour: int = 7) -> None:
    """Give a seeded user an e-mail address and a delivery mode (as an admin would)."""
    with transaction(world.factory) as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        user.email, user.notification_mode, user.digest_hour = email, mode, hour


def outbox(world: World) -> list[EmailOutbox]:
    """Every queued e-mail, oldest first."""
    with world.factory() as session:
        return list(session.scalars(select(EmailOutbox).order_by(EmailOutbox.id)))
