"""Reception of citizens by leaders over JSON: the schedule, the sessions, the figures and the public schedule.

Who is asking: team leads and supervisors plan days; case handlers record and read sessions; team leads and
supervisors read the figures; anyone reads the published schedule. The same engine functions as the pages.
"""

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Response

from api.deps import DbSession, Services, allowed, commit
from api.reception_schemas import (
    FigureRowOut,
    PublicReceptionDayOut,
    ReceptionDayIn,
    ReceptionDayOut,
    ReceptionFiguresOut,
    ReceptionSessionIn,
    ReceptionSessionOut,
    TallyOut,
)
from api.schemas import COMMON_RESPONSES, ErrorOut
from engine.core.errors import BadRequest
from engine.core.models import ReceptionSession
from engine.people.auth import Actor
from engine.people.permissions import (
    can_plan_reception,
    can_read_reception,
    can_read_reception_figures,
    can_record_reception,
)
from engine.reception.figures import FigureRow, ReceptionFigures, reception_figures
from engine.reception.form import reception_form_xlsx
from engine.reception.schedule import (
    PUBLISHED_DAYS,
    ScheduledDay,
    plan_reception_day,
    published_schedule,
    reception_schedule,
)
from engine.reception.sessions import SessionCounts, reception_sessions, record_session, session_tracking_codes
from engine.services import EngineServices

router = APIRouter(tags=["reception"], responses=COMMON_RESPONSES)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS: dict[int | str, dict] = {
    403: {"model": ErrorOut, "description": "Not a role that may do this, or not your unit"},
    404: {"model": ErrorOut, "description": "An unknown unit, reception day or tracking code"},
}
ReceptionPlanner = Annotated[Actor, allowed(can_plan_reception)]
ReceptionRecorder = Annotated[Actor, allowed(can_record_reception)]
ReceptionReader = Annotated[Actor, allowed(can_read_reception)]
FiguresReader = Annotated[Actor, allowed(can_read_reception_figures)]


def local_today(services: EngineServices) -> date:
    """Today in the calendar's time zone."""
    return services.clock.now().astimezone(services.calendar.zone).date()


def month_so_far(services: EngineServices, start: date | None, end: date | None) -> tuple[date, date]:
    """The period asked for, by default from the first of this month to today."""
    today = local_today(services)
    return start or today.replace(day=1), end or today


def home_unit(actor: Actor) -> int:
    """The actor's own unit (the first one when several), for figures asked without a unit."""
    if not actor.unit_ids:
        raise BadRequest("Tài khoản của bạn chưa thuộc đơn vị nào; hãy chọn đơn vị (unit)")
    return min(actor.unit_ids)


def day_out(item: ScheduledDay) -> ReceptionDayOut:
    """The JSON of a scheduled day."""
    day = item.day
    return ReceptionDayOut(
        id=day.id, unit_id=day.unit_id, unit_name=item.unit_name, held_on=day.held_on, kind=day.kind,
        leader_name=day.leader_name, leader_title=day.leader_title, place=day.place, online=day.online,
        partner_unit_id=day.partner_unit_id, partner_unit_name=item.partner_unit_name,
    )  # fmt: skip


def session_out(record: ReceptionSession, codes: list[str]) -> ReceptionSessionOut:
    """The JSON of a recorded session."""
    return ReceptionSessionOut(
        id=record.id, day_id=record.day_id, unit_id=record.unit_id, partner_unit_id=record.partner_unit_id,
        held_on=record.held_on, kind=record.kind, level=record.level, online=record.online,
        received_by=record.received_by, visits=record.visits, people=record.people, matters=record.matters,
        group_sizes=list(record.group_sizes or []), tracking_codes=codes,
    )  # fmt: skip


def _row(row: FigureRow) -> FigureRowOut:
    return FigureRowOut(label=row.label, regular=TallyOut(**vars(row.regular)), leaders=TallyOut(**vars(row.leaders)),
                        total=TallyOut(**vars(row.total)))  # fmt: skip


def figures_out(figures: ReceptionFigures) -> ReceptionFiguresOut:
    """The JSON of the figures."""
    return ReceptionFiguresOut(
        unit_name=figures.unit_name, start=figures.start, end=figures.end, rows=[_row(r) for r in figures.rows],
        ward=_row(figures.ward), total=_row(figures.total),
    )  # fmt: skip


