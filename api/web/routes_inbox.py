"""The inbox (Việc của tôi): my tasks and my group's, with deadlines; one click claims."""

from datetime import timedelta

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse

from api.web.context import WebPage
from api.web.deadlines import deadline_view
from engine.cases.queries import cases_by_id, inbox
from engine.cases.runtime import CaseRuntime
from engine.people.permissions import can_claim_task, can_read_task, can_unclaim_task, require

router = APIRouter(include_in_schema=False)
TABS = ("all", "mine", "group", "overdue", "week")


@router.get("/inbox", response_class=HTMLResponse)
def inbox_page(page: WebPage, tab: str = "all", p: int = 1) -> HTMLResponse:
    """Open tasks assigned to me or open to my role in my units."""
    require(can_read_task, page.actor)
    tab = tab if tab in TABS else "all"
    now = page.services.clock.now()
    found = inbox(
        page.session, page.actor, now=now, page=max(p, 1), page_size=50,
        assigned={"mine": "me", "group": "group"}.get(tab), overdue=tab == "overdue",
        due_before=now + timedelta(days=7) if tab == "week" else None,
    )  # fmt: skip
    cases = cases_by_id(page.session, {t.case_id for t in found.items})
    rows = [
        {
            "task": task,
            "case": cases[task.case_id],
            "deadline": deadline_view(
                page.services.calendar, due_at=task.due_at, reminded_at=task.reminded_at, now=now
            ),
        }
        for task in found.items
    ]
    return page.render("inbox.html", tab=tab, tabs=TABS, rows=rows, found=found)


@router.post("/tasks/{task_id}/claim")
async def claim_from_inbox(task_id: str, page: WebPage) -> RedirectResponse:
    """Claim a group task, then back to the inbox."""
    require(can_claim_task, page.actor)
    await page.check_csrf()
    CaseRuntime(page.session, page.services).claim_task(page.actor, task_id)
    page.session.commit()
    return RedirectResponse("/inbox?tab=mine", status_code=303)


@router.post("/tasks/{task_id}/unclaim")
async def unclaim_from_page(task_id: str, page: WebPage) -> RedirectResponse:
    """Give a claimed task back to the group ("Trả lại"), then back to the group's tasks in the inbox."""
    require(can_unclaim_task, page.actor)
    await page.check_csrf()
    CaseRuntime(page.session, page.services).unclaim_task(page.actor, task_id)
    page.session.commit()
    return RedirectResponse("/inbox?tab=group", status_code=303)
