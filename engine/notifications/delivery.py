"""E-mail about staff notifications, through the outbox the portal's sender already sends and retries.

Each person's delivery mode decides (``DeliveryMode``):

* ``immediate``: one message per notification, queued in ``email_outbox`` by ``notify`` in the transaction that
  records the notification (``queue_immediate``), when the person has an e-mail address;
* ``digest``: nothing at first (the notification's ``email_status`` is ``pending``); once a day, at the person's
  ``digest_hour`` in the local time zone, ``send_due_digests`` queues one message listing every pending
  notification and marks them ``queued``, in one transaction, so each is listed in exactly one digest;
* ``off``: no e-mail (``email_status`` ``none``).

Sending is the outbox's: ``engine/portal/notifications.py`` sends pending messages over SMTP, retries failures
with a growing delay and marks a message ``failed`` after the last attempt; ``failed_emails`` counts
those for the doctor and the notifications page.
"""

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from engine.core.db import rows_matched, transaction
from engine.core.models import Case, EmailOutbox, Notification, User
from engine.notifications.digest_time import digest_moment
from engine.notifications.enums import DeliveryMode, NotificationKind

SUBJECTS = {
    NotificationKind.NEW_TASK: "Việc mới",
    NotificationKind.TASK_ASSIGNED: "Được giao việc",
    NotificationKind.REMINDER: "Nhắc hạn",
    NotificationKind.OVERDUE: "Quá hạn",
    NotificationKind.ESCALATION: "Chuyển lãnh đạo do quá hạn",
    NotificationKind.SENT_BACK: "Hồ sơ được trả lại",
    NotificationKind.MENTION: "Được nhắc đến",
    NotificationKind.DELEGATION: "Được ủy quyền",
}
DIGEST_SUBJECT = "Phản Ánh: tổng hợp thông báo ngày {day:%d/%m/%Y}"


class EmailStatus:
    """Where a notification's e-mail is (``notifications.email_status``)."""

    NONE = "none"  # the person wants no e-mail
    PENDING = "pending"  # waits for the person's daily digest
    QUEUED = "queued"  # in the outbox (alone or in a digest)
    SKIPPED = "skipped"  # the person has no e-mail address


def _absolute(base_url: str, link: str) -> str:
    return f"{base_url.rstrip('/')}{link}" if link.startswith("/") else link


def _subject(session: Session, notification: Notification) -> str:
    label = SUBJECTS.get(NotificationKind(notification.kind), "Thông báo")
    case = session.get(Case, notification.case_id) if notification.case_id is not None else None
    return f"Phản Ánh: {label}" + (f" – hồ sơ {case.tracking_code}" if case is not None else "")


def _queue(session: Session, *, recipient: str, subject: str, body: str, case_id: int | None, now: datetime) -> None:
    session.add(
        EmailOutbox(
            case_id=case_id,
            recipient=recipient,
            subject=subject[:255],
            body=body,
            status="pending",
            attempts=0,
            created_at=now,
            next_attempt_at=now,
        )  # fmt: skip
    )


def queue_immediate(session: Session, notification: Notification, email: str, *, base_url: str) -> None:
    """Queue the one message of a notification for a person in ``immediate`` mode (same transaction)."""
    lines = [notification.text]
    if notification.link:
        lines += ["", f"Xem chi tiết: {_absolute(base_url, notification.link)}"]
    lines += ["", "Đổi cách nhận thông báo: " + _absolute(base_url, "/notifications/preferences")]
    _queue(session, recipient=email, subject=_subject(session, notification), body="\n".join(lines),
           case_id=notification.case_id, now=notification.created_at)  # fmt: skip
    notification.email_status = EmailStatus.QUEUED


def initial_email_status(mode: str, email: str | None) -> str:
    """The ``email_status`` a new notification starts with, from its person's preferences."""
    if mode == DeliveryMode.OFF:
        return EmailStatus.NONE
    if not email:
        return EmailStatus.SKIPPED
    return EmailStatus.PENDING


def _digest_body(notifications: Iterable[Notification], base_url: str) -> str:
    lines = ["Các thông báo mới của anh/chị:", ""]
    for notification in notifications:
        link = f" ({_absolute(base_url, notification.link)})" if notification.link else ""
        lines.append(f"- {notification.text}{link}")
    lines += ["", "Xem tất cả: " + _absolute(base_url, "/notifications")]
    lines.append("Đổi cách nhận thông báo: " + _absolute(base_url, "/notifications/preferences"))
    return "\n".join(lines)


def _send_digest_of(session: Session, user: User, moment: datetime, *, base_url: str, zone: ZoneInfo) -> bool:
    """Queue one user's digest for ``moment`` unless another worker already did; True when queued."""
    claimed = session.execute(
        update(User)
        .where(User.id == user.id, or_(User.last_digest_at.is_(None), User.last_digest_at < moment))
        .values(last_digest_at=moment)
    )
    if rows_matched(claimed) != 1:
        return False
    pending = list(
        session.scalars(
            select(Notification)
            .where(Notification.user_id == user.id, Notification.email_status == EmailStatus.PENDING)
            .order_by(Notification.id)
        )
    )
    if not pending:
        return False
    if not user.email:
        for notification in pending:
            notification.email_status = EmailStatus.SKIPPED
        return False
    day = moment.astimezone(zone)
    _queue(session, recipient=user.email, subject=DIGEST_SUBJECT.format(day=day),
           body=_digest_body(pending, base_url), case_id=None, now=moment)  # fmt: skip
    for notification in pending:
        notification.email_status = EmailStatus.QUEUED
    return True


def send_due_digests(factory: sessionmaker[Session], *, now: datetime, zone: ZoneInfo, base_url: str) -> int:
    """Queue the daily digest of every ``digest`` person whose hour has come; returns how many were queued.

    A person's digest is due at their latest digest time (today's hour, or yesterday's before it) when they have
    a notification waiting from before that time and no digest was queued for it yet; it then lists every
    notification still waiting. Each digest is its own transaction, claimed by moving ``users.last_digest_at``
    forward with a guarded UPDATE, so two workers never queue the same one and nobody gets two a day.
    """
    with factory() as session:
        oldest = func.min(Notification.created_at)
        query = (
            select(User.id, User.digest_hour, User.last_digest_at, oldest)
            .join(Notification, Notification.user_id == User.id)
            .where(
                User.notification_mode == DeliveryMode.DIGEST,
                User.is_active.is_(True),
                Notification.email_status == EmailStatus.PENDING,
            )
            .group_by(User.id, User.digest_hour, User.last_digest_at)
        )
        due = []
        for user_id, hour, last, first_waiting in session.execute(query):
            moment = digest_moment(now, zone, hour)
            if first_waiting <= moment and (last is None or last < moment):
                due.append(user_id)
    queued = 0
    for user_id in due:
        with transaction(factory) as session:
            user = session.get(User, user_id)
            if user is not None:
                moment = digest_moment(now, zone, user.digest_hour)
                queued += _send_digest_of(session, user, moment, base_url=base_url, zone=zone)
    return queued


def failed_emails(session: Session) -> int:
    """How many e-mails of the outbox failed for good (SMTP refused them on every attempt)."""
    return session.scalar(select(func.count()).where(EmailOutbox.status == "failed")) or 0


def end_digest_wait(session: Session, user_id: int) -> None:
    """A person left digest mode: notifications still waiting for a digest stay in the app only, never e-mailed."""
    session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.email_status == EmailStatus.PENDING)
        .values(email_status=EmailStatus.NONE)
    )
