"""Periodic reports for supervisors: the summary as JSON, XLSX and PDF."""

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel

from api.deps import DbSession, OverviewReader, ReportReader, Services
from api.schemas import COMMON_RESPONSES, ErrorOut
from engine.reports.drilldown import figure_cases
from engine.reports.export import summary_to_xlsx
from engine.reports.model import Summary
from engine.reports.overview import build_overview
from engine.reports.pdf import summary_to_pdf
from engine.reports.periodic import periodic_reports_of, thaw, visible_periodic_report
from engine.reports.periods import parse_period
from engine.reports.service import sla_for, summary_for

router = APIRouter(prefix="/api/reports", tags=["reports"], responses=COMMON_RESPONSES)
ERRORS = {400: {"model": ErrorOut}, 403: {"model": ErrorOut}, 404: {"model": ErrorOut}}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PeriodCode = Annotated[str, Query(description="2026-05, 2026-Q2, 2026-H1, 2026-9M, 2026 or 2026-01-01..2026-03-31")]


class PeriodOut(BaseModel):
    """A reporting period."""

    code: str
    label: str
    start: date
    end: date


class FigureOut(BaseModel):
    """One reported figure with its comparison and drill-down."""

    key: str
    label: str
    value: float
    previous: float
    change: float
    change_pct: float | None
    drilldown: str | None


class SectionOut(BaseModel):
    """One breakdown of the report, and the name of the process whose cases it counts."""

    key: str
    title: str
    process: str
    figures: list[FigureOut]


class SummaryOut(BaseModel):
    """The report of a unit (and the units below it) for a period."""

    unit_id: int
    unit_name: str
    period: PeriodOut
    previous: PeriodOut
    generated_at: datetime
    sections: list[SectionOut]


def _period(period) -> PeriodOut:
    return PeriodOut(code=period.code, label=period.label, start=period.start, end=period.end)


def summary_out(summary: Summary) -> SummaryOut:
    """The API view of a summary."""
    return SummaryOut(
        unit_id=summary.unit_id, unit_name=summary.unit_name, period=_period(summary.period),
        previous=_period(summary.previous), generated_at=summary.generated_at,
        sections=[
            SectionOut(key=s.key, title=s.title, process=s.process, figures=[
                FigureOut(key=f.key, label=f.label, value=f.value, previous=f.previous, change=f.change,
                          change_pct=f.change_pct, drilldown=f.drilldown)
                for f in s.figures])
            for s in summary.sections
        ],
    )  # fmt: skip


def _filename(summary: Summary, extension: str) -> dict[str, str]:
    return {
        "Content-Disposition": f'attachment; filename="bao-cao-{summary.period.code}-{summary.unit_id}.{extension}"'
    }


@router.get("/summary", response_model=SummaryOut, responses=ERRORS)
def report_summary(session: DbSession, services: Services, actor: ReportReader, period: PeriodCode,
                   unit: int | None = None) -> SummaryOut:  # fmt: skip
    """Received, screening, progress, on-time rate, sanctions and publicity, with the previous period's figures."""
    return summary_out(summary_for(session, services, actor, unit_id=unit, period=period))


