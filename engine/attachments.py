"""Evidence files attached to a case: size-limited, stored with their sha256, read only by people of the unit."""

import hashlib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import BadRequest
from engine.models import Attachment, Case


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
) -> Attachment:
    """Store one file of a case; refuse empty or oversized files with a message naming the file."""
    if not content:
        raise BadRequest(f"File '{filename}' is empty")
    if len(content) > max_bytes:
        raise BadRequest(f"File '{filename}' is {len(content)} bytes; the limit is {max_bytes} bytes")
    attachment = Attachment(
        case_id=case.id, unit_id=case.unit_id, task_id=task_id, filename=filename[:255] or "file",
        content_type=(content_type or "application/octet-stream")[:128], size=len(content),
        sha256=hashlib.sha256(content).hexdigest(), content=content, uploaded_by=uploaded_by, uploaded_at=at,
    )  # fmt: skip
    session.add(attachment)
    session.flush()
    return attachment


def attachments_of_case(session: Session, case_id: int) -> list[Attachment]:
    """A case's attachments, oldest first (without their content)."""
    return list(session.scalars(select(Attachment).where(Attachment.case_id == case_id).order_by(Attachment.id)))
