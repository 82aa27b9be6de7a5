"""Official documents over REST: a case's documents and their copies, a step's drafts, a unit's register."""

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, File, Query, Response, UploadFile
from pydantic import BaseModel

from api.deps import AppSettings, DbSession, Services, allowed, commit
from api.schemas import COMMON_RESPONSES, ErrorOut
from engine.core.models import IssuedDocument
from engine.documents.drafts import download_draft, step_documents, upload_draft
from engine.documents.kinds import KIND_INFO, DocumentKind
from engine.documents.queries import FORMATS, document_copy, documents_of_case, register_entries, unit_by_code
from engine.documents.register_export import register_xlsx
from engine.people.auth import Actor
from engine.people.permissions import can_draft_documents, can_read_documents, can_read_registers

router = APIRouter(tags=["documents"], responses={**COMMON_RESPONSES, 403: {"model": ErrorOut}})
DocumentReader = Annotated[Actor, allowed(can_read_documents)]
DraftEditor = Annotated[Actor, allowed(can_draft_documents)]
RegistersReader = Annotated[Actor, allowed(can_read_registers)]
NOT_FOUND = {404: {"model": ErrorOut, "description": "No such case, document, task, kind or unit in your units"}}
CLOSED = {409: {"model": ErrorOut, "description": "The step is no longer open"}}
DOCX = FORMATS["docx"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class DocumentOut(BaseModel):
    """One document a case issued (without its files)."""

    id: int
    case_id: int | None
    kind: str
    kind_name: str
    number: int
    symbol: str
    title: str
    issued_on: date
    issued_at: datetime
    issued_by: str
    signer_name: str
    sha256: str
    signed: bool
    identity_bearing: bool


def document_out(document: IssuedDocument) -> DocumentOut:
    """A document as the API shows it."""
    return DocumentOut(
        id=document.id, case_id=document.case_id, kind=document.kind,
        kind_name=KIND_INFO[DocumentKind(document.kind)].name_vi, number=document.number, symbol=document.symbol,
        title=document.title, issued_on=document.issued_on, issued_at=document.issued_at,
        issued_by=document.issued_by, signer_name=document.signer_name, sha256=document.sha256,
        signed=document.signed, identity_bearing=document.identity_bearing,
    )  # fmt: skip


class StepDocumentOut(BaseModel):
    """A kind the open step issues when completed, with the last uploaded draft's author and time."""

    kind: str
    kind_name: str
    uploaded_by: str | None
    uploaded_at: datetime | None


class RegisterLineOut(DocumentOut):
    """One line of a register: the document and the tracking code of its case."""

    tracking_code: str | None


def _file(content: bytes, media_type: str, filename: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(content, media_type=media_type, headers=headers)


@router.get("/api/cases/{case_id}/documents", response_model=list[DocumentOut], responses=NOT_FOUND)
def list_case_documents(case_id: int, session: DbSession, actor: DocumentReader) -> list[DocumentOut]:
    """The official documents a case of my units issued, oldest first."""
    return [document_out(d) for d in documents_of_case(session, actor, case_id)]


def _copy(session, services, actor, document_id: int, fmt: str) -> Response:
    copy = document_copy(session, services, actor, document_id, fmt=fmt)
    commit(session)  # the full copy of a document naming a protected person is audited
    return _file(copy.content, copy.media_type, copy.filename)


@router.get(
    "/api/documents/{document_id}.pdf",
    response_class=Response,
    responses={**NOT_FOUND, 200: {"content": {"application/pdf": {}}, "description": "The signed PDF"}},
)
def read_document_pdf(document_id: int, session: DbSession, services: Services, actor: DocumentReader) -> Response:
    """The signed PDF; of a document naming a protected person, the full copy only for those who may read the
    identity (audited), the redacted copy for everyone else."""
    return _copy(session, services, actor, document_id, "pdf")


@router.get(
    "/api/documents/{document_id}.docx",
    response_class=Response,
    responses={**NOT_FOUND, 200: {"content": {DOCX: {}}, "description": "The issued DOCX"}},
)
def read_document_docx(document_id: int, session: DbSession, services: Services, actor: DocumentReader) -> Response:
    """The issued DOCX; of a document naming a protected person, only for those who may read the identity."""
    return _copy(session, services, actor, document_id, "docx")


@router.get("/api/tasks/{task_id}/documents", response_model=list[StepDocumentOut], responses={**NOT_FOUND, **CLOSED})
def list_step_documents(
    task_id: str, session: DbSession, services: Services, actor: DraftEditor
) -> list[StepDocumentOut]:
    """The document kinds an open step of mine issues when completed, with its uploaded drafts."""
    return [
        StepDocumentOut(kind=d.kind, kind_name=d.name_vi, uploaded_by=d.uploaded_by, uploaded_at=d.uploaded_at)
        for d in step_documents(session, services, actor, task_id)
    ]


@router.get(
    "/api/tasks/{task_id}/documents/{kind}/draft",
    response_class=Response,
    responses={**NOT_FOUND, **CLOSED, 200: {"content": {DOCX: {}}, "description": "The draft (DOCX)"}},
)
def read_draft(task_id: str, kind: str, session: DbSession, services: Services, actor: DraftEditor) -> Response:
    """The step's draft of ``kind``: my last upload, else a fresh one from the template; the number and date
    stay as ``{{ document_number }}`` and ``{{ issued_on_text }}`` until the step is completed."""
    content = download_draft(session, services, actor, task_id, kind)
    commit(session)  # a full draft naming a protected person is audited
    return _file(content, DOCX, f"ban-thao-{kind}.docx")


@router.put(
    "/api/tasks/{task_id}/documents/{kind}/draft",
    response_model=StepDocumentOut,
    responses={
        **NOT_FOUND,
        **CLOSED,
        400: {"model": ErrorOut, "description": "Not a DOCX, damaged, or without {{ document_number }}"},
        413: {"model": ErrorOut, "description": "The file is larger than the limit"},
    },
)
async def put_draft(
    task_id: str,
    kind: str,
    file: Annotated[UploadFile, File(description="the edited draft (DOCX)")],
    session: DbSession,
    services: Services,
    settings: AppSettings,
    actor: DraftEditor,
) -> StepDocumentOut:
    """Upload my edited draft of ``kind`` (it replaces an earlier one); completing the step issues it."""
    limit = settings.max_attachment_bytes
    content = await file.read(limit + 1)
    draft = upload_draft(
        session, services, actor, task_id, kind, filename=file.filename or "draft.docx", content=content,
        max_bytes=limit,
    )  # fmt: skip
    commit(session)
    return StepDocumentOut(
        kind=draft.kind, kind_name=KIND_INFO[DocumentKind(draft.kind)].name_vi, uploaded_by=draft.uploaded_by,
        uploaded_at=draft.uploaded_at,
    )  # fmt: skip


def _register(session, actor, unit: str, year: int, kind: str | None, q: str | None):
    found = unit_by_code(session, unit)
    return found, register_entries(session, actor, unit_id=found.id, year=year, kind=kind, q=q)


UNIT = Query(description="the unit's code", max_length=64)
YEAR = Query(ge=2000, le=2100)
KIND = Query(description="one kind of document", max_length=48)
SEARCH = Query(description="words of the symbol or the summary", max_length=200)


@router.get("/api/registers", response_model=list[RegisterLineOut], responses=NOT_FOUND)
def read_register(
    session: DbSession,
    actor: RegistersReader,
    unit: Annotated[str, UNIT],
    year: Annotated[int, YEAR],
    kind: Annotated[str | None, KIND] = None,
    q: Annotated[str | None, SEARCH] = None,
) -> list[RegisterLineOut]:
    """The register of outgoing documents (sổ văn bản đi) of a unit of mine for a year, by kind and number."""
    _unit, entries = _register(session, actor, unit, year, kind, q)
    return [RegisterLineOut(**document_out(e.document).model_dump(), tracking_code=e.tracking_code) for e in entries]


@router.get(
    "/api/registers.xlsx",
    response_class=Response,
    responses={**NOT_FOUND, 200: {"content": {XLSX: {}}, "description": "The register as a workbook"}},
)
def export_register(
    session: DbSession,
    services: Services,
    actor: RegistersReader,
    unit: Annotated[str, UNIT],
    year: Annotated[int, YEAR],
    kind: Annotated[str | None, KIND] = None,
    q: Annotated[str | None, SEARCH] = None,
) -> Response:
    """The same register as an XLSX workbook."""
    found, entries = _register(session, actor, unit, year, kind, q)
    content = register_xlsx(found, year, entries, generated_at=services.clock.now().astimezone(services.calendar.zone))
    return _file(content, XLSX, f"so-van-ban-di-{found.code}-{year}.xlsx")
