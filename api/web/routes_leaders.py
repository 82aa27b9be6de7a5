"""Pages of reception by leaders (schedule, sessions, figures), case categories and 1374 grouping, and the portal's
published reception schedule. Handlers parse the form, call the same engine functions as the REST routes, render.
"""

from datetime import date, datetime, timedelta

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from api.routes.reception_leaders import XLSX, home_unit, local_today
from api.web import reception_texts  # noqa: F401  (adds the texts of these pages)
from api.web.context import Page, WebPage
from api.web.portal_context import Portal
from api.web.query_values import parse_id
from engine.cases.categories import CaseCategoryKind, categories_of, category_dashboard, set_case_categories
from engine.cases.queries import visible_case
from engine.core.errors import BadRequest, NotFound
from engine.people.permissions import (
    can_categorize_case,
    can_group_reports,
    can_plan_reception,
    can_read_case,
    can_record_reception,
    require,
)
from engine.people.units import units_by_ids
from engine.petitions.matters import REPORT_PROCESS
from engine.petitions.report_matters import group_reports, similar_reports
from engine.reception.figures import reception_figures
from engine.reception.form import reception_form_xlsx
from engine.reception.schedule import PUBLISHED_DAYS, ReceptionKind, plan_reception_day, published_schedule
from engine.reception.schedule import reception_schedule as schedule_of
from engine.reception.sessions import SessionCounts, reception_sessions, record_session, session_tracking_codes

router = APIRouter(include_in_schema=False)
KINDS = [kind.value for kind in ReceptionKind]


def parse_day(value: object) -> date | None:
    """A date typed as dd/mm/yyyy or sent by a date input as yyyy-mm-dd; None when empty or not a date."""
    text = str(value or "").strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _period(page: Page, *, ahead: bool = False) -> tuple[date, date]:
    params, today = page.request.query_params, local_today(page.services)
    start = parse_day(params.get("start")) or (today if ahead else today.replace(day=1))
    end = parse_day(params.get("end")) or (start + timedelta(days=PUBLISHED_DAYS) if ahead else today)
    return start, end


def _numbers(form: FormData, *names: str) -> list[int]:
    try:
        return [int(str(form.get(name) or "0")) for name in names]
    except ValueError:
        raise BadRequest("bad_number") from None


def _list(value: object) -> list[str]:
    return [part.strip() for part in str(value or "").split(",") if part.strip()]


def _units(page: Page) -> list:
    return units_by_ids(page.session, page.actor.visible_unit_ids, include_retired=False)


def _schedule_page(page: Page, *, message: str | None = None, status: int = 200, values: dict | None = None):
    start, end = _period(page, ahead=True)
    return page.render(
        "reception_schedule.html", status_code=status, days=schedule_of(page.session, page.actor, start=start, end=end),
        start=start, end=end, kinds=KINDS, units=_units(page), message=message, values=values or {},
        can_plan=can_plan_reception(page.actor),
    )  # fmt: skip


@router.get("/reception/schedule", response_class=HTMLResponse)
def reception_schedule_page(page: WebPage):
    """The reception days of my units; team leads and supervisors add days."""
    return _schedule_page(page, message=page.t("leaders.planned") if page.request.query_params.get("ok") else None)


@router.post("/reception/schedule", response_class=HTMLResponse)
async def plan_reception_page(page: WebPage):
    """Add a day to a unit's schedule (the same use case as POST /api/reception/schedule)."""
    require(can_plan_reception, page.actor)
    await page.check_csrf()
    form = await page.request.form()
    values = dict(form)
    try:
        held_on = parse_day(form.get("held_on"))
        if held_on is None:
            raise BadRequest(page.t("leaders.bad_date"))
        plan_reception_day(
            page.session, page.actor, unit_id=parse_id(form.get("unit_id")) or 0, held_on=held_on,
            kind=str(form.get("kind") or ""), leader_name=str(form.get("leader_name") or ""),
            leader_title=str(form.get("leader_title") or ""), place=str(form.get("place") or ""),
            online=form.get("online") == "on", partner_unit_id=parse_id(form.get("partner_unit_id")),
            at=page.services.clock.now(),
        )  # fmt: skip
    except (BadRequest, NotFound) as exc:
        page.session.rollback()
        return _schedule_page(page, message=exc.message, status=400 if isinstance(exc, BadRequest) else 404,
                              values=values)  # fmt: skip
    page.session.commit()
    return RedirectResponse("/reception/schedule?ok=1", status_code=303)


def _sessions_page(page: Page, *, message: str | None = None, status: int = 200, values: dict | None = None):
    start, end = _period(page)
    records = reception_sessions(page.session, page.actor, start=start, end=end)
    days = schedule_of(page.session, page.actor, start=start, end=end)
    return page.render(
        "reception_sessions.html", status_code=status, records=records, start=start, end=end, kinds=KINDS, days=days,
        codes=session_tracking_codes(page.session, [r.id for r in records]), units=_units(page),
        unit_names={u.id: u.name for u in _units(page)}, message=message, values=values or {},
        can_record=can_record_reception(page.actor),
    )  # fmt: skip


@router.get("/reception/sessions", response_class=HTMLResponse)
def reception_sessions_page(page: WebPage):
    """The sessions held in my units in a period, and the form to record one."""
    return _sessions_page(page, message=page.t("leaders.recorded") if page.request.query_params.get("ok") else None)


