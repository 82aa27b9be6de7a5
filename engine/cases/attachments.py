"""Evidence files attached to a case: size-limited, stored with their sha256, read only by people of the unit.

A file that shows a protected identity (the handwritten petition, an ID card) is marked ``identity_bearing``:
it is encrypted at rest with the identity vault, and only the case's resolver and custodians can download it
(each download is audited). Everyone else sees it listed as "(được bảo vệ)" and downloads the redacted working
copy instead, when one was uploaded (an attachment whose ``redacted_copy_of`` names it).
"""

import hashlib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cases.identity import IdentityVault
from engine.core.errors import BadRequest, PayloadTooLarge
from engine.core.models import Attachment, Case


def attach_file(
    session: Session,
    case: Case,
    *,
    task_id: str | None,
    filename: str,
    content_type: str,
    content: bytes,
    uploaded_by: str,
    at: datetime,
    max_bytes: int,
    vault: IdentityVault | None = None,
    redacted_copy_of: int | None = None,
) -> Attachment:
    """Store one file of a case; refuse empty (``BadRequest``) or oversized (``PayloadTooLarge``) files by name.

    Pass ``vault`` to store an identity-bearing file encrypted; ``redacted_copy_of`` marks this file as the
    redacted working copy of such a file of the same case.
    """
    if not content:
        raise BadRequest(f"File '{filename}' is empty")
    if len(content) > max_bytes:
        raise PayloadTooLarge(f"File '{filename}' is {len(content)} bytes; the limit is {max_bytes} bytes")
    if redacted_copy_of is not None:
        original = session.get(Attachment, redacted_copy_of)
        if original is None or original.case_id != case.id or not original.identity_bearing:
            raise BadRequest(f"Attachment {redacted_copy_of} is not an identity-bearing file of {case.tracking_code}")
    stored = vault.seal_bytes(content) if vault is not None else content
    attachment = Attachment(
        case_id=case.id, unit_id=case.unit_id, task_id=task_id, filename=filename[:255] or "file",
        content_type=(content_type or "application/octet-stream")[:128], size=len(content),
        sha256=hashlib.sha256(content).hexdigest(), content=stored, uploaded_by=uploaded_by, uploaded_at=at,
        identity_bearing=vault is not None, redacted_copy_of=redacted_copy_of,
    )  # fmt: skip
    session.add(attachment)
    session.flush()
    return attachment


def attachments_of_case(session: Session, case_id: int) -> list[Attachment]:
    """A case's attachments, oldest first (without their content)."""
    return list(session.scalars(select(Attachment).where(Attachment.case_id == case_id).order_by(Attachment.id)))


def redacted_copy(session: Session, attachment: Attachment) -> Attachment | None:
    """The redacted working copy of an identity-bearing file, if one was uploaded."""
    return session.scalars(
        select(Attachment).where(Attachment.redacted_copy_of == attachment.id).order_by(Attachment.id.desc())
    ).first()
