"""E-mail to citizens who subscribed to a case: queued in the outbox with the change, sent later over SMTP.

A message is queued in ``email_outbox`` in the same transaction as the step or status change it tells about, so
a change is never announced without happening and never happens without its message. The sender runs in the
scheduler loop: it sends pending messages with smtplib, and on failure records the error and retries later with
a growing delay, up to ``smtp_max_attempts``; a message is never deleted, only marked ``sent`` or ``failed``.
Messages give the tracking code, the new step and its deadline and an unsubscribe link, never a name.
"""

import logging
import secrets
import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from engine.cases.enums import CaseStatus, TaskStatus
from engine.cases.filers import PUBLIC_FILER
from engine.core.db import rows_matched, transaction
from engine.core.errors import BadRequest
from engine.core.models import Case, CaseSubscription, EmailOutbox, HumanTask
from engine.core.settings import Settings
from engine.portal.guard import prune_portal_guards

log = logging.getLogger("phananh.notifications")
STATUS_TEXT = {
    CaseStatus.COMPLETED: "Đã kết thúc xử lý",
    CaseStatus.CANCELLED: "Đã dừng xử lý",
    CaseStatus.IN_PROGRESS: "Đang xử lý",
}


def subscribe(session: Session, case: Case, email: str, now: datetime) -> CaseSubscription:
    """Subscribe an address to a case (again is fine: the existing subscription is returned)."""
    email = (email or "").strip()
    if "@" not in email or len(email) > 254 or " " in email or email.startswith("@") or email.endswith("@"):
        raise BadRequest(f"'{email[:60]}' is not an e-mail address")
    found = session.scalars(
        select(CaseSubscription).where(CaseSubscription.case_id == case.id, CaseSubscription.email == email)
    ).first()
    if found is not None:
        return found
    subscription = CaseSubscription(
        case_id=case.id, email=email, unsubscribe_token=secrets.token_urlsafe(24), created_at=now
    )
    session.add(subscription)
    session.flush()
    return subscription


def unsubscribe(session: Session, token: str) -> bool:
    """Remove the subscription of an unsubscribe token; False when there was none."""
    removed = session.execute(delete(CaseSubscription).where(CaseSubscription.unsubscribe_token == token))
    return rows_matched(removed) > 0


def may_have_subscribers(case: Case) -> bool:
    """Whether a case can have e-mail subscribers at all (saves a query on every staff-registered case's save)."""
    return case.created_by == PUBLIC_FILER


def queue_case_update(session: Session, case: Case, *, now: datetime, zone: ZoneInfo, base_url: str) -> int:
    """Queue one message per subscriber describing the case's open steps and status now; returns how many."""
    subscriptions = list(session.scalars(select(CaseSubscription).where(CaseSubscription.case_id == case.id)))
    if not subscriptions:
        return 0
    tasks = session.scalars(
        select(HumanTask)
        .where(HumanTask.case_id == case.id, HumanTask.state == TaskStatus.READY)
        .order_by(HumanTask.created_at)
    )
    lines = [
        f"- {t.name or t.spec_name}" + (f" (hạn xử lý: {t.due_at.astimezone(zone):%d/%m/%Y})" if t.due_at else "")
        for t in tasks
    ]
    status = STATUS_TEXT.get(CaseStatus(case.status), STATUS_TEXT[CaseStatus.IN_PROGRESS])
    for subscription in subscriptions:
        body = "\n".join(
            [
                f"Hồ sơ {case.tracking_code} vừa được cập nhật.",
                f"Tình trạng: {status}.",
                *(["Bước đang xử lý:", *lines] if lines else []),
                "",
                f"Tra cứu bằng mã hồ sơ và mã bí mật tại {base_url.rstrip('/')}/portal/tra-cuu",
                f"Hủy nhận thư: {base_url.rstrip('/')}/portal/huy-dang-ky/{subscription.unsubscribe_token}",
            ]
        )
        session.add(
            EmailOutbox(
                case_id=case.id,
                recipient=subscription.email,
                subject=f"Hồ sơ {case.tracking_code}: cập nhật",
                body=body,
                status="pending",
                attempts=0,
                created_at=now,
                next_attempt_at=now,
            )  # fmt: skip
        )
    session.flush()
    return len(subscriptions)


def portal_housekeeping(factory: sessionmaker[Session], settings: Settings, now: datetime) -> int:
    """One pass of the portal's background work: send due e-mail and prune the spam-guard tables."""
    with transaction(factory) as session:
        prune_portal_guards(session, now, settings.portal_form_max_seconds)
    return send_pending_messages(factory, settings, now)


def _send(settings: Settings, message: EmailOutbox) -> None:
    email = EmailMessage()
    email["From"], email["To"], email["Subject"] = settings.smtp_from, message.recipient, message.subject
    email.set_content(message.body)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password)
        smtp.send_message(email)


def send_pending_messages(
    factory: sessionmaker[Session], settings: Settings, now: datetime, *, batch_size: int = 50
) -> int:
    """Send due pending messages over SMTP (nothing when no SMTP host is set); returns how many were sent."""
    if not settings.smtp_host:
        return 0
    with transaction(factory) as session:
        query = (
            select(EmailOutbox.id)
            .where(EmailOutbox.status == "pending", EmailOutbox.next_attempt_at <= now)
            .order_by(EmailOutbox.id)
            .limit(batch_size)
        )
        ids = list(session.scalars(query))
    sent = 0
    for message_id in ids:
        with transaction(factory) as session:
            pending = select(EmailOutbox).where(EmailOutbox.id == message_id, EmailOutbox.status == "pending")
            if session.get_bind().dialect.name == "postgresql":
                pending = pending.with_for_update(skip_locked=True)
            message = session.scalars(pending).first()
            if message is None:
                continue
            message.attempts += 1
            try:
                _send(settings, message)
            except (OSError, smtplib.SMTPException) as exc:
                message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                message.next_attempt_at = now + timedelta(minutes=2**message.attempts)
                if message.attempts >= settings.smtp_max_attempts:
                    message.status = "failed"
                log.warning("e-mail %s not sent (attempt %s): %s", message.id, message.attempts, exc)
            else:
                message.status, message.sent_at, message.last_error = "sent", now, None
                sent += 1
    return sent
