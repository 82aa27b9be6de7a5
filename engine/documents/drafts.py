"""A step's document drafts: the generated draft to download, and the officer's edited draft uploaded back.

The step's task names the kinds it issues. Its draft is the officer's last upload, or else a fresh one from the
template (``render_draft``). A draft of a kind that names a protected person is given in full (audited) only to
those who may read the identity; others get the redacted draft. An upload must be a real DOCX within the size
limit that keeps the ``{{ document_number }}`` placeholder; a draft naming a protected person is stored encrypted.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cases.audit import AuditTrail
from engine.cases.enums import TaskStatus
from engine.cases.queries import visible_task
from engine.core.errors import Conflict, NotFound
from engine.core.models import Case, DocumentDraft, HumanTask
from engine.documents.binding import task_document_kinds
from engine.documents.fill import check_draft
from engine.documents.issuance import identity_bearing
from engine.documents.kinds import KIND_INFO, DocumentKind
from engine.documents.templates import render_draft
from engine.people.auth import Actor
from engine.people.permissions import can_draft_documents, can_read_identity, require
from engine.petitions.identity_access import audit_identity_access
from engine.services import EngineServices


@dataclass(frozen=True)
class StepDocument:
    """One kind a step issues, as its task page lists it: the name and the last upload, if any."""

    kind: str
    name_vi: str
    name_en: str
    uploaded_by: str | None
    uploaded_at: datetime | None


def _open_step(session: Session, actor: Actor, task_id: str) -> tuple[HumanTask, Case]:
    require(can_draft_documents, actor)
    task = visible_task(session, actor, task_id)
    require(can_draft_documents, actor, task)
    if task.state != TaskStatus.READY:
        raise Conflict(f"Bước '{task.name}' không còn mở: bản thảo văn bản chỉ dùng được khi bước chưa hoàn thành")
    case = session.get(Case, task.case_id)
    assert case is not None
    return task, case


def _kind_of_step(session: Session, services: EngineServices, case: Case, task: HumanTask, kind: str) -> str:
    if kind not in task_document_kinds(session, services, case, task):
        raise NotFound(f"Bước '{task.name}' không ban hành văn bản loại '{kind}'")
    return kind


def _upload(session: Session, task_id: str, kind: str) -> DocumentDraft | None:
    return session.scalars(
        select(DocumentDraft).where(DocumentDraft.task_id == task_id, DocumentDraft.kind == kind)
    ).first()


def step_documents(session: Session, services: EngineServices, actor: Actor, task_id: str) -> list[StepDocument]:
    """The kinds the open step issues when completed, each with its last uploaded draft (empty for most steps)."""
    task, case = _open_step(session, actor, task_id)
    listed = []
    for kind in task_document_kinds(session, services, case, task):
        info, upload = KIND_INFO[DocumentKind(kind)], _upload(session, task.id, kind)
        listed.append(
            StepDocument(
                kind,
                info.name_vi,
                info.name_en,
                upload.uploaded_by if upload else None,
                upload.uploaded_at if upload else None,
            )  # fmt: skip
        )
    return listed


def download_draft(session: Session, services: EngineServices, actor: Actor, task_id: str, kind: str) -> bytes:
    """The step's draft of ``kind`` (DOCX): the last upload, else a fresh one; redacted for those who may not read
    the protected identity it names, audited for those who may."""
    task, case = _open_step(session, actor, task_id)
    kind = _kind_of_step(session, services, case, task, kind)
    bearing = identity_bearing(session, case, kind)
    full = not bearing or can_read_identity(actor, case)
    upload = _upload(session, task.id, kind)
    if upload is not None and (full or not upload.sealed):
        content = services.identities.open_bytes(upload.docx) if upload.sealed else upload.docx
    else:
        content = render_draft(session, case_id=case.id, kind=kind, actor=actor, redacted=not full, services=services)
    if bearing and full:
        audit_identity_access(session, services, actor, case, f"document_draft:{task.id}:{kind}")
    return content


def upload_draft(
    session: Session,
    services: EngineServices,
    actor: Actor,
    task_id: str,
    kind: str,
    *,
    filename: str,
    content: bytes,
    max_bytes: int,
) -> DocumentDraft:
    """Keep the officer's edited draft of ``kind`` for the step (replacing an earlier upload); it is issued when
    the step is completed. Refuses (4xx) an empty, oversized or damaged file, or one without its number
    placeholder."""
    task, case = _open_step(session, actor, task_id)
    kind = _kind_of_step(session, services, case, task, kind)
    check_draft(content, filename=filename, max_bytes=max_bytes)
    sealed = identity_bearing(session, case, kind)
    stored = services.identities.seal_bytes(content) if sealed else content
    draft = _upload(session, task.id, kind)
    if draft is None:
        draft = DocumentDraft(case_id=case.id, task_id=task.id, kind=kind)
        session.add(draft)
    draft.docx, draft.sealed, draft.size = stored, sealed, len(content)
    draft.uploaded_by, draft.uploaded_at = actor.username, services.clock.now()
    session.flush()
    trail = AuditTrail(session, case)
    payload = {"kind": kind, "sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}
    trail.append(kind="document_draft_uploaded", actor=actor.username, at=draft.uploaded_at, task_id=task.id,
                 payload=payload)  # fmt: skip
    session.flush()
    trail.write()
    return draft
