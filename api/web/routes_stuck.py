"""The page of cases stopped by an error (Hồ sơ bị dừng do lỗi): retry or cancel them, with a reason."""

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse

from api.web.context import WebPage
from engine.cases.recovery import cancel_case, retry_case, stuck_cases
from engine.core.models import ProcessDefinition
from engine.people.permissions import can_recover_cases, require
from engine.people.units import units_by_ids

router = APIRouter(include_in_schema=False)
DONE = ("retried", "still_error", "cancelled")


@router.get("/cases/stuck", response_class=HTMLResponse)
def stuck_cases_page(page: WebPage) -> HTMLResponse:
    """The cases of my units in ``error``, with the failed step, its message and since when."""
    require(can_recover_cases, page.actor)
    stuck = stuck_cases(page.session, page.actor)
    units = {u.id: u.name for u in units_by_ids(page.session, {s.unit_id for s in stuck})}
    definitions = page.session.query(ProcessDefinition).filter(
        ProcessDefinition.key.in_({s.process_key for s in stuck})
    )
    processes = {(d.key, d.version): d.name or d.key for d in definitions}
    steps = {(d.key, d.version): d.catalog.get("names", {}) for d in definitions}  # BPMN names of the steps
    done = page.request.query_params.get("done")
    return page.render(
        "stuck.html", stuck=stuck, units=units, processes=processes, steps=steps, done=done if done in DONE else None
    )


async def _reason(page: WebPage) -> str:
    form = await page.request.form()
    return str(form.get("reason", ""))


@router.post("/cases/{case_id}/retry")
async def retry_from_page(case_id: int, page: WebPage) -> RedirectResponse:
    """Retry a stuck case, then back to the list."""
    require(can_recover_cases, page.actor)
    await page.check_csrf()
    case = retry_case(page.session, page.services, page.actor, case_id, await _reason(page))
    page.session.commit()
    return RedirectResponse(f"/cases/stuck?done={'retried' if case.status != 'error' else 'still_error'}", 303)


@router.post("/cases/{case_id}/cancel")
async def cancel_from_page(case_id: int, page: WebPage) -> RedirectResponse:
    """Cancel a stuck case, then back to the list."""
    require(can_recover_cases, page.actor)
    await page.check_csrf()
    cancel_case(page.session, page.services, page.actor, case_id, await _reason(page))
    page.session.commit()
    return RedirectResponse("/cases/stuck?done=cancelled", 303)
