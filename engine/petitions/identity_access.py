"""Who may read a protected identity, and the audited read itself (Luật Tố cáo Điều 9, 47, 56).

Who may read is the policy's ``can_read_identity`` (engine/people/permissions.py): the case's **resolver** —
a supervisor of the case's unit or of a unit above it (the people who approve its conclusion) — and a
**custodian** (role ``custodian``) of the case's unit or of a unit above it.
Everyone else gets 403, and every page shows "(được bảo vệ)" in place of the protected fields. Each read,
allowed or not found, is written to the case's audit chain as ``identity_read`` (without the identity).
"""

from sqlalchemy.orm import Session

from engine.cases.audit import AuditTrail
from engine.core.models import Attachment, Case
from engine.people.auth import Actor
from engine.people.permissions import can_read_identity, require, require_attachment_reader
from engine.petitions.identity import PROTECTED_FIELDS, PROTECTED_MARK
from engine.services import EngineServices


def require_identity_reader(actor: Actor, case: Case) -> None:
    """Raise Forbidden unless the policy's ``can_read_identity`` lets the actor read the case's identity."""
    require(can_read_identity, actor, case)


def audit_identity_access(session: Session, services: EngineServices, actor: Actor, case: Case, what: str) -> None:
    """Append an ``identity_read`` event to the case's chain (``case`` must be a session-attached row)."""
    trail = AuditTrail(session, case)
    trail.append(kind="identity_read", actor=actor.username, at=services.clock.now(), payload={"what": what})
    session.flush()
    trail.write()


def read_identity(session: Session, services: EngineServices, actor: Actor, case: Case) -> dict | None:
    """The decrypted identity of a case for a permitted reader; the read is audited. None = anonymous."""
    require_identity_reader(actor, case)
    identity = services.identities.open(session, case)
    audit_identity_access(session, services, actor, case, "identity" if identity is not None else "anonymous")
    return identity


def redacted(data: dict) -> dict:
    """A working copy of case data with every protected field replaced by the marker.

    Only the structured identity fields are redacted; free text (the petition's content) is not scanned.
    """
    return {key: (PROTECTED_MARK if key in PROTECTED_FIELDS and value else value) for key, value in data.items()}


def attachment_content(
    session: Session, services: EngineServices, actor: Actor, case: Case, attachment: Attachment
) -> bytes:
    """The bytes of an attachment; an identity-bearing one only for identity readers, decrypted and audited."""
    require_attachment_reader(actor, case, attachment)
    if not attachment.identity_bearing:
        return attachment.content
    audit_identity_access(session, services, actor, case, f"attachment:{attachment.id}")
    return services.identities.open_bytes(attachment.content)
