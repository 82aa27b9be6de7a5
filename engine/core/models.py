"""SQLAlchemy 2 tables. Every case-scoped row carries its ``unit_id`` so the schema can be distributed by unit."""

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, ClassVar, Self

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.schema import Table

from engine.cases.enums import TimerStatus
from engine.processes.enums import BatchItemStatus, BatchStatus


class UTCDateTime(TypeDecorator):
    """Stores UTC (naive on SQLite) and always hands back aware UTC datetimes."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base of all Phản Ánh tables."""

    if TYPE_CHECKING:  # each model maps one plain Table (SQLAlchemy types it as the wider FromClause)
        __table__: ClassVar[Table]

    @classmethod
    def from_values(cls, values: dict) -> Self:
        """An instance holding ``values``, built as the ORM builds a row it loads: the values go straight into the
        instance's dict instead of through one attribute event per column (for rows built by the hundred: the
        case's detached rows, a group's notifications). Not in any session; later changes fire events as usual."""
        instance = cls.__mapper__.class_manager.new_instance()
        instance.__dict__.update(values)
        return instance


class Unit(Base):
    """An organisational unit (đơn vị): city → district → ward / party cell."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    path: Mapped[str] = mapped_column(String(512), index=True, default="/")
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # retired units leave the pickers
    remote_area: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """A remote or difficult area (vùng sâu, vùng xa): the processes apply the law's longer periods."""


class UserUnit(Base):
    """Membership of a user in a unit."""

    __tablename__ = "user_units"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)


class User(Base):
    """A person who signs in: officer, team lead, supervisor, designer, admin or citizen."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(255), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: datetime.now(UTC))
    email: Mapped[str | None] = mapped_column(String(254))
    notification_mode: Mapped[str] = mapped_column(String(16), default="immediate")  # a DeliveryMode
    digest_hour: Mapped[int] = mapped_column(Integer, default=7)  # local hour of the daily digest
    last_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the digest time last e-mailed for
    units: Mapped[list[Unit]] = relationship(secondary="user_units", lazy="selectin")


class ProcessDefinition(Base):
    """One deployed, immutable version of a BPMN process."""

    __tablename__ = "process_definitions"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(128), index=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(255), default="")
    filename: Mapped[str] = mapped_column(String(255), default="")
    content: Mapped[str] = mapped_column(Text, deferred=True)
    content_sha256: Mapped[str] = mapped_column(String(64))
    catalog: Mapped[dict] = mapped_column(JSON, default=dict)
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deployed_by: Mapped[str] = mapped_column(String(64), default="system")


class Case(Base):
    """One running or finished instance of a process: a report, petition, complaint or denunciation."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_unit_created", "unit_id", "created_at"),
        Index(
            "ix_cases_report",
            "process_key",
            "unit_id",
            "created_at",
            "source",
            "field",
            "screening",
            "party_sanction",
            "state_sanction",
            "published_writing",
            "published_media",
            "published_portal",
            "completed_at",
        ),  # fmt: skip
        Index("ix_cases_unit_completed", "unit_id", "completed_at", "process_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_code: Mapped[str] = mapped_column(String(32), unique=True)
    process_key: Mapped[str] = mapped_column(String(128), index=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definitions.id"))
    process_version: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    status: Mapped[str] = mapped_column(String(32), index=True)
    current_step: Mapped[str | None] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(512), default="")
    source: Mapped[str | None] = mapped_column(String(32), index=True)
    field: Mapped[str | None] = mapped_column(String(32), index=True)
    subject_name: Mapped[str | None] = mapped_column(String(255))
    screening: Mapped[str | None] = mapped_column(String(16))
    violation: Mapped[bool | None] = mapped_column(Boolean)
    party_sanction: Mapped[str | None] = mapped_column(String(32))
    state_sanction: Mapped[str | None] = mapped_column(String(32))
    published_writing: Mapped[bool] = mapped_column(Boolean, default=False)
    published_media: Mapped[bool] = mapped_column(Boolean, default=False)
    published_portal: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    error_message: Mapped[str | None] = mapped_column(Text)
    error_line: Mapped[int | None] = mapped_column(Integer)
    error_task: Mapped[str | None] = mapped_column(String(255))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    audit_seq: Mapped[int] = mapped_column(Integer, default=0)
    audit_head: Mapped[str] = mapped_column(String(64), default="0" * 64)
    matter_id: Mapped[int | None] = mapped_column(ForeignKey("matters.id"), index=True)

    __mapper_args__ = {"version_id_col": version}


class CaseSearchDocument(Base):
    """The searchable text of a case (tracking code, title, subject, description), kept with each case action.

    The search indexes over it are backend-specific and made by migration 0020 (see ``engine/search/schema.py``).
    """

    __tablename__ = "case_search_documents"
    __table_args__ = (Index("ix_case_search_documents_unit_case", "unit_id", "case_id"),)
    """PostgreSQL reads a scope's newest cases one by one through it before it asks the full-text index."""

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True, autoincrement=False)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    """The case's unit, so that the PostgreSQL index narrows a search to the actor's units itself."""
    code: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(Text)
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)


