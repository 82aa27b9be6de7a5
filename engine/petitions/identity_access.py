"""Who may read a protected identity, and the audited read itself (Luật Tố cáo Điều 9, 47, 56).

Readers are the case's **resolver** — a supervisor of the case's unit or of a unit above it (the people who
approve its conclusion) — and a **custodian** (role ``custodian``) of the case's unit or of a unit above it.
Everyone else is refused (Forbidden), and every page shows "(được bảo vệ)" in place of the protected fields. Each read,
allowed or not found, is written to the case's audit chain as ``identity_read`` (without the identity).
"""

from sqlalchemy.orm import Session

from engine.cases.audit import AuditTrail
from engine.core.errors import Forbidden
from engine.core.models import Attachment, Case
from engine.people.auth import Actor
from engine.petitions.identity import PROTECTED_FIELDS, PROTECTED_MARK
from engine.services import EngineServices

IDENTITY_READER_ROLES = ("supervisor", "custodian")


def can_read_identity(actor: Actor, case: Case) -> bool:
    """True for a supervisor (the resolver) or custodian of the case's unit or of a unit above it."""
    return actor.has_role(*IDENTITY_READER_ROLES) and actor.sees_unit(case.unit_id)


def require_identity_reader(actor: Actor, case: Case) -> None:
    """Raise Forbidden unless the actor may read the case's protected identity."""
    if not can_read_identity(actor, case):
        raise Forbidden(
            f"Danh tính được bảo vệ của hồ sơ {case.tracking_code} chỉ người giải quyết (lãnh đạo đơn vị) "
            f"và người lưu giữ danh tính được xem; {actor.username} không có quyền này"
        )


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
    if not attachment.identity_bearing:
        return attachment.content
    require_identity_reader(actor, case)
    audit_identity_access(session, services, actor, case, f"attachment:{attachment.id}")
    return services.identities.open_bytes(attachment.content)