@router.get("/api/reception/schedule", response_model=list[ReceptionDayOut], responses={403: ERRORS[403]})
def read_reception_schedule(
    session: DbSession, services: Services, actor: ReceptionReader, start: date | None = None, end: date | None = None
) -> list[ReceptionDayOut]:
    """The reception days of my units (and those held online with them), by default the next 60 days."""
    first = start or local_today(services)
    days = reception_schedule(session, actor, start=first, end=end or first + timedelta(days=PUBLISHED_DAYS))
    return [day_out(day) for day in days]


@router.post("/api/reception/schedule", response_model=ReceptionDayOut, status_code=201, responses=ERRORS)
def plan_reception(
    body: ReceptionDayIn, session: DbSession, services: Services, actor: ReceptionPlanner
) -> ReceptionDayOut:
    """Put a leader's reception day (regular, periodic or unscheduled; online with another unit or not) in the
    schedule of a unit of mine."""
    day = plan_reception_day(session, actor, **body.model_dump(), at=services.clock.now())
    commit(session)
    names = reception_schedule(session, actor, start=day.held_on, end=day.held_on)
    return day_out(next(item for item in names if item.day.id == day.id))


@router.get("/api/reception/sessions", response_model=list[ReceptionSessionOut], responses={403: ERRORS[403]})
def read_reception_sessions(
    session: DbSession, services: Services, actor: ReceptionReader, start: date | None = None, end: date | None = None
) -> list[ReceptionSessionOut]:
    """The sessions held in my units in the period (by default this month so far), oldest first."""
    first, last = month_so_far(services, start, end)
    records = reception_sessions(session, actor, start=first, end=last)
    codes = session_tracking_codes(session, [r.id for r in records])
    return [session_out(r, codes.get(r.id, [])) for r in records]


@router.post("/api/reception/sessions", response_model=ReceptionSessionOut, status_code=201, responses=ERRORS)
def record_reception_session(
    body: ReceptionSessionIn, session: DbSession, services: Services, actor: ReceptionRecorder
) -> ReceptionSessionOut:
    """Record a session held (on a scheduled day or not): visits and people counted apart, matters, groups of many
    people with their sizes, and the petitions registered during it."""
    values = body.model_dump(exclude={"visits", "people", "matters", "group_sizes"})
    counts = SessionCounts(visits=body.visits, people=body.people, matters=body.matters,
                           group_sizes=tuple(body.group_sizes))  # fmt: skip
    record = record_session(session, actor, **values, counts=counts, at=services.clock.now())
    commit(session)
    return session_out(record, session_tracking_codes(session, [record.id]).get(record.id, []))


@router.get("/api/reception/figures", response_model=ReceptionFiguresOut, responses=ERRORS)
def read_reception_figures(
    session: DbSession, services: Services, actor: FiguresReader, unit: int | None = None,
    start: date | None = None, end: date | None = None,
) -> ReceptionFiguresOut:  # fmt: skip
    """Visits, people, matters and groups of a unit tree (by default mine, this month so far); ward level apart."""
    first, last = month_so_far(services, start, end)
    unit_id = unit if unit is not None else home_unit(actor)
    return figures_out(reception_figures(session, actor, unit_id=unit_id, start=first, end=last))


@router.get("/api/reception/figures.xlsx", response_class=Response, responses={**ERRORS, 200: {"content": {XLSX: {}}}})
def read_reception_form_xlsx(
    session: DbSession, services: Services, actor: FiguresReader, unit: int | None = None,
    start: date | None = None, end: date | None = None,
) -> Response:  # fmt: skip
    """The same figures as the reporting regime's reception form (Biểu số 01/TCD), an Excel workbook."""
    first, last = month_so_far(services, start, end)
    unit_id = unit if unit is not None else home_unit(actor)
    figures = reception_figures(session, actor, unit_id=unit_id, start=first, end=last)
    name = f"tiep-cong-dan-{first:%Y%m%d}-{last:%Y%m%d}.xlsx"
    return Response(reception_form_xlsx(figures), media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


@router.get("/api/portal/reception-schedule", response_model=list[PublicReceptionDayOut])
def read_published_reception_schedule(session: DbSession, services: Services) -> list[PublicReceptionDayOut]:
    """The reception days of every unit in the next 60 days, as the portal publishes them (no sign-in)."""
    return [
        PublicReceptionDayOut(
            unit_name=item.unit_name,
            held_on=item.day.held_on,
            kind=item.day.kind,
            leader_name=item.day.leader_name,
            leader_title=item.day.leader_title,
            place=item.day.place,
            online=item.day.online,
        )  # fmt: skip
        for item in published_schedule(session, today=local_today(services))
    ]
