"""Evidence use cases: completing a task with its files, adding a file to a case, and downloading one.

The task page and the REST API call these same functions, so both store the same sha256, refuse the same
oversized files (413) and apply the same protected-identity rule on download.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from engine.cases.attachments import attach_file, attachments_of_case
from engine.cases.queries import visible_case
from engine.cases.runtime import CaseRuntime
from engine.core.errors import Conflict, NotFound
from engine.core.models import Attachment, Case
from engine.people.auth import Actor
from engine.petitions.identity_access import attachment_content
from engine.services import EngineServices


@dataclass(frozen=True)
class EvidenceFile:
    """One uploaded file; ``protected`` marks a file that shows an identity (stored encrypted)."""

    filename: str
    content_type: str
    content: bytes
    protected: bool = False


def _attach(
    session: Session,
    services: EngineServices,
    actor: Actor,
    case: Case,
    evidence: EvidenceFile,
    *,
    task_id: str | None,
    max_bytes: int,
    redacted_copy_of: int | None = None,
) -> Attachment:
    return attach_file(
        session, case, task_id=task_id, filename=evidence.filename, content_type=evidence.content_type,
        content=evidence.content, uploaded_by=actor.username, at=services.clock.now(), max_bytes=max_bytes,
        vault=services.identities if evidence.protected else None, redacted_copy_of=redacted_copy_of,
    )  # fmt: skip


def complete_task_with_evidence(
    session: Session,
    services: EngineServices,
    actor: Actor,
    task_id: str,
    data: dict,
    *,
    files: Sequence[EvidenceFile] = (),
    max_bytes: int,
) -> Case:
    """Submit a task's form and attach its evidence files to the case, in the caller's transaction.

    Raises ``InvalidFormData`` for bad form data, ``PayloadTooLarge`` for a file over ``max_bytes`` and
    ``BadRequest`` for an empty file; the caller rolls back so that nothing of the submission is kept.
    """
    case = CaseRuntime(session, services).complete_task(actor, task_id, data)
    for evidence in files:
        _attach(session, services, actor, case, evidence, task_id=task_id, max_bytes=max_bytes)
    return case


def add_case_attachment(
    session: Session,
    services: EngineServices,
    actor: Actor,
    case_id: int,
    evidence: EvidenceFile,
    *,
    max_bytes: int,
    redacted_copy_of: int | None = None,
) -> Attachment:
    """Attach one file to an open case of the actor's units, outside any task; the upload is audited."""
    case = visible_case(session, actor, case_id)
    if case.status == "completed":
        raise Conflict(f"Case {case.tracking_code} is completed; files can no longer be attached")
    return _attach(
        session, services, actor, case, evidence, task_id=None, max_bytes=max_bytes, redacted_copy_of=redacted_copy_of
    )


def case_attachments(session: Session, actor: Actor, case_id: int) -> list[Attachment]:
    """The attachments of a case of the actor's units, oldest first."""
    return attachments_of_case(session, visible_case(session, actor, case_id).id)


def download_attachment(
    session: Session, services: EngineServices, actor: Actor, attachment_id: int, *, case_id: int | None = None
) -> tuple[Attachment, bytes]:
    """An attachment of a case the actor may see, with its bytes.

    An identity-bearing file is only for the case's resolver and custodians, decrypted and audited (403 for
    everyone else). With ``case_id`` the attachment must belong to that case.
    """
    attachment = session.get(Attachment, attachment_id)
    if attachment is None or (case_id is not None and attachment.case_id != case_id):
        where = f" on case {case_id}" if case_id is not None else ""
        raise NotFound(f"Attachment {attachment_id} does not exist{where}")
    case = visible_case(session, actor, attachment.case_id)
    return attachment, attachment_content(session, services, actor, case, attachment)
