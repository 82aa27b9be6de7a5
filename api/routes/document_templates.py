"""The official document templates over REST (designers): kinds, uploaded versions, the one in use, downloads and
previews with a real case's data."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, File, Form, Response, UploadFile
from pydantic import BaseModel

from api.deps import DbSession, Designer, Services, commit
from api.schemas import COMMON_RESPONSES, ErrorOut
from engine.core.models import DocumentTemplate
from engine.documents.template_preview import preview_docx, preview_fields, template_kinds
from engine.documents.template_store import (
    DOCX_MEDIA,
    MAX_TEMPLATE_BYTES,
    activate_template,
    template_file,
    template_versions,
    upload_template,
)

router = APIRouter(
    prefix="/api/document-templates",
    tags=["documents"],
    responses={**COMMON_RESPONSES, 403: {"model": ErrorOut}, 404: {"model": ErrorOut, "description": "No such kind"}},
)
DOCX_RESPONSE = {200: {"content": {DOCX_MEDIA: {}}, "description": "The DOCX file"}}


class TemplateKindOut(BaseModel):
    """A kind of document and the template it renders with (``active_version`` 0: the committed file)."""

    kind: str
    name_vi: str
    name_en: str
    identity_bearing: bool
    active_version: int
    versions: int
    variables: list[str]


class TemplateVersionOut(BaseModel):
    """An uploaded version of a kind's template."""

    kind: str
    version: int
    filename: str
    size: int
    variables: list[str]
    uploaded_by: str
    uploaded_at: datetime
    active: bool


class ActiveTemplateOut(BaseModel):
    """The version a kind renders with now (0: the committed file)."""

    kind: str
    active_version: int


class FilledFieldOut(BaseModel):
    """One placeholder and the case's value for it (``filled`` False: a dotted blank in the draft)."""

    name: str
    value: str
    filled: bool


def version_out(row: DocumentTemplate) -> TemplateVersionOut:
    """The API view of an uploaded version."""
    return TemplateVersionOut(
        kind=row.kind, version=row.version, filename=row.filename, size=row.size, variables=list(row.variables),
        uploaded_by=row.uploaded_by, uploaded_at=row.uploaded_at, active=row.active,
    )  # fmt: skip


def _docx(content: bytes, name: str) -> Response:
    return Response(content, media_type=DOCX_MEDIA, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("", response_model=list[TemplateKindOut])
def read_template_kinds(session: DbSession, actor: Designer) -> list[TemplateKindOut]:
    """Every kind of document with the template version in use and the fields it prints."""
    return [TemplateKindOut(**vars(kind)) for kind in template_kinds(session, actor)]


@router.get("/{kind}/versions", response_model=list[TemplateVersionOut])
def read_template_versions(kind: str, session: DbSession, actor: Designer) -> list[TemplateVersionOut]:
    """The uploaded versions of a kind's template, newest first."""
    return [version_out(row) for row in template_versions(session, actor, kind=kind)]


@router.post(
    "/{kind}/versions",
    status_code=201,
    response_model=TemplateVersionOut,
    responses={
        400: {"model": ErrorOut, "description": "Not a DOCX, or its placeholders do not parse"},
        413: {"model": ErrorOut, "description": "The file is larger than the limit"},
    },
)
async def upload_template_version(
    kind: str,
    file: Annotated[UploadFile, File(description="the DOCX template (docxtpl placeholders)")],
    session: DbSession,
    services: Services,
    actor: Designer,
    activate: Annotated[bool, Form(description="use this version from now on")] = True,
) -> TemplateVersionOut:
    """Upload a new version of a kind's template; it is checked and, unless ``activate`` is false, used at once."""
    content = await file.read(MAX_TEMPLATE_BYTES + 1)
    row = upload_template(
        session, actor, kind=kind, filename=file.filename or "", content=content, now=services.clock.now(),
        activate=activate,
    )  # fmt: skip
    commit(session)
    return version_out(row)


@router.post("/{kind}/versions/{version}/activate", response_model=ActiveTemplateOut)
def activate_template_version(
    kind: str, version: int, session: DbSession, services: Services, actor: Designer
) -> ActiveTemplateOut:
    """Render the kind with this version from now on (version 0: the committed template)."""
    source = activate_template(session, actor, kind=kind, version=version, now=services.clock.now())
    commit(session)
    return ActiveTemplateOut(kind=source.kind.value, active_version=source.version)


@router.get("/{kind}/versions/{version}/file", response_class=Response, responses=DOCX_RESPONSE)
def download_template_version(kind: str, version: int, session: DbSession, actor: Designer) -> Response:
    """Download one version of a kind's template (version 0: the committed template)."""
    source = template_file(session, actor, kind=kind, version=version)
    return _docx(source.docx, f"{source.kind.value}-v{source.version}.docx")


@router.get("/{kind}/preview/{case_id}", response_class=Response, responses=DOCX_RESPONSE)
def preview_template(
    kind: str, case_id: int, session: DbSession, services: Services, actor: Designer, version: int | None = None
) -> Response:
    """The template (the one in use, or ``version``) filled with a case's data, protected names left out."""
    content = preview_docx(session, services, actor, kind=kind, case_id=case_id, version=version)
    return _docx(content, f"{kind}-case-{case_id}.docx")


@router.get("/{kind}/preview/{case_id}/fields", response_model=list[FilledFieldOut])
def preview_template_fields(
    kind: str, case_id: int, session: DbSession, services: Services, actor: Designer, version: int | None = None
) -> list[FilledFieldOut]:
    """The template's placeholders and what the case fills them with, protected names left out."""
    fields = preview_fields(session, services, actor, kind=kind, case_id=case_id, version=version)
    return [FilledFieldOut(**vars(field)) for field in fields]
