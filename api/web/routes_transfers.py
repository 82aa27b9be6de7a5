"""Transferring a petition from its case page (chuyển đơn): the same engine function and rule as
``POST /api/cases/{id}/transfer``."""

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse

from api.deps import commit
from api.errors import http_status
from api.web.context import WebPage
from api.web.routes_cases import _case_page
from engine.cases.queries import visible_case
from engine.core.errors import DomainError
from engine.federation.transfers import transfer_petition
from engine.people.permissions import can_read_case, require

router = APIRouter(include_in_schema=False)


@router.post("/cases/{case_id}/transfer", response_model=None)
async def transfer_from_page(case_id: int, page: WebPage) -> HTMLResponse | RedirectResponse:
    """Send the petition to the chosen unit or instance; a refusal shows the case page again with its reason."""
    require(can_read_case, page.actor)
    await page.check_csrf()
    case = visible_case(page.session, page.actor, case_id)
    form = await page.request.form()
    values = {name: str(form.get(name, "")).strip() for name in ("destination", "reason")}
    kind, _, name = values["destination"].partition(":")
    try:
        transfer_petition(
            page.session, page.services, page.actor, case_id=case.id, reason=values["reason"],
            to_unit=name if kind == "unit" else None, to_peer=name if kind == "peer" else None,
            allow_return=form.get("allow_return") == "on",
        )  # fmt: skip
        commit(page.session)
    except DomainError as exc:
        page.session.rollback()
        if http_status(exc) in (401, 403, 404):
            raise
        form_state = {**values, "error": exc.message, "loop": http_status(exc) == 409}
        return _case_page(page, case, transfer_form=form_state, status_code=http_status(exc))
    return RedirectResponse(f"/cases/{case.id}?transferred=1", status_code=303)
