"""The admin's federation page (Liên thông): this instance's name and key, the peers and their traffic, refusals.

It reads ``federation_status`` and registers peers with ``register_peer``, as ``GET /api/federation`` and
``POST /api/federation/peers`` do, under the same rule (``can_administer``).
"""

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse

import api.web.federation_texts  # noqa: F401  (adds the page's texts to the table)
from api.deps import commit
from api.errors import http_status
from api.web.context import Page, WebPage
from engine.core.errors import DomainError
from engine.federation.peers import register_peer
from engine.federation.status import federation_status
from engine.federation.upward_reports import consolidated_report, consolidated_table
from engine.people.permissions import can_read_reports, require

router = APIRouter(include_in_schema=False)


def _render(page: Page, *, values: dict | None = None, error: str | None = None, status: int = 200) -> HTMLResponse:
    done = page.request.query_params.get("done") == "added"
    return page.render(
        "admin_federation.html", federation=federation_status(page.session, page.actor), values=values or {},
        error=error, done=done, status_code=status,
    )  # fmt: skip


@router.get("/admin/federation", response_class=HTMLResponse)
def federation_page(page: WebPage) -> HTMLResponse:
    """This instance's federation identity, the peers with their message counts, and the latest refusals."""
    return _render(page)


@router.post("/admin/federation/peers", response_model=None)
async def add_peer_from_page(page: WebPage) -> HTMLResponse | RedirectResponse:
    """Register a peer; a bad name, address or key shows the form again with the reason."""
    await page.check_csrf()
    form = await page.request.form()
    values = {name: str(form.get(name, "")).strip() for name in ("name", "url", "public_key")}
    upward = form.get("upward") == "on"
    try:
        register_peer(page.session, page.actor, **values, now=page.services.clock.now(), upward=upward)
        commit(page.session)
    except DomainError as exc:
        page.session.rollback()
        if http_status(exc) in (401, 403):
            raise
        return _render(page, values=values, error=exc.message, status=http_status(exc))
    return RedirectResponse("/admin/federation?done=added", status_code=303)


@router.get("/reports/consolidated", response_class=HTMLResponse)
def consolidated_page(page: WebPage) -> HTMLResponse:
    """The top unit's report for a period with each district instance's, their total, and who has not reported."""
    require(can_read_reports, page.actor)
    today = page.services.clock.now().astimezone(page.services.calendar.zone).date()
    period = page.request.query_params.get("period") or str(today.year)
    report = consolidated_report(page.session, page.services, page.actor, period_code=period[:16])
    return page.render("reports_consolidated.html", report=report, table=consolidated_table(report))
