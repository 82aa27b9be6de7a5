"""The inbox (Việc của tôi): my tasks and my group's, with deadlines; search, sort, counts; claim and open."""

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse

from api.web.context import WebPage
from api.web.deadlines import deadline_view
from engine.cases.queries import INBOX_ORDERS, INBOX_SORTS, INBOX_TABS, cases_by_id, inbox_tab
from engine.cases.runtime import CaseRuntime
from engine.people.permissions import can_claim_task, can_read_task, can_unclaim_task, require

router = APIRouter(include_in_schema=False)
TABS = INBOX_TABS


@router.get("/inbox", response_class=HTMLResponse)
def inbox_page(
    page: WebPage, tab: str = "all", p: int = 1, q: str = "", sort: str = "deadline", order: str = "asc"
) -> HTMLResponse:
    """Open tasks assigned to me or open to my role in my units: tabs with counts, a search box, sortable columns."""
    require(can_read_task, page.actor)
    tab = tab if tab in TABS else "all"
    sort = sort if sort in INBOX_SORTS else "deadline"
    order = order if order in INBOX_ORDERS else "asc"
    q = q.strip()[:200]
    now = page.services.clock.now()
    found = inbox_tab(
        page.session, page.actor, tab, now=now, q=q or None, sort=sort, order=order, page=max(p, 1), page_size=50
    )
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
    return page.render(
        "inbox.html", tab=tab, tabs=TABS, rows=rows, found=found, counts=found.counts, q=q, sort=sort, order=order
    )


@router.post("/tasks/{task_id}/claim")
async def claim_from_inbox(task_id: str, page: WebPage) -> RedirectResponse:
    """Claim a group task, then open it ("Nhận và xử lý"); with ``then=inbox`` go back to my tasks instead."""
    require(can_claim_task, page.actor)
    await page.check_csrf()
    form = await page.request.form()
    CaseRuntime(page.session, page.services).claim_task(page.actor, task_id)
    page.session.commit()
    if form.get("then") == "inbox":
        return RedirectResponse("/inbox?tab=mine", status_code=303)
    return RedirectResponse(f"/tasks/{task_id}", status_code=303)


@router.post("/tasks/{task_id}/unclaim")
async def unclaim_from_page(task_id: str, page: WebPage) -> RedirectResponse:
    """Give a claimed task back to the group ("Trả lại"), then back to the group's tasks in the inbox."""
    require(can_unclaim_task, page.actor)
    await page.check_csrf()
    CaseRuntime(page.session, page.services).unclaim_task(page.actor, task_id)
    page.session.commit()
    return RedirectResponse("/inbox?tab=group", status_code=303)
