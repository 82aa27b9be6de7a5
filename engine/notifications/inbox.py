"""The in-app notifications of a member of staff: recording them, listing them, marking them read.

``notify`` is the one way any part of the engine tells people something. It runs inside the transaction of the
change it tells about, so a notification exists exactly when its change does. A ``dedupe_key`` (e.g.
``reminder:task:42``) makes the same event notify a person at most once, however often it is raised.
E-mail follows each person's delivery mode (``engine/notifications/delivery.py``): in ``immediate`` mode the
message is queued in the outbox here, in the same transaction; a ``digest`` waits for the person's daily hour.
"""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from engine.core.db import rows_matched
from engine.core.errors import BadRequest, NotFound
from engine.core.models import Notification, User
from engine.notifications.delivery import initial_email_status, queue_immediate
from engine.notifications.enums import DeliveryMode, NotificationKind
from engine.people.assignees import MAY_TAKE, holding_role
from engine.people.auth import Actor
from engine.people.permissions import can_read_own_notifications, require

MAX_PAGE = 200
# Built once, compiled once, on the tables (Core: no ORM statement handling): every completion that opens a task
# notifies.
USERS, NOTIFICATIONS = User.__table__, Notification.__table__
ACTIVE = select(USERS.c.id, USERS.c.notification_mode, USERS.c.email).where(
    USERS.c.id.in_(bindparam("ids", expanding=True)), USERS.c.is_active
)
ALREADY_TOLD = select(NOTIFICATIONS.c.id).where(
    NOTIFICATIONS.c.user_id == USERS.c.id, NOTIFICATIONS.c.dedupe_key == bindparam("key")
)
INSERTED = ("user_id", "kind", "case_id", "text", "link", "dedupe_key", "created_at", "email_status")
INSERT_NOTIFICATIONS = insert(NOTIFICATIONS).returning(NOTIFICATIONS.c.id, sort_by_parameter_order=True)
ACTIVE_NOT_TOLD = ACTIVE.where(~ALREADY_TOLD.exists())  # people told of this event before are left out
GROUP_NOT_TOLD = (
    select(USERS.c.id, USERS.c.roles, USERS.c.notification_mode, USERS.c.email)
    .where(*MAY_TAKE)
    .where(~ALREADY_TOLD.exists())
)  # the candidates of a task (engine/people/assignees.py) with their preferences, in one statement

Preferences = dict[int, tuple[str, str | None]]
"""Who is to be told, by user id: their delivery mode and e-mail address."""


def notify(
    session: Session,
    user_ids: Iterable[int],
    kind: NotificationKind,
    text: str,
    *,
    now: datetime,
    case_id: int | None = None,
    link: str = "",
    dedupe_key: str | None = None,
    base_url: str = "",
) -> list[Notification]:
    """Record one notification per person (once per ``dedupe_key``); returns the ones newly recorded (written with
    a plain INSERT, so not in the session).

    ``link`` is a path of the staff pages (``/tasks/…``, ``/cases/…``); e-mails make it absolute with ``base_url``.
    """
    wanted = sorted(set(user_ids))
    if not wanted:
        return []
    statement, params = (
        (ACTIVE_NOT_TOLD, {"ids": wanted, "key": dedupe_key}) if dedupe_key else (ACTIVE, {"ids": wanted})
    )
    preferences = {user_id: (mode, email) for user_id, mode, email in session.execute(statement, params)}
    return _record(session, preferences, kind, text, now=now, case_id=case_id, link=link, dedupe_key=dedupe_key,
                   base_url=base_url)  # fmt: skip


def notify_group(
    session: Session,
    *,
    role: str | None,
    unit_id: int,
    kind: NotificationKind,
    text: str,
    now: datetime,
    case_id: int | None,
    link: str,
    dedupe_key: str,
    base_url: str = "",
) -> list[Notification]:
    """``notify`` the people who could claim a task of ``role`` in ``unit_id`` (``candidate_ids``), reading them
    with their preferences in one statement."""
    rows = session.execute(GROUP_NOT_TOLD, {"unit_id": unit_id, "key": dedupe_key})
    preferences = {row.id: (row.notification_mode, row.email) for row in holding_role(role, rows)}
    return _record(session, preferences, kind, text, now=now, case_id=case_id, link=link, dedupe_key=dedupe_key,
                   base_url=base_url)  # fmt: skip


def _record(
    session: Session,
    preferences: Preferences,
    kind: NotificationKind,
    text: str,
    *,
    now: datetime,
    case_id: int | None,
    link: str,
    dedupe_key: str | None,
    base_url: str,
) -> list[Notification]:
    """Record one notification for each person of ``preferences`` (active and not yet told), by user id."""
    recorded = []
    for user_id in sorted(preferences):
        mode, email = preferences[user_id]
        notification = Notification.from_values({
            "user_id": user_id, "kind": str(kind), "case_id": case_id, "text": text, "link": link,
            "dedupe_key": dedupe_key, "created_at": now, "email_status": initial_email_status(mode, email),
        })  # fmt: skip
        if mode == DeliveryMode.IMMEDIATE and email:
            queue_immediate(session, notification, email, base_url=base_url)
        recorded.append(notification)
    if recorded:  # one plain INSERT (no unit of work): every completion that opens a task comes here
        rows = [{column: getattr(n, column) for column in INSERTED} for n in recorded]
        for notification, new_id in zip(recorded, session.scalars(INSERT_NOTIFICATIONS, rows), strict=True):
            notification.id = new_id
    return recorded


def notifications_of(
    session: Session, user_id: int, *, unread_only: bool = False, limit: int = 50
) -> list[Notification]:
    """A person's notifications, newest first."""
    query = select(Notification).where(Notification.user_id == user_id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return list(session.scalars(query.order_by(Notification.id.desc()).limit(limit)))


def unread_count(session: Session, user_id: int) -> int:
    """How many of a person's notifications are unread (the bell's figure)."""
    query = select(func.count()).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    return session.scalar(query) or 0


def mark_read(session: Session, user_id: int, now: datetime, ids: Iterable[int] | None = None) -> int:
    """Mark a person's notifications read (the given ones, or all); returns how many changed."""
    statement = update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    if ids is not None:
        statement = statement.where(Notification.id.in_(list(ids)))
    result = session.execute(statement.values(read_at=now))
    return rows_matched(result)


# ---- the actor's own notifications (the bell, the page, the REST API) ----------------------------------------


def own_user_id(session: Session, actor: Actor) -> int:
    """The actor's user id, once the policy lets them read their notifications."""
    require(can_read_own_notifications, actor)
    user_id = session.scalar(select(User.id).where(User.username == actor.username))
    if user_id is None:
        raise NotFound(f"User '{actor.username}' does not exist")
    return user_id


def my_notifications(
    session: Session, actor: Actor, *, unread_only: bool = False, limit: int = 50
) -> list[Notification]:
    """The actor's notifications, newest first (at most ``limit``, 1 to 200)."""
    if not 1 <= limit <= MAX_PAGE:
        raise BadRequest(f"limit {limit} is out of range; ask for 1 to {MAX_PAGE} notifications")
    return notifications_of(session, own_user_id(session, actor), unread_only=unread_only, limit=limit)


def my_unread_count(session: Session, actor: Actor) -> int:
    """How many of the actor's notifications are unread (the bell)."""
    return unread_count(session, own_user_id(session, actor))


def mark_mine_read(session: Session, actor: Actor, now: datetime, ids: Iterable[int] | None = None) -> int:
    """Mark the actor's notifications read: the given ids (others' ids are ignored), or all when None."""
    return mark_read(session, own_user_id(session, actor), now, ids)
