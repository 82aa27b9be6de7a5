"""What the public portal reads and writes: tracking secrets, the public status of a case, published results.

The tracking secret is 144 random bits from ``secrets`` shown once to the citizen and stored only as its sha256.
A slow password hash (argon2) protects low-entropy human passwords against offline guessing; a 144-bit random
secret cannot be guessed offline even from its fast hash, and a fast hash keeps each lookup cheap, so the lookup
endpoint cannot be turned into a CPU-exhaustion tool. An unknown code and a wrong secret do the same work (the
secret is always compared against a hash, a dummy one when the code is unknown) and give the same answer.

Nothing here returns a person's name or the case data: only steps, deadlines, dates, codes and the publication
summary that an officer wrote for the public in the publicize step.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from engine.cases.enums import CaseStatus, TaskStatus
from engine.core.db import LIKE_ESCAPE, contains_pattern
from engine.core.models import Case, CaseAccessSecret, CasePublication, HumanTask, Unit
from engine.services import EngineServices

_DUMMY_HASH = hashlib.sha256(b"phananh-no-such-case").hexdigest()


PUBLIC_STATUSES = {
    CaseStatus.COMPLETED: CaseStatus.COMPLETED, CaseStatus.CANCELLED: CaseStatus.CANCELLED,
    CaseStatus.WITHDRAWN: CaseStatus.CANCELLED, CaseStatus.TERMINATED: CaseStatus.CANCELLED,
}  # fmt: skip
"""What the public sees of a case's status: a withdrawn or terminated case is "handling stopped"; every other
status (a suspension or an internal error included) is "in progress"."""


def _hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_access_secret(session: Session, case: Case, now: datetime) -> str:
    """A new tracking secret for a case; only its hash is stored, the secret is returned once."""
    secret = secrets.token_urlsafe(18)
    session.add(CaseAccessSecret(case_id=case.id, secret_hash=_hash_secret(secret), created_at=now))
    session.flush()
    return secret


def normalize_code(code: str) -> str:
    """A tracking code as typed, trimmed and upper-cased."""
    return (code or "").strip().upper()[:64]


def case_by_code_and_secret(session: Session, code: str, secret: str) -> Case | None:
    """The case when code and secret match, else None; the work is the same for an unknown code."""
    row = session.execute(
        select(Case, CaseAccessSecret.secret_hash)
        .outerjoin(CaseAccessSecret, CaseAccessSecret.case_id == Case.id)
        .where(Case.tracking_code == normalize_code(code))
    ).first()
    stored = row[1] if row is not None and row[1] else _DUMMY_HASH
    matches = hmac.compare_digest(_hash_secret(secret or ""), stored)
    return row[0] if row is not None and row[1] and matches else None


@dataclass(frozen=True)
class PublicStep:
    """An open step of a case as the public sees it: its name and deadline (never who works on it)."""

    name: str
    due_at: datetime | None
    reminded_at: datetime | None


@dataclass(frozen=True)
class PublicStatus:
    """The status page of a case for the citizen who holds its code and secret."""

    case_id: int
    tracking_code: str
    status: str
    received_at: datetime
    completed_at: datetime | None
    steps: list[PublicStep]
    published: bool
    published_on: date | None = None
    summary: str | None = None

    @property
    def expected_at(self) -> datetime | None:
        """When the citizen may expect an answer while the case is handled: the latest deadline of its open steps."""
        if self.status != CaseStatus.IN_PROGRESS:
            return None
        return max((step.due_at for step in self.steps if step.due_at is not None), default=None)


def public_status(session: Session, case: Case) -> PublicStatus:
    """Status, open steps with deadlines, completion and publication of a case."""
    tasks = session.scalars(
        select(HumanTask)
        .where(HumanTask.case_id == case.id, HumanTask.state == TaskStatus.READY)
        .order_by(HumanTask.created_at)
    )
    steps = [PublicStep(name=t.name or t.spec_name, due_at=t.due_at, reminded_at=t.reminded_at) for t in tasks]
    publication = session.get(CasePublication, case.id)
    status = PUBLIC_STATUSES.get(CaseStatus(case.status), CaseStatus.IN_PROGRESS)
    return PublicStatus(
        case_id=case.id, tracking_code=case.tracking_code, status=status, received_at=case.created_at,
        completed_at=case.completed_at, steps=steps,
        published=publication is not None, published_on=_day(publication.published_on) if publication else None,
        summary=publication.summary if publication else None,
    )  # fmt: skip


def record_publication(session: Session, case: Case, data: dict, now: datetime) -> None:
    """Keep the publication summary of a case published on the portal (called when the case is saved)."""
    summary = data.get("summary")
    if not case.published_portal or not isinstance(summary, str) or not summary.strip():
        return
    published_on = data.get("published_on") if isinstance(data.get("published_on"), str) else None
    existing = session.get(CasePublication, case.id)
    if existing is None:
        session.add(
            CasePublication(
                case_id=case.id, unit_id=case.unit_id, summary=summary, published_on=published_on, recorded_at=now
            )
        )
    else:
        existing.summary, existing.published_on = summary, published_on
    session.flush()


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


PUBLISHED_FIELDS_FORM = "receive_report.schema.json"
"""The form whose ``field`` labels name the fields of published results."""
SANCTIONS_FORM = "conclude_verification.schema.json"
"""The form whose labels name the sanctions of published results."""


def publication_fields(services: EngineServices) -> dict[str, str]:
    """The fields (lĩnh vực) published results can be filtered by, with their Vietnamese labels."""
    return services.forms.enum_labels(PUBLISHED_FIELDS_FORM).get("field", {})


def sanction_labels(services: EngineServices) -> dict[str, dict[str, str]]:
    """The Vietnamese labels of the party and state sanctions."""
    return services.forms.enum_labels(SANCTIONS_FORM)


@dataclass(frozen=True)
class PublishedResult:
    """One published result: no names, only what the publication says."""

    tracking_code: str
    unit_name: str
    field: str | None
    received_at: datetime
    completed_at: datetime | None
    published_on: date | None
    summary: str
    party_sanction: str | None
    state_sanction: str | None


@dataclass(frozen=True)
class PublishedPage:
    """A page of published results and the total count."""

    items: list[PublishedResult]
    total: int
    page: int
    page_size: int


def published_results(
    session: Session,
    *,
    unit_id: int | None = None,
    field: str | None = None,
    q: str | None = None,
    page: int = 1,
    page_size: int = 20,
) -> PublishedPage:
    """Published results, newest first, filtered by unit, field and a text search in code and summary."""
    query = (
        select(Case, CasePublication, Unit.name)
        .join(CasePublication, CasePublication.case_id == Case.id)
        .join(Unit, Unit.id == Case.unit_id)
        .where(Case.published_portal.is_(True))
    )
    if unit_id is not None:
        query = query.where(Case.unit_id == unit_id)
    if field:
        query = query.where(Case.field == field)
    if q:
        pattern = contains_pattern(q.lower())
        query = query.where(
            or_(
                func.lower(CasePublication.summary).like(pattern, escape=LIKE_ESCAPE),
                func.lower(Case.tracking_code).like(pattern, escape=LIKE_ESCAPE),
            )
        )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(
        query.order_by(CasePublication.recorded_at.desc(), Case.id.desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    items = [
        PublishedResult(
            tracking_code=case.tracking_code,
            unit_name=unit_name,
            field=case.field,
            received_at=case.created_at,
            completed_at=case.completed_at,
            published_on=_day(publication.published_on),
            summary=publication.summary,
            party_sanction=case.party_sanction,
            state_sanction=case.state_sanction,
        )  # fmt: skip
        for case, publication, unit_name in rows
    ]
    return PublishedPage(items=items, total=total, page=page, page_size=page_size)