@router.post("/reception/sessions", response_class=HTMLResponse)
async def record_session_page(page: WebPage):
    """Record a session held (the same use case as POST /api/reception/sessions)."""
    require(can_record_reception, page.actor)
    await page.check_csrf()
    form = await page.request.form()
    try:
        held_on = parse_day(form.get("held_on"))
        if held_on is None:
            raise BadRequest(page.t("leaders.bad_date"))
        visits, people, matters = _numbers(form, "visits", "people", "matters")
        try:
            sizes = tuple(int(size) for size in _list(form.get("group_sizes")))
        except ValueError:
            raise BadRequest("bad_number") from None
        record_session(
            page.session, page.actor, unit_id=parse_id(form.get("unit_id")) or 0, held_on=held_on,
            kind=str(form.get("kind") or ""), received_by=str(form.get("received_by") or ""),
            counts=SessionCounts(visits=visits, people=people, matters=matters, group_sizes=sizes),
            day_id=parse_id(form.get("day_id")), online=form.get("online") == "on",
            partner_unit_id=parse_id(form.get("partner_unit_id")), tracking_codes=_list(form.get("tracking_codes")),
            at=page.services.clock.now(),
        )  # fmt: skip
    except (BadRequest, NotFound) as exc:
        page.session.rollback()
        message = page.t("leaders.bad_number") if exc.message == "bad_number" else exc.message
        return _sessions_page(page, message=message, status=400 if isinstance(exc, BadRequest) else 404,
                              values=dict(form))  # fmt: skip
    page.session.commit()
    return RedirectResponse("/reception/sessions?ok=1", status_code=303)


@router.get("/reception/figures", response_class=HTMLResponse)
def reception_figures_page(page: WebPage):
    """Visits, people, matters and groups of a unit tree over a period; ?format=xlsx gives the form 01/TCD."""
    start, end = _period(page)
    unit_id = parse_id(page.request.query_params.get("unit")) or home_unit(page.actor)
    figures = reception_figures(page.session, page.actor, unit_id=unit_id, start=start, end=end)
    if page.request.query_params.get("format") == "xlsx":
        name = f"tiep-cong-dan-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
        return Response(reception_form_xlsx(figures), media_type=XLSX,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip
    lines = [*figures.rows, figures.ward, figures.total]
    return page.render("reception_figures.html", figures=figures, lines=lines, unit_id=unit_id, units=_units(page),
                       start=start, end=end)  # fmt: skip


@router.get("/categories", response_class=HTMLResponse)
def category_dashboard_page(page: WebPage):
    """The mass, complex and prolonged cases of my units by unit, with state and nearest deadline, and counts."""
    category = page.request.query_params.get("category") or None
    board = category_dashboard(page.session, page.actor, category=category)
    return page.render("case_categories.html", board=board, kinds=[k.value for k in CaseCategoryKind],
                       category=category)  # fmt: skip


def _case_categories_page(page: Page, case_id: int, *, message: str | None = None, status: int = 200):
    require(can_read_case, page.actor)
    case = visible_case(page.session, page.actor, case_id)
    similar = (
        similar_reports(page.session, page.actor, case_id=case.id)
        if case.process_key == REPORT_PROCESS and can_group_reports(page.actor, case) else []
    )  # fmt: skip
    return page.render(
        "case_category_form.html", status_code=status, case=case, kinds=[k.value for k in CaseCategoryKind],
        held=[k.value for k in categories_of(page.session, case.id)], similar=similar, message=message,
        is_report=case.process_key == REPORT_PROCESS,
    )  # fmt: skip


@router.get("/cases/{case_id}/categories", response_class=HTMLResponse)
def case_categories_page(case_id: int, page: WebPage):
    """A case's categories, and for a 1374 report the similar reports it may be grouped with."""
    params = page.request.query_params
    message = page.t("categories.saved") if params.get("ok") else None
    if parse_id(params.get("matter")):
        message = page.t("categories.grouped", n=params.get("matter"))
    return _case_categories_page(page, case_id, message=message)


@router.post("/cases/{case_id}/categories", response_class=HTMLResponse)
async def save_case_categories(case_id: int, page: WebPage):
    """Flag the case with the ticked categories (the same use case as PUT /api/cases/{id}/categories)."""
    require(can_categorize_case, page.actor)
    await page.check_csrf()
    form = await page.request.form()
    try:
        ticked = [str(value) for value in form.getlist("category")]
        set_case_categories(page.session, page.actor, case_id=case_id, categories=ticked, at=page.services.clock.now())
    except BadRequest as exc:
        page.session.rollback()
        return _case_categories_page(page, case_id, message=exc.message, status=400)
    page.session.commit()
    return RedirectResponse(f"/cases/{case_id}/categories?ok=1", status_code=303)


@router.post("/cases/{case_id}/matter", response_class=HTMLResponse)
async def group_report_page(case_id: int, page: WebPage):
    """Put this 1374 report in the matter of the chosen one (the same use case as POST /api/cases/{id}/matter)."""
    require(can_group_reports, page.actor)
    await page.check_csrf()
    form = await page.request.form()
    try:
        other = parse_id(form.get("with_case_id")) or 0
        matter = group_reports(page.session, page.actor, case_id=case_id, with_case_id=other,
                               at=page.services.clock.now())  # fmt: skip
    except BadRequest as exc:
        page.session.rollback()
        return _case_categories_page(page, case_id, message=exc.message, status=400)
    page.session.commit()
    return RedirectResponse(f"/cases/{case_id}/categories?matter={matter.id}", status_code=303)


@router.get("/portal/lich-tiep-cong-dan", response_class=HTMLResponse)
def published_reception_schedule(page: Portal) -> HTMLResponse:
    """The reception days of every unit in the next 60 days: date, unit, leader's name and title, place."""
    days = published_schedule(page.session, today=local_today(page.services))
    return page.render("portal_reception_schedule.html", days=days)
