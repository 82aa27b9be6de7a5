"""Is there anything for a worker to do now? A few Core queries, so ``worker --once`` can exit without loading
the runtime, the ORM models, SpiffWorkflow or the services when nothing is due.

Each question asks the rule of the work it stands for (the timers' rule is shared; the others are mirrored here, by
table and column name):

* a claimable timer — by the rule ``claim_due_timers`` (engine/cases/scheduler.py) claims with
  (``claimable_at``, engine/cases/claimable.py): waiting, due, unclaimed or its lease expired, its case not
  suspended;
* a scheduled process without a waiting instance — as ``ensure_scheduled_cases`` (engine/processes/scheduled.py);
* a federation message ready to send — as ``deliver_outbox`` (engine/federation/outbox.py);
* a staff digest whose hour has come — as ``send_due_digests`` (engine/notifications/delivery.py);
* a portal e-mail to send (with an SMTP host) or spam-guard rows to prune — as ``portal_housekeeping``.

A false "due" only costs the full pass; a false "nothing due" would skip work, so the tests check every kind.
"""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, Boolean, DateTime, and_, column, exists, func, literal, or_, select, table
from sqlalchemy.engine import Connection

from engine.cases.claimable import claimable_at
from engine.cases.enums import CaseStatus
from engine.federation.enums import OutboxStatus
from engine.notifications.digest_time import digest_moment
from engine.notifications.enums import DeliveryMode

STAMP = DateTime(timezone=True)  # the UTCDateTime columns of engine.core.models, as their type stores them

case_timers = table(
    "case_timers", column("case_id"), column("status"), column("fire_at", STAMP), column("lease_until", STAMP)
)
cases = table("cases", column("id"), column("status"), column("process_key"))
process_definitions = table("process_definitions", column("key"), column("version"), column("catalog", JSON))
units = table("units", column("id"), column("parent_id"))
federation_identity = table("federation_identity", column("id"))
federation_outbox = table(
    "federation_outbox", column("status"), column("next_attempt_at", STAMP), column("claimed_until", STAMP)
)
users = table(
    "users", column("id"), column("is_active", Boolean), column("notification_mode"), column("digest_hour"),
    column("last_digest_at", STAMP),
)  # fmt: skip
notifications = table("notifications", column("user_id"), column("email_status"), column("created_at", STAMP))
email_outbox = table("email_outbox", column("status"), column("next_attempt_at", STAMP))
rate_limit_hits = table("rate_limit_hits", column("window_start", STAMP))
used_form_tokens = table("used_form_tokens", column("used_at", STAMP))

ENDED_CASES = (CaseStatus.COMPLETED, CaseStatus.CANCELLED)  # as engine.processes.scheduled.ENDED
DIGEST_WAITING = "pending"  # notifications.email_status of one waiting for its digest (EmailStatus.PENDING)


def _stored(moment: datetime, connection: Connection) -> datetime:
    """A UTC moment as the UTCDateTime columns store it: naive on SQLite, aware elsewhere."""
    moment = moment.astimezone(UTC)
    return moment.replace(tzinfo=None) if connection.dialect.name == "sqlite" else moment


def _read(moment: datetime) -> datetime:
    """A stored moment as an aware UTC datetime (SQLite hands back naive UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _any(connection: Connection, condition) -> bool:
    return bool(connection.scalar(select(literal(1)).where(condition)))


def timer_due(connection: Connection, *, now: datetime) -> bool:
    """A waiting timer is due and claimable (unclaimed or its lease expired), its case not suspended."""
    return _any(connection, exists().where(*claimable_at(case_timers, cases, _stored(now, connection))))


def scheduled_process_due(connection: Connection) -> bool:
    """A timer-started process (its latest version) has no open instance, and there is a root unit to start it in."""
    latest: dict[str, dict] = {}
    for key, catalog in connection.execute(
        select(process_definitions.c.key, process_definitions.c.catalog).order_by(process_definitions.c.version)
    ):
        latest[key] = catalog or {}
    scheduled = [key for key, catalog in latest.items() if catalog.get("timer_start")]
    if not scheduled or not _any(connection, exists().where(units.c.parent_id.is_(None))):
        return False
    open_keys = set(connection.scalars(
        select(cases.c.process_key).distinct()
        .where(cases.c.process_key.in_(scheduled), cases.c.status.not_in(ENDED_CASES))
    ))  # fmt: skip
    return any(key not in open_keys for key in scheduled)


def federation_message_due(connection: Connection, *, now: datetime) -> bool:
    """This instance has its federation keys and a pending message is due and not claimed by another worker."""
    at = _stored(now, connection)
    return _any(connection, and_(
        exists().where(federation_identity.c.id == 1),
        exists().where(
            federation_outbox.c.status == OutboxStatus.PENDING, federation_outbox.c.next_attempt_at <= at,
            or_(federation_outbox.c.claimed_until.is_(None), federation_outbox.c.claimed_until < at),
        ),
    ))  # fmt: skip


def digest_due(connection: Connection, *, now: datetime, zone: ZoneInfo) -> bool:
    """An active digest reader has a notification waiting from before their latest digest time, not yet sent."""
    query = (
        select(users.c.digest_hour, users.c.last_digest_at, func.min(notifications.c.created_at))
        .join(notifications, notifications.c.user_id == users.c.id)
        .where(
            users.c.notification_mode == DeliveryMode.DIGEST, users.c.is_active.is_(True),
            notifications.c.email_status == DIGEST_WAITING,
        )
        .group_by(users.c.id, users.c.digest_hour, users.c.last_digest_at)
    )  # fmt: skip
    for hour, last, first_waiting in connection.execute(query):
        moment = digest_moment(now, zone, hour)
        if _read(first_waiting) <= moment and (last is None or _read(last) < moment):
            return True
    return False


def portal_work_due(connection: Connection, *, now: datetime, smtp: bool, form_max_seconds: float) -> bool:
    """An e-mail is due (when an SMTP host is set), or rate-limit counters or spent form tokens are old enough to prune.

    The age is ``prune_portal_guards``'s (engine/portal/guard.py): a day or the longest form age, plus an hour.
    """
    at = _stored(now, connection)
    mail_due = exists().where(email_outbox.c.status == "pending", email_outbox.c.next_attempt_at <= at)
    if smtp and _any(connection, mail_due):
        return True
    expired = _stored(now - timedelta(seconds=max(form_max_seconds, 86400)) - timedelta(hours=1), connection)
    return _any(connection, or_(
        exists().where(rate_limit_hits.c.window_start < expired), exists().where(used_form_tokens.c.used_at < expired)
    ))  # fmt: skip


def work_due(
    connection: Connection, *, now: datetime, zone: ZoneInfo, smtp: bool, form_max_seconds: float
) -> str | None:
    """The first kind of work that is due now (``timer``, ``scheduled process``, ...), or None when nothing is."""
    questions: list[tuple[str, Callable[[], bool]]] = [
        ("timer", lambda: timer_due(connection, now=now)),
        ("scheduled process", lambda: scheduled_process_due(connection)),
        ("federation message", lambda: federation_message_due(connection, now=now)),
        ("digest", lambda: digest_due(connection, now=now, zone=zone)),
        ("portal", lambda: portal_work_due(connection, now=now, smtp=smtp, form_max_seconds=form_max_seconds)),
    ]
    return next((kind for kind, due in questions if due()), None)