class HumanTask(Base):
    """The inbox index of a user task of a case, kept in sync with the workflow after every action."""

    __tablename__ = "human_tasks"
    __table_args__ = (
        Index("ix_human_tasks_unit_due", "unit_id", "due_at", "completed_at", "state", "case_id"),
        Index("ix_human_tasks_unit_completed", "unit_id", "completed_at", "due_at", "escalated"),
        # The inbox: open tasks of one person (state, assignee) or of a group (state, NULL, unit, lane), by deadline.
        Index("ix_human_tasks_inbox", "state", "assignee", "unit_id", "lane", "due_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))  # indexed by the (unit_id, …) indexes
    spec_name: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(255))
    lane: Mapped[str | None] = mapped_column(String(64))
    form: Mapped[str | None] = mapped_column(String(255))
    state: Mapped[str] = mapped_column(String(16))  # indexed by ix_human_tasks_inbox (state, …)
    assignee: Mapped[str | None] = mapped_column(String(64))  # indexed by ix_human_tasks_inbox (state, assignee, …)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by: Mapped[str | None] = mapped_column(String(64))
    tallied: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """Settled and kept in its case's tally of the report counters (engine/reports/tally.py): not read again."""


class CaseTimer(Base):
    """A waiting timer of a case: the scheduler fires it once, when ``fire_at`` has passed."""

    __tablename__ = "case_timers"
    __table_args__ = (Index("ix_case_timers_due", "status", "fire_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    spec_name: Mapped[str] = mapped_column(String(255))
    role: Mapped[str | None] = mapped_column(String(32))
    attached_task_id: Mapped[str | None] = mapped_column(String(36))
    fire_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    status: Mapped[str] = mapped_column(String(16), index=True, default=TimerStatus.WAITING)
    fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(128))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditEvent(Base):
    """One link of a case's hash-chained history."""

    __tablename__ = "audit_events"
    __table_args__ = (UniqueConstraint("case_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    task_id: Mapped[str | None] = mapped_column(String(36))
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class CaseStatistic(Base):
    """The statistics record of a finished case, written by the process's report service task."""

    __tablename__ = "case_statistics"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    process_key: Mapped[str] = mapped_column(String(128))
    record: Mapped[dict] = mapped_column(JSON, default=dict)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ProtectedIdentity(Base):
    """A reporter's identity, encrypted at rest and kept apart from the case data."""

    __tablename__ = "protected_identities"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TrackingSequence(Base):
    """Per-prefix-and-year counter behind tracking codes like PA-2026-00042."""

    __tablename__ = "tracking_sequences"

    prefix: Mapped[str] = mapped_column(String(16), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class Attachment(Base):
    """A file attached to a case as evidence, stored with its sha256."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    task_id: Mapped[str | None] = mapped_column(String(36))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    identity_bearing: Mapped[bool] = mapped_column(Boolean, default=False)
    redacted_copy_of: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("case_comments.id"), index=True)  # a comment's file


class CaseComment(Base):
    """A remark of a member of staff on a case (trao đổi), or a reply to one; for staff only, never on the portal."""

    __tablename__ = "case_comments"
    __table_args__ = (Index("ix_case_comments_case", "case_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("case_comments.id"))  # the thread's first comment
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PeriodicReport(Base):
    """A report produced on schedule and kept as it was made: the figures are frozen at ``generated_at``."""

    __tablename__ = "periodic_reports"
    __table_args__ = (UniqueConstraint("unit_id", "period_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    period_code: Mapped[str] = mapped_column(String(32))
    period_kind: Mapped[str] = mapped_column(String(16))
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    summary: Mapped[dict] = mapped_column(JSON)


class Matter(Base):
    """A matter (vụ việc): the petitions about one thing, so that duplicates are counted once."""

    __tablename__ = "matters"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    title: Mapped[str] = mapped_column(String(512), default="")
    subject_name: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    guided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    guided_by_case: Mapped[str | None] = mapped_column(String(32))


class MigrationBatch(Base):
    """A batch of running cases moved to another version of their process, worked through one case at a time."""

    __tablename__ = "migration_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_key: Mapped[str] = mapped_column(String(128), index=True)
    to_version: Mapped[int] = mapped_column(Integer)
    requested_by: Mapped[str] = mapped_column(String(64))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)  # the requester's; None: older
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default=BatchStatus.RUNNING)
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    moved: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)


class MigrationBatchItem(Base):
    """One case of a migration batch: pending, moved, or failed with the reason (the case stays where it was)."""

    __tablename__ = "migration_batch_items"
    __table_args__ = (Index("ix_migration_batch_items_status", "batch_id", "status"),)

    batch_id: Mapped[int] = mapped_column(ForeignKey("migration_batches.id", ondelete="CASCADE"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    tracking_code: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default=BatchItemStatus.PENDING)
    reason: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CaseAccessSecret(Base):
    """The hash of the secret a citizen got with a tracking code; code + secret open the public status page."""

    __tablename__ = "case_access_secrets"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    secret_hash: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RateLimitHit(Base):
    """A fixed-window counter per key (action + client address), shared by every web process."""

    __tablename__ = "rate_limit_hits"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class UsedFormToken(Base):
    """The id of a portal form token already spent, so a signed form cannot be posted twice."""

    __tablename__ = "used_form_tokens"

    token_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    used_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class RevokedToken(Base):
    """A session cookie or bearer token ended before its expiry (sign-out); kept until it would have expired."""

    __tablename__ = "revoked_tokens"

    token_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class CasePublication(Base):
    """What the public portal shows of a concluded case: the redacted summary written in the publicize step."""

    __tablename__ = "case_publications"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    summary: Mapped[str] = mapped_column(Text)
    published_on: Mapped[str | None] = mapped_column(String(10))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CaseSubscription(Base):
    """An e-mail address that wants to hear when a case changes step or status."""

    __tablename__ = "case_subscriptions"
    __table_args__ = (UniqueConstraint("case_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    unsubscribe_token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class EmailOutbox(Base):
    """A message waiting to be sent (queued in the transaction of the change it tells about)."""

    __tablename__ = "email_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Notification(Base):
    """Something the system tells one member of staff: shown in the app, e-mailed by their delivery mode."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("user_id", "dedupe_key"),
        Index("ix_notifications_user_unread", "user_id", "read_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))  # a NotificationKind
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(512), default="")
    dedupe_key: Mapped[str | None] = mapped_column(String(200))  # the same event never notifies a person twice
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email_status: Mapped[str] = mapped_column(String(16), default="none")  # none / pending / queued / skipped


class Absence(Base):
    """A member of staff away from ``starts_on`` to ``ends_on`` (whole local days, inclusive) and their deputy.

    While it runs, tasks that would be assigned to the absent person by name go to the deputy instead.
    """

    __tablename__ = "absences"
    __table_args__ = (
        Index("ix_absences_user_period", "user_id", "starts_on", "ends_on"),
        Index("ix_absences_deputy_period", "deputy_id", "starts_on", "ends_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    deputy_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(500))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    cancelled_by: Mapped[str | None] = mapped_column(String(64))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handed_over_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the last "hand over" of open tasks
    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    deputy: Mapped[User] = relationship(foreign_keys=[deputy_id], lazy="joined")


class ProcessDraft(Base):
    """A diagram saved from the modeler without deploying it: new, or based on a deployed version."""

    __tablename__ = "process_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_key: Mapped[str | None] = mapped_column(String(255), index=True)
    based_on_version: Mapped[int | None] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(255))
    xml: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FormSchema(Base):
    """A JSON Schema form saved from the designer's form editor; immutable, a new edit gets a new name."""

    __tablename__ = "form_schemas"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    schema: Mapped[dict] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PasswordLink(Base):
    """A one-time link to choose a password, handed over by an admin; only the token's SHA-256 is kept."""

    __tablename__ = "password_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AdminEvent(Base):
    """One administration action (a user or unit created or changed, a password link issued), for the record."""

    __tablename__ = "admin_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))  # an AdminAction
    target: Mapped[str] = mapped_column(String(128))
    details: Mapped[dict] = mapped_column(JSON, default=dict)


class DocumentRegister(Base):
    """A unit's register of outgoing documents (sổ văn bản đi) for one year and kind: the last number given."""

    __tablename__ = "document_registers"

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(48), primary_key=True)  # a DocumentKind
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class IssuedDocument(Base):
    """An official document issued by a step of a case: its register number, its files and their fingerprint.

    ``pdf`` is the signed PDF. A document addressed to a protected person (``identity_bearing``) keeps its DOCX and
    PDF encrypted in ``docx``/``pdf`` (vault key) and a redacted PDF in ``redacted_pdf`` for everyone else.
    """

    __tablename__ = "issued_documents"
    __table_args__ = (
        UniqueConstraint("unit_id", "year", "kind", "number"),
        Index("ix_issued_documents_case", "case_id"),
        Index("ix_issued_documents_sha256", "sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    task_id: Mapped[str | None] = mapped_column(String(36))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    kind: Mapped[str] = mapped_column(String(48))  # a DocumentKind
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    symbol: Mapped[str] = mapped_column(String(64))  # "12/TB-QU1"
    title: Mapped[str] = mapped_column(String(500))  # the summary (trích yếu)
    issued_on: Mapped[date] = mapped_column(Date)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    issued_by: Mapped[str] = mapped_column(String(64))
    signer_name: Mapped[str] = mapped_column(String(200))
    signed: Mapped[bool] = mapped_column(Boolean, default=False)
    sha256: Mapped[str] = mapped_column(String(64))  # of the (signed) PDF handed out
    identity_bearing: Mapped[bool] = mapped_column(Boolean, default=False)
    docx: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    pdf: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    redacted_pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)


class PetitionHandling(Base):
    """How a petition (a triage case) was handled: its classification, the jurisdiction decision and, when it was
    accepted as a complaint or denunciation, the case that resolves it. Kept by the statutory report forms'
    observer (``engine/reports/hooks.py``) with each save of the triage case."""

    __tablename__ = "petition_handling"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    classification: Mapped[str | None] = mapped_column(String(16))
    decision: Mapped[str | None] = mapped_column(String(16))
    resolving_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DocumentTemplate(Base):
    """A designer's uploaded version of a kind's DOCX template; the ``active`` one replaces the committed file."""

    __tablename__ = "document_templates"
    __table_args__ = (UniqueConstraint("kind", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(48), index=True)  # a DocumentKind
    version: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    variables: Mapped[list[str]] = mapped_column(JSON, default=list)  # the placeholders the template uses
    docx: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=False)


class DocumentDraft(Base):
    """An officer's edited draft (DOCX) of one document kind of an open task, issued when the task is completed.

    A draft of a kind addressed to a protected person is stored encrypted (vault key), like the issued copy.
    """

    __tablename__ = "document_drafts"
    __table_args__ = (UniqueConstraint("task_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    task_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(48))  # a DocumentKind
    docx: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    sealed: Mapped[bool] = mapped_column(Boolean, default=False)
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SigningCertificate(Base):
    """A certificate of the instance's signing: a trust root (``role`` "root") or a unit's signing key ("unit").

    A unit's row keeps its demo PKCS#12 (key and certificate; a demo key is no secret); a root keeps only its
    certificate. ``demo`` marks what ``phananh demo`` made (CN "… (DEMO)").
    A unit's key in ``PHANANH_SIGNING_P12_DIR`` is used before its row.
    """

    __tablename__ = "signing_certificates"
    __table_args__ = (UniqueConstraint("role", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(String(16))  # a CertificateRole
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    subject: Mapped[str] = mapped_column(String(255))
    certificate: Mapped[bytes] = mapped_column(LargeBinary)  # DER
    p12: Mapped[bytes | None] = mapped_column(LargeBinary)
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    not_after: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FederationIdentity(Base):
    """This instance's federation name and key pairs (one row); the private keys are sealed by the vault."""

    __tablename__ = "federation_identity"

    id: Mapped[int] = mapped_column(primary_key=True)  # always 1
    name: Mapped[str] = mapped_column(String(64))
    signing_key: Mapped[bytes] = mapped_column(LargeBinary)  # Ed25519, sealed
    exchange_key: Mapped[bytes] = mapped_column(LargeBinary)  # X25519, sealed
    public_key: Mapped[str] = mapped_column(String(200))  # "pa1.<ed25519>.<x25519>"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FederationPeer(Base):
    """Another instance this one exchanges messages with, registered by an admin."""

    __tablename__ = "federation_peers"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    url: Mapped[str] = mapped_column(String(500))
    public_key: Mapped[str] = mapped_column(String(200))
    upward: Mapped[bool] = mapped_column(Boolean, default=False)  # the body this instance reports to
    added_by: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FederationOutbox(Base):
    """A message to a peer, queued in the transaction of the change that caused it; delivered by the worker."""

    __tablename__ = "federation_outbox"
    __table_args__ = (Index("ix_federation_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(36), unique=True)
    peer: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # a MessageKind
    body: Mapped[dict] = mapped_column(JSON)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    status: Mapped[str] = mapped_column(String(16))  # an OutboxStatus
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class FederationInbox(Base):
    """A message received from a peer, kept by its id so that a redelivery is recognised."""

    __tablename__ = "federation_inbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(36), unique=True)
    sender: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    body: Mapped[dict] = mapped_column(JSON)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class FederationRefusal(Base):
    """A message refused on arrival (unknown sender, bad signature, wrong recipient, stale), for the record."""

    __tablename__ = "federation_refusals"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    sender: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(32))  # a RefusalReason
    remote_address: Mapped[str | None] = mapped_column(String(64))


class MatterFingerprint(Base):
    """A matter's keyed fingerprint (petitioner and subject, HMAC with the federation key): this instance's own
    petitions and those other instances published, so that the same matter is recognised across bodies."""

    __tablename__ = "matter_fingerprints"
    __table_args__ = (UniqueConstraint("instance", "tracking_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)
    instance: Mapped[str] = mapped_column(String(64))  # "" for this instance before it has a federation name
    unit_name: Mapped[str] = mapped_column(String(255))
    tracking_code: Mapped[str] = mapped_column(String(32))
    since: Mapped[date] = mapped_column(Date)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))  # this instance's own petition
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CaseTransfer(Base):
    """A petition handed to another body (liên thông): to a unit of this instance or to a peer instance.

    The sending side keeps ``source_case_id``; the receiving side's row (this instance's own unit, or a petition that
    came from a peer: ``source_peer``) keeps ``target_case_id``. Both follow the transfer's state to its result.
    """

    __tablename__ = "case_transfers"
    __table_args__ = (
        Index("ix_case_transfers_source", "source_case_id"),
        Index("ix_case_transfers_target", "target_case_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    transfer_id: Mapped[str] = mapped_column(String(36), unique=True)
    source_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    source_peer: Mapped[str | None] = mapped_column(String(64))
    source_tracking_code: Mapped[str] = mapped_column(String(32))
    source_body: Mapped[str] = mapped_column(String(255))  # the sending unit's name
    target_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    target_peer: Mapped[str | None] = mapped_column(String(64))
    target_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    target_tracking_code: Mapped[str | None] = mapped_column(String(32))
    target_body: Mapped[str] = mapped_column(String(255))  # the receiving unit's (or instance's) name
    reason: Mapped[str] = mapped_column(Text)
    chain: Mapped[list] = mapped_column(JSON, default=list)  # the bodies the petition passed through, sender last
    state: Mapped[str] = mapped_column(String(16))  # a TransferState
    progress: Mapped[str | None] = mapped_column(String(500))
    result: Mapped[str | None] = mapped_column(Text)
    sent_by: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReceivedReport(Base):
    """A frozen periodic report a lower-level instance (a district) sent up, kept for the consolidated report."""

    __tablename__ = "received_reports"
    __table_args__ = (UniqueConstraint("sender", "period_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sender: Mapped[str] = mapped_column(String(64))
    period_code: Mapped[str] = mapped_column(String(32))
    unit_name: Mapped[str] = mapped_column(String(255))
    summary: Mapped[dict] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CaseDecision(Base):
    """A decision on a case's course: suspension (tạm đình chỉ), resumption, termination (đình chỉ) or withdrawal
    (rút đơn), with the date written in it, its reason and who recorded it.

    A resumption keeps the days the deadlines were moved by (calendar and working days of the pause).
    """

    __tablename__ = "case_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # a DecisionKind
    reason: Mapped[str] = mapped_column(Text)
    decided_on: Mapped[date] = mapped_column(Date)
    decided_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    paused_calendar_days: Mapped[int | None] = mapped_column(Integer)
    paused_working_days: Mapped[int | None] = mapped_column(Integer)


# ---- reception of citizens by leaders; case categories (task 17b) ----------------------------------------------


class ReceptionDay(Base):
    """A day in a unit's reception schedule (lịch tiếp công dân): who receives, when, where, what kind."""

    __tablename__ = "reception_days"
    __table_args__ = (Index("ix_reception_days_unit_held", "unit_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    partner_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))  # the other end of an online session
    held_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))  # a ReceptionKind
    online: Mapped[bool] = mapped_column(Boolean, default=False)
    leader_name: Mapped[str] = mapped_column(String(200))
    leader_title: Mapped[str] = mapped_column(String(200))
    place: Mapped[str] = mapped_column(String(300))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReceptionSession(Base):
    """A reception session held (buổi tiếp): who received, the visits, people, matters and groups counted."""

    __tablename__ = "reception_sessions"
    __table_args__ = (Index("ix_reception_sessions_unit_held", "unit_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day_id: Mapped[int | None] = mapped_column(ForeignKey("reception_days.id"))  # the scheduled day, if any
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    partner_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    held_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))  # a ReceptionKind
    level: Mapped[str] = mapped_column(String(16))  # a ReceptionLevel, from the unit's depth in the tree
    online: Mapped[bool] = mapped_column(Boolean, default=False)
    received_by: Mapped[str] = mapped_column(String(200))
    visits: Mapped[int] = mapped_column(Integer)
    people: Mapped[int] = mapped_column(Integer)
    matters: Mapped[int] = mapped_column(Integer)
    group_sizes: Mapped[list] = mapped_column(JSON, default=list)  # one size per group of many people
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReceptionSessionCase(Base):
    """A petition registered during a reception session."""

    __tablename__ = "reception_session_cases"

    session_id: Mapped[int] = mapped_column(ForeignKey("reception_sessions.id"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)


class CaseCategory(Base):
    """A category flag on a case: mass (đông người), complex (phức tạp) or prolonged (kéo dài)."""

    __tablename__ = "case_categories"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    category: Mapped[str] = mapped_column(String(16), primary_key=True)  # a CaseCategoryKind
    set_by: Mapped[str] = mapped_column(String(64))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReportCount(Base):
    """How many cases of a unit and process received in one month count towards one report figure and code.

    Kept by :mod:`engine.reports.counters` in the transaction of every case action, so that a report reads one row
    per unit, month and code instead of every case. ``month`` is the local month ("2026-05") in ``zone``; ``code``
    is the breakdown's code ("" for none), or for ``resolved`` the local month the case was resolved in.
    """

    __tablename__ = "report_counts"

    zone: Mapped[str] = mapped_column(String(64), primary_key=True)
    unit_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    process_key: Mapped[str] = mapped_column(String(128), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    figure: Mapped[str] = mapped_column(String(32), primary_key=True)
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class ReportCountedCase(Base):
    """The facts of a case the report counters last counted, so that a change can take back the old counts."""

    __tablename__ = "report_counted_cases"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True, autoincrement=False)
    zone: Mapped[str] = mapped_column(String(64))
    keys: Mapped[list] = mapped_column(JSON)
    """The counter keys [unit_id, process_key, month, figure, code, times] the case adds to."""
    settled: Mapped[dict | None] = mapped_column(JSON)
    """The tally of its settled steps (engine/reports/tally.py); None while none is tallied."""
