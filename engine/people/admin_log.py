"""The administration log: every change an admin makes to users and units, and every password chosen by link."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core.models import AdminEvent


class AdminAction(StrEnum):
    """What an administration event records."""

    USER_CREATED = "user_created"
    USER_UPDATED = "user_updated"
    PASSWORD_LINK_ISSUED = "password_link_issued"
    PASSWORD_SET = "password_set"
    UNIT_CREATED = "unit_created"
    UNIT_CHANGED = "unit_changed"
    UNIT_RETIRED = "unit_retired"
    TEMPLATE_UPLOADED = "template_uploaded"
    TEMPLATE_ACTIVATED = "template_activated"


def record_admin_event(
    session: Session, *, actor: str, action: AdminAction, target: str, at: datetime, details: dict | None = None
) -> AdminEvent:
    """Add one event to the log, in the transaction of the change it records."""
    event = AdminEvent(at=at, actor=actor, action=action.value, target=target, details=details or {})
    session.add(event)
    return event


def admin_events(session: Session, *, target: str | None = None, limit: int = 50) -> list[AdminEvent]:
    """The latest events, newest first (of one user or unit when ``target`` is given)."""
    query = select(AdminEvent).order_by(AdminEvent.id.desc()).limit(limit)
    if target is not None:
        query = query.where(AdminEvent.target == target)
    return list(session.scalars(query))
