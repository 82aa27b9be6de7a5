"""The designer's document template pages: the kinds, a kind's versions, upload, the version in use, downloads and
a preview with a real case's data. The same engine functions as /api/document-templates."""

from fastapi import APIRouter, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

import api.web.document_texts  # noqa: F401  (adds the pages' texts to the table)
from api.web.context import Page, WebPage
from api.web.query_values import parse_id
from engine.core.errors import BadRequest, PayloadTooLarge
from engine.documents.kinds import KIND_INFO
from engine.documents.template_preview import preview_docx, preview_fields, template_kinds
from engine.documents.template_store import (
    DOCX_MEDIA,
    MAX_TEMPLATE_BYTES,
    activate_template,
    kind_of,
    template_file,
    template_versions,
    upload_template,
)
from engine.people.permissions import can_design, require

router = APIRouter(include_in_schema=False)


def _kind_page(page: Page, kind: str, status_code: int = 200, **context: object) -> HTMLResponse:
    found = kind_of(kind)
    summary = next(k for k in template_kinds(page.session, page.actor) if k.kind == found.value)
    versions = template_versions(page.session, page.actor, kind=found.value)
    return page.render(
        "document_template.html", status_code, kind=summary, info=KIND_INFO[found], versions=versions, **context
    )


def _case_id(value: str | None) -> int:
    case_id = parse_id(value)
    if case_id is None:
        raise BadRequest("Số hồ sơ phải là một số nguyên dương")
    return case_id


@router.get("/designer/documents", response_class=HTMLResponse)
def document_templates_page(page: WebPage) -> HTMLResponse:
    """Every kind of document with the template in use."""
    require(can_design, page.actor)
    return page.render("document_templates.html", kinds=template_kinds(page.session, page.actor))


@router.get("/designer/documents/{kind}", response_class=HTMLResponse)
def document_template_page(kind: str, page: WebPage) -> HTMLResponse:
    """One kind: the fields its template prints, its uploaded versions, the upload and preview forms."""
    require(can_design, page.actor)
    return _kind_page(page, kind)


@router.post("/designer/documents/{kind}", response_class=HTMLResponse)
async def upload_document_template(kind: str, page: WebPage, file: UploadFile | None = None) -> Response:
    """Upload a new version; a bad file comes back on the page with why (400)."""
    require(can_design, page.actor)
    await page.check_csrf()
    form = await page.request.form()
    if file is None or not file.filename:
        raise BadRequest("Hãy chọn tệp mẫu DOCX để tải lên")
    content = await file.read(MAX_TEMPLATE_BYTES + 1)
    try:
        row = upload_template(
            page.session, page.actor, kind=kind, filename=file.filename, content=content,
            now=page.services.clock.now(), activate=form.get("activate") == "on",
        )  # fmt: skip
    except BadRequest as refused:
        return _kind_page(page, kind, 413 if isinstance(refused, PayloadTooLarge) else 400, refused=refused.message)
    page.session.commit()
    return RedirectResponse(f"/designer/documents/{row.kind}?uploaded={row.version}", status_code=303)


@router.post("/designer/documents/{kind}/activate")
async def activate_document_template(kind: str, page: WebPage) -> RedirectResponse:
    """Use one version from now on (0: the built-in template)."""
    require(can_design, page.actor)
    await page.check_csrf()
    form = await page.request.form()
    raw = form.get("version")
    version = 0 if raw == "0" else parse_id(raw)
    if version is None:
        raise BadRequest("Hãy chọn phiên bản mẫu")
    source = activate_template(page.session, page.actor, kind=kind, version=version, now=page.services.clock.now())
    page.session.commit()
    return RedirectResponse(f"/designer/documents/{source.kind.value}?activated={source.version}", status_code=303)


@router.get("/designer/documents/{kind}/file")
def download_document_template(kind: str, page: WebPage, version: str | None = None) -> Response:
    """Download a version (0: the built-in template; none: the one in use)."""
    require(can_design, page.actor)
    number = None if version is None else (0 if version == "0" else parse_id(version))
    if version is not None and number is None:
        raise BadRequest("Phiên bản mẫu phải là một số nguyên")
    source = template_file(page.session, page.actor, kind=kind, version=number)
    headers = {"Content-Disposition": f'attachment; filename="{source.kind.value}-v{source.version}.docx"'}
    return Response(source.docx, media_type=DOCX_MEDIA, headers=headers)


@router.get("/designer/documents/{kind}/preview", response_class=HTMLResponse)
def preview_document_template(kind: str, page: WebPage, case_id: str | None = None) -> HTMLResponse:
    """The fields the template in use fills from a case, with a link to the filled DOCX."""
    require(can_design, page.actor)
    number = _case_id(case_id)
    fields = preview_fields(page.session, page.services, page.actor, kind=kind, case_id=number)
    return _kind_page(page, kind, preview_case=number, fields=fields)


@router.get("/designer/documents/{kind}/preview.docx")
def preview_document_template_docx(kind: str, page: WebPage, case_id: str | None = None) -> Response:
    """The template in use filled with a case's data (protected details left out), as DOCX."""
    require(can_design, page.actor)
    number = _case_id(case_id)
    content = preview_docx(page.session, page.services, page.actor, kind=kind, case_id=number)
    headers = {"Content-Disposition": f'attachment; filename="{kind_of(kind).value}-ho-so-{number}.docx"'}
    return Response(content, media_type=DOCX_MEDIA, headers=headers)