@router.get(
    "/summary.xlsx",
    response_class=Response,
    responses={**ERRORS, 200: {"content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}},
)
def report_summary_xlsx(session: DbSession, services: Services, actor: ReportReader, period: PeriodCode,
                        unit: int | None = None) -> Response:  # fmt: skip
    """The summary as an Excel workbook, one sheet per breakdown."""
    summary = summary_for(session, services, actor, unit_id=unit, period=period)
    return Response(summary_to_xlsx(summary), media_type=XLSX, headers=_filename(summary, "xlsx"))


@router.get("/summary.pdf", response_class=Response, responses={**ERRORS, 200: {"content": {"application/pdf": {}}}})
def report_summary_pdf(session: DbSession, services: Services, actor: ReportReader, period: PeriodCode,
                       unit: int | None = None) -> Response:  # fmt: skip
    """The summary as a printable A4 PDF in Vietnamese, with tables and charts."""
    summary = summary_for(session, services, actor, unit_id=unit, period=period)
    return Response(summary_to_pdf(summary), media_type="application/pdf", headers=_filename(summary, "pdf"))


class CountedCaseOut(BaseModel):
    """A case counted by a report figure."""

    id: int
    tracking_code: str
    title: str
    process_key: str
    status: str
    unit_id: int
    received_at: datetime


class FigureCasesOut(BaseModel):
    """The cases a figure counts: ``total`` always equals the figure's value."""

    figure: FigureOut
    unit_id: int
    period: PeriodOut
    total: int
    page: int
    page_size: int
    items: list[CountedCaseOut]


@router.get("/summary/cases", response_model=FigureCasesOut, responses=ERRORS)
def report_figure_cases(
    session: DbSession,
    services: Services,
    actor: ReportReader,
    period: PeriodCode,
    figure: Annotated[str, Query(description="A figure key of the summary, e.g. received, by_field.land, overdue")],
    unit: int | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> FigureCasesOut:
    """The drill-down of a figure: exactly the cases it counts, newest first, paginated."""
    found = figure_cases(session, services, actor, unit_id=unit, period=period, figure=figure, page=page,
                         page_size=page_size)  # fmt: skip
    f = found.figure
    return FigureCasesOut(
        figure=FigureOut(key=f.key, label=f.label, value=f.value, previous=f.previous, change=f.change,
                         change_pct=f.change_pct, drilldown=f.drilldown),
        unit_id=found.summary.unit_id, period=_period(found.summary.period), total=found.total, page=found.page,
        page_size=found.page_size,
        items=[CountedCaseOut(id=c.id, tracking_code=c.tracking_code, title=c.title, process_key=c.process_key,
                              status=c.status, unit_id=c.unit_id, received_at=c.created_at) for c in found.cases],
    )  # fmt: skip


class StepTimingOut(BaseModel):
    """Working days spent on one step, and its deadline breaches."""

    step: str
    name: str
    closed: int
    average_working_days: float
    p90_working_days: float
    breaches: int


class OfficerBreachesOut(BaseModel):
    """One officer's steps with a deadline and how many were late."""

    officer: str
    closed: int
    breaches: int


class OverdueCaseOut(BaseModel):
    """An open step past its deadline."""

    case_id: int
    tracking_code: str
    title: str
    step: str
    assignee: str | None
    due_at: datetime
    days_late: int
    step_name: str = ""


class SlaOut(BaseModel):
    """SLA analytics of a unit (and the units below it) for a period."""

    unit_id: int
    period: PeriodOut
    generated_at: datetime
    steps: list[StepTimingOut]
    officers: list[OfficerBreachesOut]
    overdue: list[OverdueCaseOut]


@router.get("/sla", response_model=SlaOut, responses=ERRORS)
def report_sla(session: DbSession, services: Services, actor: ReportReader, period: PeriodCode,
               unit: int | None = None) -> SlaOut:  # fmt: skip
    """Average and p90 working days per step, breaches per step and per officer, open cases overdue now."""
    sla = sla_for(session, services, actor, unit_id=unit, period=period)
    return SlaOut(
        unit_id=sla.unit_id, period=_period(sla.period), generated_at=sla.generated_at,
        steps=[StepTimingOut(**vars(s)) for s in sla.steps],
        officers=[OfficerBreachesOut(**vars(o)) for o in sla.officers],
        overdue=[OverdueCaseOut(**vars(o)) for o in sla.overdue],
    )  # fmt: skip


class PeriodicReportOut(BaseModel):
    """A report produced on schedule, frozen when it was made."""

    id: int
    unit_id: int
    unit_name: str
    period: PeriodOut
    generated_at: datetime


def _frozen(session, actor, report_id: int) -> Summary:
    return thaw(visible_periodic_report(session, actor, report_id).summary)


@router.get("/periodic", response_model=list[PeriodicReportOut], responses=ERRORS)
def list_periodic_reports(session: DbSession, actor: ReportReader) -> list[PeriodicReportOut]:
    """Reports produced on schedule for the caller's units, newest first."""
    return [
        PeriodicReportOut(
            id=r.id,
            unit_id=r.unit_id,
            unit_name=r.summary["unit_name"],
            period=_period(parse_period(r.period_code)),
            generated_at=r.generated_at,
        )  # fmt: skip
        for r in periodic_reports_of(session, actor.visible_unit_ids)
    ]


@router.get(
    "/periodic/{report_id}.pdf",
    response_class=Response,
    responses={**ERRORS, 200: {"content": {"application/pdf": {}}}},
)
def read_periodic_report_pdf(report_id: int, session: DbSession, actor: ReportReader) -> Response:
    """A produced report as PDF."""
    summary = _frozen(session, actor, report_id)
    return Response(summary_to_pdf(summary), media_type="application/pdf", headers=_filename(summary, "pdf"))


@router.get("/periodic/{report_id}.xlsx", response_class=Response, responses={**ERRORS, 200: {"content": {XLSX: {}}}})
def read_periodic_report_xlsx(report_id: int, session: DbSession, actor: ReportReader) -> Response:
    """A produced report as an Excel workbook."""
    summary = _frozen(session, actor, report_id)
    return Response(summary_to_xlsx(summary), media_type=XLSX, headers=_filename(summary, "xlsx"))


# Declared after the .pdf/.xlsx routes, so that "7.pdf" is not taken for an id.
@router.get("/periodic/{report_id}", response_model=SummaryOut, responses=ERRORS)
def read_periodic_report(report_id: int, session: DbSession, actor: ReportReader) -> SummaryOut:
    """A produced report, with the figures as they were when it was made."""
    return summary_out(_frozen(session, actor, report_id))


class EscalatedTaskOut(BaseModel):
    """A task escalated to the supervisor (overdue past its deadline), with its case."""

    task_id: str
    task: str
    due_at: datetime | None
    case_id: int
    tracking_code: str
    case_title: str


class OverviewOut(BaseModel):
    """The overview of the caller's units and those below: the same figures as the Tổng quan page."""

    open_cases: int
    overdue_cases: int
    due_this_week: int
    completed_this_month: int
    escalated: list[EscalatedTaskOut]
    weeks: list[str]
    received_by_field: dict[str, list[int]]
    open_by_process: dict[str, int]


@router.get("/overview", response_model=OverviewOut, responses=ERRORS)
def read_overview(session: DbSession, services: Services, actor: OverviewReader) -> OverviewOut:
    """Open, overdue, due this week and completed this month; escalations; cases received per week by field."""
    overview = build_overview(session, actor, now=services.clock.now(), zone=services.calendar.zone)
    escalated = [
        EscalatedTaskOut(
            task_id=task.id,
            task=task.name or task.spec_name,
            due_at=task.due_at,
            case_id=case.id,
            tracking_code=case.tracking_code,
            case_title=case.title,
        )  # fmt: skip
        for task, case in overview.escalated
    ]
    return OverviewOut(
        open_cases=overview.open_cases, overdue_cases=overview.overdue_cases, due_this_week=overview.due_this_week,
        completed_this_month=overview.completed_this_month, escalated=escalated, weeks=overview.weeks,
        received_by_field=overview.received_by_field, open_by_process=overview.open_by_process,
    )  # fmt: skip
