"""Pages of the official documents: a step's drafts (download, upload), a case's documents, the registers."""

from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from api.web import issued_document_texts  # noqa: F401  (adds the texts of these pages)
from api.web.context import Page, WebPage
from engine.cases.queries import visible_task
from engine.core.errors import BadRequest, PayloadTooLarge
from engine.core.models import Unit
from engine.documents.drafts import download_draft, step_documents, upload_draft
from engine.documents.kinds import KIND_INFO, DocumentKind
from engine.documents.queries import document_copy, documents_of_case, register_entries, unit_by_code
from engine.documents.register_export import register_xlsx
from engine.people.permissions import can_draft_documents, can_read_documents, can_read_registers, require

router = APIRouter(include_in_schema=False)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _file(content: bytes, media_type: str, filename: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(content, media_type=media_type, headers=headers)


@router.get("/tasks/{task_id}/documents/{kind}/draft")
def draft_page(task_id: str, kind: str, page: WebPage) -> Response:
    """Download the step's draft of ``kind`` (the same engine function as the REST route)."""
    content = download_draft(page.session, page.services, page.actor, task_id, kind)
    page.session.commit()  # a full draft naming a protected person is audited
    return _file(content, DOCX, f"ban-thao-{kind}.docx")


@router.post("/tasks/{task_id}/documents/{kind}/draft")
async def upload_draft_page(task_id: str, kind: str, page: WebPage):
    """Keep the edited draft; back to the task page with a message (or the refusal)."""
    require(can_draft_documents, page.actor)
    await page.check_csrf()
    form = await page.request.form()
    upload = form.get("file")
    limit = page.settings.max_attachment_bytes
    content = await upload.read(limit + 1) if isinstance(upload, UploadFile) else b""
    filename = upload.filename if isinstance(upload, UploadFile) and upload.filename else "draft.docx"
    try:
        upload_draft(page.session, page.services, page.actor, task_id, kind, filename=filename, content=content,
                     max_bytes=limit)  # fmt: skip
    except BadRequest as exc:
        page.session.rollback()
        from api.web.routes_tasks import _task_page  # the task page imports this module's views

        task = visible_task(page.session, page.actor, task_id)
        status = 413 if isinstance(exc, PayloadTooLarge) else 400
        return _task_page(page, task, status=status, draft_error=exc.message)
    page.session.commit()
    return RedirectResponse(f"/tasks/{task_id}?draft_saved={kind}", status_code=303)


def _copy(page: Page, document_id: int, fmt: str) -> Response:
    copy = document_copy(page.session, page.services, page.actor, document_id, fmt=fmt)
    page.session.commit()  # the full copy of a document naming a protected person is audited
    return _file(copy.content, copy.media_type, copy.filename)


@router.get("/documents/{document_id}.pdf")
def document_pdf_page(document_id: int, page: WebPage) -> Response:
    """The signed PDF (the redacted copy for those who may not read the identity it names)."""
    require(can_read_documents, page.actor)
    return _copy(page, document_id, "pdf")


@router.get("/documents/{document_id}.docx")
def document_docx_page(document_id: int, page: WebPage) -> Response:
    """The issued DOCX."""
    require(can_read_documents, page.actor)
    return _copy(page, document_id, "docx")


def _register_query(page: Page) -> tuple[Unit, int, str | None, str | None]:
    params = page.request.query_params
    own = page.session.get(Unit, min(page.actor.unit_ids)) if page.actor.unit_ids else None
    code = params.get("unit") or (own.code if own is not None else "")
    unit = unit_by_code(page.session, code)
    year_text = params.get("year") or ""
    if year_text and not (year_text.isdigit() and 2000 <= int(year_text) <= 2100):
        raise BadRequest(f"Năm '{year_text}' không hợp lệ")
    year = int(year_text) if year_text else page.services.clock.now().astimezone(page.services.calendar.zone).year
    return unit, year, params.get("kind") or None, params.get("q") or None


@router.get("/registers", response_class=HTMLResponse)
def register_page(page: WebPage):
    """A unit's register of outgoing documents for a year, by kind and number, with search and an XLSX export."""
    require(can_read_registers, page.actor)
    unit, year, kind, q = _register_query(page)
    entries = register_entries(page.session, page.actor, unit_id=unit.id, year=year, kind=kind, q=q)
    units = [u for u in page.session.query(Unit).order_by(Unit.name) if page.actor.sees_unit(u.id)]
    query = urlencode({k: v for k, v in {"unit": unit.code, "year": year, "kind": kind, "q": q}.items() if v})
    return page.render(
        "registers.html", unit=unit, year=year, kind=kind, q=q or "", entries=entries, units=units,
        kinds=[(k.value, KIND_INFO[k].name_vi if page.lang == "vi" else KIND_INFO[k].name_en) for k in DocumentKind],
        kind_names={k.value: KIND_INFO[k].name_vi if page.lang == "vi" else KIND_INFO[k].name_en for k in DocumentKind},
        export_query=query,
    )  # fmt: skip


@router.get("/registers.xlsx")
def register_export_page(page: WebPage) -> Response:
    """The register shown on the page, as an XLSX workbook."""
    require(can_read_registers, page.actor)
    unit, year, kind, q = _register_query(page)
    entries = register_entries(page.session, page.actor, unit_id=unit.id, year=year, kind=kind, q=q)
    now = page.services.clock.now().astimezone(page.services.calendar.zone)
    content = register_xlsx(unit, year, entries, generated_at=now)
    return _file(content, XLSX, f"so-van-ban-di-{unit.code}-{year}.xlsx")


def step_documents_view(page: Page, task, *, draft_error: str | None = None) -> dict:
    """What the task page shows of the step's documents: the kinds it issues (for who may complete it) and the
    message of the last upload."""
    if not can_draft_documents(page.actor, task):
        return {"step_documents": []}
    error, saved = draft_error, page.request.query_params.get("draft_saved")
    return {
        "step_documents": step_documents(page.session, page.services, page.actor, task.id),
        "draft_message": error or (page.t("documents.upload_done") if saved else None),
        "draft_failed": bool(error),
    }


def case_documents_view(page: Page, case) -> dict:
    """What the case page shows of the documents the case issued (for who may read them)."""
    if not can_read_documents(page.actor, case):
        return {"documents": []}
    names = {k.value: KIND_INFO[k].name_vi if page.lang == "vi" else KIND_INFO[k].name_en for k in DocumentKind}
    return {"documents": documents_of_case(page.session, page.actor, case.id), "document_kinds": names}
