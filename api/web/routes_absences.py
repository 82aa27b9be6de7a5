"""The absence page (Vắng mặt / ủy quyền): declare an absence with a deputy, list, cancel, hand the tasks over."""

from datetime import date, datetime

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse

from api.web import delegation_texts  # noqa: F401  (adds the texts of these pages)
from api.web.context import Page, WebPage
from engine.cases.delegation import HandOver, hand_over_tasks
from engine.cases.queries import cases_by_id
from engine.core.errors import BadRequest
from engine.people.absences import (
    AbsenceConflict,
    AbsenceRefused,
    AbsenceStatus,
    absence_status,
    absences_of,
    cancel_absence,
    case_handlers_of_units,
    declare_absence,
    local_day,
    people_who_may_be_away,
)
from engine.people.permissions import can_manage_absence, require

router = APIRouter(include_in_schema=False)
OPEN = (AbsenceStatus.UPCOMING, AbsenceStatus.CURRENT)
DONE = ("declared", "cancelled")


def parse_day(value: str) -> date:
    """A day typed as 14/01/2027 or given by a date input as 2027-01-14; BadRequest otherwise."""
    text = value.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise BadRequest(text)


def _render(page: Page, *, status: int = 200, error: str | None = None, values=None, handed: HandOver | None = None):
    today = local_day(page.services.clock.now(), page.services.calendar.zone)
    absences = absences_of(page.session, page.actor)
    statuses = {a.id: absence_status(a, today) for a in absences}
    done = page.request.query_params.get("done")
    kept_cases = cases_by_id(page.session, {k.task.case_id for k in handed.kept}) if handed else {}
    return page.render(
        "absences.html", status_code=status, absences=absences, statuses=statuses, error=error,
        manageable={a.id for a in absences if statuses[a.id] in OPEN and can_manage_absence(page.actor, a)},
        people=people_who_may_be_away(page.session, page.actor),
        deputies=case_handlers_of_units(page.session, page.actor.visible_unit_ids),
        values=values or {"username": page.actor.username}, today=today, done=done if done in DONE else None,
        handed=handed, kept_cases=kept_cases,
    )  # fmt: skip


@router.get("/absences", response_class=HTMLResponse)
def absences_page(page: WebPage) -> HTMLResponse:
    """My absences, those I stand in for, and (team leads, supervisors) those of my units; the form to declare one."""
    require(can_manage_absence, page.actor)
    return _render(page)


@router.post("/absences", response_class=HTMLResponse)
async def declare_from_page(page: WebPage):
    """Declare an absence; a refusal is shown above the form, with what was typed kept."""
    require(can_manage_absence, page.actor)
    await page.check_csrf()
    form = await page.request.form()
    values = {name: str(form.get(name, "")) for name in ("username", "starts_on", "ends_on", "deputy", "reason")}
    try:
        starts_on, ends_on = parse_day(values["starts_on"]), parse_day(values["ends_on"])
    except BadRequest as exc:
        return _render(page, status=400, error=page.t("absences.bad_date", value=exc.message or "—"), values=values)
    try:
        declare_absence(
            page.session, page.actor, username=values["username"] or None, starts_on=starts_on, ends_on=ends_on,
            deputy_username=values["deputy"], reason=values["reason"], now=page.services.clock.now(),
            zone=page.services.calendar.zone,
        )  # fmt: skip
    except (AbsenceRefused, AbsenceConflict) as exc:
        page.session.rollback()
        status = 409 if isinstance(exc, AbsenceConflict) else 400
        return _render(page, status=status, error=page.t(f"absences.error.{exc.code}", **exc.values), values=values)
    page.session.commit()
    return RedirectResponse("/absences?done=declared", status_code=303)


@router.post("/absences/{absence_id}/cancel")
async def cancel_from_page(absence_id: int, page: WebPage) -> RedirectResponse:
    """Cancel an absence, then back to the list."""
    require(can_manage_absence, page.actor)
    await page.check_csrf()
    cancel_absence(page.session, page.actor, absence_id, now=page.services.clock.now(),
                   zone=page.services.calendar.zone)  # fmt: skip
    page.session.commit()
    return RedirectResponse("/absences?done=cancelled", status_code=303)


@router.post("/absences/{absence_id}/hand-over", response_class=HTMLResponse)
async def hand_over_from_page(absence_id: int, page: WebPage) -> HTMLResponse:
    """Hand the absent person's open tasks to the deputy; the page says how many moved and which stayed, and why."""
    require(can_manage_absence, page.actor)
    await page.check_csrf()
    handed = hand_over_tasks(page.session, page.services, page.actor, absence_id)
    page.session.commit()
    return _render(page, handed=handed)
