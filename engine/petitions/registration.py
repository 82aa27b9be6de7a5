"""The reception desk's use cases: register a visit or a written petition, and read the visits register (sổ).

Shared by the reception pages and the JSON API. A registration starts a triage case (``petition_triage``) from the
register form; the scanned petition is stored encrypted as identity-bearing, its redacted copy in the clear.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cases.attachments import attach_file
from engine.cases.runtime import CaseRuntime
from engine.cases.uploads import Upload
from engine.core.errors import BadRequest
from engine.core.models import Case
from engine.people.auth import Actor
from engine.people.permissions import can_read_identity, can_read_visits_register
from engine.petitions.identity import PROTECTED_MARK
from engine.petitions.identity_access import audit_identity_access
from engine.petitions.matters import TRIAGE_PROCESS
from engine.petitions.reception import (
    REGISTER_FORMS,
    REGISTER_ROWS,
    petition_intake,
    require_reception_desk,
    require_register_reader,
)
from engine.services import EngineServices

NOT_GIVEN = "—"


def register_petition(
    session: Session,
    services: EngineServices,
    actor: Actor,
    *,
    form: str,
    register: dict,
    max_bytes: int,
    unit_id: int | None = None,
    scan: Upload | None = None,
    redacted_scan: Upload | None = None,
) -> Case:
    """Register a petition from a reception form (``visit`` or ``written``); the caller commits.

    Raises ``InvalidFormData`` for a bad register entry, ``BadRequest`` for an unknown form or a redacted copy
    without its original, ``Forbidden`` for someone who does not work at the reception desk.
    """
    require_reception_desk(actor)
    services.forms.validate(reception_form(form), register)
    channel = "visit" if form == "visit" else register["channel"]
    case = CaseRuntime(session, services).start_case(
        actor, process_key=TRIAGE_PROCESS, data=petition_intake(register, channel=channel), unit_id=unit_id
    )
    _attach_scans(session, services, actor, case, scan=scan, redacted_scan=redacted_scan, max_bytes=max_bytes)
    return case


def register_visit(
    session: Session,
    services: EngineServices,
    actor: Actor,
    *,
    register: dict,
    max_bytes: int,
    unit_id: int | None = None,
    scan: Upload | None = None,
    redacted_scan: Upload | None = None,
) -> Case:
    """Register a citizen's visit to the reception desk (``register_petition`` with the visit form)."""
    return register_petition(
        session, services, actor, form="visit", register=register, max_bytes=max_bytes, unit_id=unit_id, scan=scan,
        redacted_scan=redacted_scan,
    )  # fmt: skip


def reception_form(form: str) -> str:
    """The register form's schema name of a reception tab; ``BadRequest`` naming the known ones otherwise."""
    if form not in REGISTER_FORMS:
        raise BadRequest(f"Unknown reception form '{form}'; use one of {', '.join(REGISTER_FORMS)}")
    return REGISTER_FORMS[form]


def _attach_scans(
    session: Session,
    services: EngineServices,
    actor: Actor,
    case: Case,
    *,
    scan: Upload | None,
    redacted_scan: Upload | None,
    max_bytes: int,
) -> None:
    """The scanned petition (identity-bearing: encrypted, resolver and custodian only) and its redacted copy."""
    now = services.clock.now()
    original = None
    if scan is not None:
        original = attach_file(
            session, case, filename=scan.filename, content_type=scan.content_type, content=scan.content,
            vault=services.identities, task_id=None, uploaded_by=actor.username, at=now, max_bytes=max_bytes,
        )  # fmt: skip
    if redacted_scan is not None:
        if original is None:
            raise BadRequest("Bản che danh tính chỉ được tải lên kèm bản gốc của đơn")
        attach_file(
            session, case, filename=redacted_scan.filename, content_type=redacted_scan.content_type,
            content=redacted_scan.content, redacted_copy_of=original.id, task_id=None, uploaded_by=actor.username,
            at=now, max_bytes=max_bytes,
        )  # fmt: skip


def registered_case(session: Session, actor: Actor, case_id: int) -> Case | None:
    """A case just registered at the desk, when the actor sees its unit (the page shows its tracking code)."""
    case = session.get(Case, case_id)
    return case if case is not None and actor.sees_unit(case.unit_id) else None


@dataclass(frozen=True)
class VisitEntry:
    """One line of the visits register; the petitioner's fields hold the marker unless revealed."""

    case: Case
    data: dict
    name: str
    address: str
    id_number: str
    identity_protected: bool

    @property
    def received_on(self) -> str | None:
        """The day of the visit as registered."""
        return self.data.get("received_on")

    @property
    def created_at(self) -> datetime:
        """When the visit was registered."""
        return self.case.created_at


def may_reveal_register(actor: Actor) -> bool:
    """Whether the actor may read the visits register with identities."""
    return can_read_visits_register(actor) and can_read_identity(actor)


def visits_register(
    session: Session, services: EngineServices, actor: Actor, *, reveal: bool = False, limit: int = REGISTER_ROWS
) -> list[VisitEntry]:
    """The visits of the actor's units, newest first.

    Protected fields show the marker; with ``reveal`` (resolver and custodian only) they show the identity, and
    each case read is audited (the caller commits).
    """
    require_register_reader(actor, reveal=reveal)
    cases = session.scalars(
        select(Case)
        .where(Case.process_key == TRIAGE_PROCESS, Case.source == "visit", Case.unit_id.in_(actor.visible_unit_ids))
        .order_by(Case.created_at.desc(), Case.id.desc())
        .limit(limit)
    ).all()
    runtime = CaseRuntime(session, services)
    entries = []
    for case in cases:
        data = runtime.current_data(case)
        petitioner: dict = {}
        if reveal and can_read_identity(actor, case):
            identity = services.identities.open(session, case) or {}
            audit_identity_access(session, services, actor, case, "visits_register")
            petitioner = identity.get("petitioner") or {}
        protected = data.get("petitioner") == PROTECTED_MARK
        hidden = PROTECTED_MARK if protected else NOT_GIVEN
        entries.append(
            VisitEntry(
                case=case, data=data, name=petitioner.get("name") or hidden,
                address=petitioner.get("address") or hidden, id_number=petitioner.get("id_number") or hidden,
                identity_protected=protected,
            )
        )  # fmt: skip
    return entries
