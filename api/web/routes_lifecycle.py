"""The case page's decisions on the course of a case: suspend (tạm đình chỉ), resume, terminate (đình chỉ) and
record a withdrawal (rút đơn), each with its reason and the date written in the decision.

The same engine functions and policy rule as ``POST /api/cases/{id}/suspend`` … (api/routes/lifecycle.py); a
refused decision (a date in the future or before receipt, a case already ended) shows the error page with why.
"""

from collections.abc import Callable

from fastapi import APIRouter
from fastapi.responses import RedirectResponse

from api.web import lifecycle_texts  # noqa: F401  (adds the texts of the decisions to the table)
from api.web.context import WebPage
from engine.cases.lifecycle import resume_case, suspend_case, terminate_case, withdraw_case
from engine.people.permissions import can_decide_case_course, require

router = APIRouter(include_in_schema=False)


async def _decide(page: WebPage, case_id: int, action: Callable, done: str) -> RedirectResponse:
    require(can_decide_case_course, page.actor)
    await page.check_csrf()
    form = await page.request.form()
    reason, day = str(form.get("reason") or ""), str(form.get("decided_on") or "")
    action(page.session, page.services, page.actor, case_id=case_id, reason=reason, decided_on=day)
    page.session.commit()
    return RedirectResponse(f"/cases/{case_id}?decided={done}#decisions", status_code=303)


@router.post("/cases/{case_id}/suspend")
async def suspend_from_page(case_id: int, page: WebPage) -> RedirectResponse:
    """Suspend the case, then back to it."""
    return await _decide(page, case_id, suspend_case, "suspended")


@router.post("/cases/{case_id}/resume")
async def resume_from_page(case_id: int, page: WebPage) -> RedirectResponse:
    """Resume the case (its deadlines move by the paused days), then back to it."""
    return await _decide(page, case_id, resume_case, "resumed")


@router.post("/cases/{case_id}/terminate")
async def terminate_from_page(case_id: int, page: WebPage) -> RedirectResponse:
    """Terminate the resolution, then back to the case."""
    return await _decide(page, case_id, terminate_case, "terminated")


@router.post("/cases/{case_id}/withdraw")
async def withdraw_from_page(case_id: int, page: WebPage) -> RedirectResponse:
    """Record the petitioner's withdrawal, then back to the case."""
    return await _decide(page, case_id, withdraw_case, "withdrawn")
