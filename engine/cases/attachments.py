"""Evidence files attached to a case: size-limited, stored with their sha256, read only by people of the unit.

A file that shows a protected identity (the handwritten petition, an ID card) is marked ``identity_bearing``:
it is encrypted at rest with the identity vault, and only the case's resolver and custodians can download it
(each download is audited). Everyone else sees it listed as "(được bảo vệ)" and downloads the redacted working
copy instead, when one was uploaded (an attachment whose ``redacted_copy_of`` names it).
"""

import hashlib
from datetime import datetime
from pathlib import PurePath

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cases.audit import AuditTrail
from engine.cases.identity import IdentityVault
from engine.cases.store import CaseStore
from engine.core.errors import BadRequest, PayloadTooLarge
from engine.core.models import Attachment, Case

PROTECTED_FILE_NAME = "tai-lieu-co-danh-tinh-duoc-bao-ve"
"""The name of every identity-bearing file, plus its extension."""


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
    comment_id: int | None = None,
) -> Attachment:
    """Store one file of a case and write ``attachment_added`` to its audit chain; refuse empty (``BadRequest``)
    or oversized (``PayloadTooLarge``) files by name.

    Pass ``vault`` to store an identity-bearing file encrypted; its name is replaced by a neutral one, since a name
    such as "Nguyễn Văn A - đơn.pdf" is itself the identity. ``redacted_copy_of`` marks this file as the redacted
    working copy of such a file of the same case. ``comment_id`` marks a file posted with a comment of the case.
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
    if vault is not None:
        filename = protected_file_name(filename)
    attachment = Attachment(
        case_id=case.id, unit_id=case.unit_id, task_id=task_id, filename=filename[:255] or "file",
        content_type=(content_type or "application/octet-stream")[:128], size=len(content),
        sha256=hashlib.sha256(content).hexdigest(), content=stored, uploaded_by=uploaded_by, uploaded_at=at,
        identity_bearing=vault is not None, redacted_copy_of=redacted_copy_of, comment_id=comment_id,
    )  # fmt: skip
    session.add(attachment)
    session.flush()
    _audit_upload(session, case, attachment)
    return attachment


def protected_file_name(filename: str) -> str:
    """The neutral name an identity-bearing file is kept under: only its extension (if a plain one) survives."""
    extension = PurePath(filename).suffix.lower()
    plain = extension[1:].isascii() and extension[1:].isalnum() and len(extension) <= 8
    return PROTECTED_FILE_NAME + (extension if plain else "")


def _audit_upload(session: Session, case: Case, attachment: Attachment) -> None:
    """The upload as an event of the case's audit chain (the file's sha256, size and whether it shows an identity)."""
    trail = AuditTrail(session, case)
    payload = {"attachment_id": attachment.id, "filename": attachment.filename, "size": attachment.size,
               "sha256": attachment.sha256, "identity_bearing": attachment.identity_bearing,
               "task": attachment.task_id}  # fmt: skip
    if attachment.comment_id is not None:
        payload["comment_id"] = attachment.comment_id
    trail.append(kind="attachment_added", actor=attachment.uploaded_by, at=attachment.uploaded_at, payload=payload)
    if case in session:  # loaded through the ORM: the flush writes the chain's head (and bumps the version)
        session.flush()
    else:  # a case of the runtime, read and written with plain SQL
        CaseStore(session).save_case(case)
    trail.write()


def attachments_of_case(session: Session, case_id: int) -> list[Attachment]:
    """A case's attachments, oldest first (without their content)."""
    return list(session.scalars(select(Attachment).where(Attachment.case_id == case_id).order_by(Attachment.id)))


def redacted_copy(session: Session, attachment: Attachment) -> Attachment | None:
    """The redacted working copy of an identity-bearing file, if one was uploaded."""
    return session.scalars(
        select(Attachment).where(Attachment.redacted_copy_of == attachment.id).order_by(Attachment.id.desc())
    ).first()
