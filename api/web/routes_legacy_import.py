"""The reception desk's page for importing a legacy Excel register: dry run first, then the import.

It calls ``import_legacy_petitions`` under the same rule as ``POST /api/petitions/import``.
"""

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from api.deps import commit
from api.errors import http_status
from api.routes.legacy_import import parse_mapping
from api.web.context import WebPage
from engine.core.errors import DomainError
from engine.petitions.legacy_import import import_legacy_petitions
from engine.petitions.reception import require_reception_desk

router = APIRouter(include_in_schema=False)


@router.get("/reception/import", response_class=HTMLResponse)
def import_page(page: WebPage) -> HTMLResponse:
    """The upload form."""
    require_reception_desk(page.actor)
    return page.render("reception_import.html", report=None, error=None, columns="")


@router.post("/reception/import", response_class=HTMLResponse)
async def import_from_page(page: WebPage) -> HTMLResponse:
    """Check the uploaded register (``action=check``) or import its good rows (``action=import``)."""
    require_reception_desk(page.actor)
    await page.check_csrf()
    form = await page.request.form()
    upload, columns = form.get("file"), str(form.get("columns", ""))[:2000]
    limit = page.request.app.state.settings.max_attachment_bytes
    content = await upload.read(limit + 1) if upload is not None and hasattr(upload, "read") else b""
    try:
        report = import_legacy_petitions(
            page.session, page.services, page.actor, content=content, mapping=parse_mapping(columns),
            dry_run=form.get("action") != "import", max_bytes=limit,
        )  # fmt: skip
        commit(page.session)
    except DomainError as exc:
        page.session.rollback()
        if http_status(exc) in (401, 403):
            raise
        return page.render("reception_import.html", report=None, error=exc.message, columns=columns,
                           status_code=http_status(exc))  # fmt: skip
    return page.render("reception_import.html", report=report, error=None, columns=columns)
