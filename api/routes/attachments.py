"""Evidence files of a case over REST: upload, list and download, with the same rules as the task page."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, File, Form, Response, UploadFile
from pydantic import BaseModel

from api.deps import AppSettings, AttachmentReader, CaseReader, DbSession, Services, commit
from api.schemas import COMMON_RESPONSES, ErrorOut
from engine.cases.evidence import (
    EvidenceFile,
    add_case_attachment,
    case_attachments,
    download_attachment,
)
from engine.core.models import Attachment

router = APIRouter(tags=["attachments"], responses={**COMMON_RESPONSES, 403: {"model": ErrorOut}})
NOT_FOUND = {404: {"model": ErrorOut, "description": "No such case or attachment in your units"}}


class AttachmentOut(BaseModel):
    """One file of a case (without its content); ``identity_bearing`` files are stored encrypted."""

    id: int
    case_id: int
    task_id: str | None
    file_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime
    uploaded_by: str
    identity_bearing: bool
    redacted_copy_of: int | None


def attachment_out(attachment: Attachment) -> AttachmentOut:
    """An attachment as the API shows it."""
    return AttachmentOut(
        id=attachment.id, case_id=attachment.case_id, task_id=attachment.task_id, file_name=attachment.filename,
        content_type=attachment.content_type, size=attachment.size, sha256=attachment.sha256,
        uploaded_at=attachment.uploaded_at, uploaded_by=attachment.uploaded_by,
        identity_bearing=attachment.identity_bearing, redacted_copy_of=attachment.redacted_copy_of,
    )  # fmt: skip


@router.post(
    "/api/cases/{case_id}/attachments",
    status_code=201,
    response_model=AttachmentOut,
    responses={
        **NOT_FOUND,
        400: {"model": ErrorOut, "description": "Empty file, or not a redacted copy of this case's file"},
        409: {"model": ErrorOut, "description": "The case is completed"},
        413: {"model": ErrorOut, "description": "The file is larger than the limit"},
    },
)
async def upload_attachment(
    case_id: int,
    file: Annotated[UploadFile, File(description="the evidence file")],
    session: DbSession,
    services: Services,
    settings: AppSettings,
    actor: CaseReader,
    protected: Annotated[bool, Form(description="the file shows a protected identity: store it encrypted")] = False,
    redacted_copy_of: Annotated[int | None, Form(description="id of the identity-bearing file this redacts")] = None,
) -> AttachmentOut:
    """Attach an evidence file to an open case of my units; its sha256 is stored and the upload is audited."""
    limit = settings.max_attachment_bytes
    evidence = EvidenceFile(
        filename=file.filename or "file", content_type=file.content_type or "", content=await file.read(limit + 1),
        protected=protected,
    )  # fmt: skip
    attachment = add_case_attachment(
        session, services, actor, case_id, evidence, max_bytes=limit, redacted_copy_of=redacted_copy_of
    )
    commit(session)
    return attachment_out(attachment)


@router.get("/api/cases/{case_id}/attachments", response_model=list[AttachmentOut], responses=NOT_FOUND)
def list_attachments(case_id: int, session: DbSession, actor: CaseReader) -> list[AttachmentOut]:
    """The files of a case of my units, oldest first."""
    return [attachment_out(a) for a in case_attachments(session, actor, case_id)]


@router.get(
    "/api/attachments/{attachment_id}",
    response_class=Response,
    responses={**NOT_FOUND, 200: {"content": {"application/octet-stream": {}}, "description": "The file"}},
)
def read_attachment(attachment_id: int, session: DbSession, services: Services, actor: AttachmentReader) -> Response:
    """Download a file; an identity-bearing one only by the case's resolver or a custodian (and audited)."""
    attachment, content = download_attachment(session, services, actor, attachment_id)
    commit(session)  # an identity-bearing file's download is audited
    headers = {"Content-Disposition": f'attachment; filename="{attachment.sha256[:12]}-{attachment.id}"'}
    return Response(content, media_type=attachment.content_type, headers=headers)
