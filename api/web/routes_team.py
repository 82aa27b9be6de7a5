"""The team's open tasks (Giao việc của nhóm): a team lead or supervisor reassigns several of them at once."""

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select

from api.errors import http_status
from api.web import delegation_texts  # noqa: F401  (adds the texts of these pages)
from api.web.context import Page, WebPage
from api.web.deadlines import deadline_view
from engine.cases.delegation import reassign_tasks, team_tasks
from engine.cases.queries import cases_by_id
from engine.core.errors import DomainError, InvalidFormData
from engine.core.models import User
from engine.people.absences import case_handlers_of_units
from engine.people.permissions import can_assign_task, require

router = APIRouter(include_in_schema=False)


def _render(page: Page, *, status: int = 200, error: str | None = None, chosen: frozenset[str] = frozenset()):
    now = page.services.clock.now()
    found = team_tasks(page.session, page.actor)
    cases = cases_by_id(page.session, {t.case_id for t in found.items})
    held = {t.assignee for t in found.items if t.assignee}
    holders = page.session.scalars(select(User).where(User.username.in_(held)))
    names = {u.username: u.full_name or u.username for u in holders}
    rows = [
        {"task": task, "case": cases[task.case_id], "assignee": names.get(task.assignee or "", task.assignee),
         "deadline": deadline_view(page.services.calendar, due_at=task.due_at, reminded_at=task.reminded_at, now=now)}
        for task in found.items
    ]  # fmt: skip
    done = page.request.query_params.get("done", "")
    return page.render(
        "team.html", status_code=status, rows=rows, total=found.total, error=error, chosen=chosen,
        people=case_handlers_of_units(page.session, page.actor.visible_unit_ids),
        done=int(done) if done.isdigit() else None,
    )  # fmt: skip


@router.get("/team", response_class=HTMLResponse)
def team_page(page: WebPage) -> HTMLResponse:
    """Every open task of my units, whoever holds it, with checkboxes to reassign several at once."""
    require(can_assign_task, page.actor)
    return _render(page)


@router.post("/team/reassign", response_class=HTMLResponse)
async def reassign_from_page(page: WebPage):
    """Give the ticked tasks to one person: all of them, or none (the refusal is shown above the list)."""
    require(can_assign_task, page.actor)
    await page.check_csrf()
    form = await page.request.form()
    task_ids = [str(value) for value in form.getlist("task_id")]
    if not task_ids:
        return _render(page, status=400, error=page.t("team.none_chosen"))
    try:
        moved = reassign_tasks(page.session, page.services, page.actor, task_ids, str(form.get("assignee", "")))
    except DomainError as exc:
        page.session.rollback()
        message = "; ".join(e.message for e in exc.errors) if isinstance(exc, InvalidFormData) else exc.message
        return _render(page, status=http_status(exc), error=message, chosen=frozenset(task_ids))
    page.session.commit()
    return RedirectResponse(f"/team?done={len(moved)}", status_code=303)
