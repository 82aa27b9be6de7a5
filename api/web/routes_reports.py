"""The report pages (Báo cáo, SLA): period and unit pickers, tables with drill-down, charts, exports."""

import json
from math import ceil

from fastapi import APIRouter, Response
from fastapi.responses import HTMLResponse

from api.web.context import WebPage
from api.web.query_values import parse_id
from engine.core.errors import NotFound
from engine.people.permissions import can_read_reports, require
from engine.people.units import units_by_ids
from engine.reports.drilldown import figure_cases
from engine.reports.export import summary_to_xlsx
from engine.reports.pdf import summary_to_pdf
from engine.reports.periodic import periodic_reports_of, thaw, visible_periodic_report
from engine.reports.periods import current_and_recent
from engine.reports.service import report_unit, sla_for, statutory_form_for, summary_for
from engine.reports.statutory import FORMS
from engine.reports.statutory_export import statutory_form_to_xlsx

router = APIRouter(include_in_schema=False)
CHARTED = ("by_field", "by_source", "party_sanctions", "publicity")
EXPORTS = {
    "xlsx": (summary_to_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pdf": (summary_to_pdf, "application/pdf"),
}


def _pickers(page: WebPage) -> dict:
    today = page.services.clock.now().astimezone(page.services.calendar.zone).date()
    units = units_by_ids(page.session, page.actor.visible_unit_ids)
    return {"periods": current_and_recent(today), "units": units, "default_period": f"{today:%Y-%m}"}


def _chosen(page: WebPage) -> tuple[dict, str, int]:
    """The pickers' choices, and the period and unit asked for (a supervisor's own unit by default)."""
    require(can_read_reports, page.actor)
    pickers = _pickers(page)
    period = page.request.query_params.get("period") or pickers["default_period"]
    unit = page.request.query_params.get("unit")
    return pickers, period, report_unit(page.actor, parse_id(unit))


@router.get("/reports", response_class=HTMLResponse)
def reports_page(page: WebPage) -> HTMLResponse:
    """The periodic report of a unit and period, with the previous period's figures and the change."""
    pickers, period, unit_id = _chosen(page)
    summary = summary_for(page.session, page.services, page.actor, unit_id=unit_id, period=period)
    charts = {
        section.key: {
            "labels": [f.label for f in section.figures],
            "datasets": [
                {"label": summary.period.label, "data": [f.value for f in section.figures]},
                {"label": summary.previous.label, "data": [f.previous for f in section.figures]},
            ],
        }
        for section in summary.sections
        if section.key in CHARTED
    }
    export = f"period={summary.period.code}&unit={unit_id}"
    frozen = periodic_reports_of(page.session, page.actor.visible_unit_ids, limit=30)
    return page.render("reports.html", summary=summary, charts=json.dumps(charts, ensure_ascii=False),
                       export=export, unit_id=unit_id, frozen=frozen, **pickers)  # fmt: skip


@router.get("/reports/cases", response_class=HTMLResponse)
def figure_cases_page(page: WebPage) -> HTMLResponse:
    """The drill-down of a report figure: exactly the cases it counts, with the figure beside the list's size."""
    require(can_read_reports, page.actor)
    params = page.request.query_params
    found = figure_cases(
        page.session, page.services, page.actor, unit_id=parse_id(params.get("unit")),
        period=params.get("period") or f"{page.services.clock.now():%Y-%m}", figure=params.get("figure") or "received",
        page=max(parse_id(params.get("p")) or 1, 1), page_size=25,
    )  # fmt: skip
    query = {"unit": found.summary.unit_id, "period": found.summary.period.code, "figure": found.figure.key}
    return page.render("reports_cases.html", found=found, query=query,
                       pages=max(ceil(found.total / found.page_size), 1))  # fmt: skip


@router.get("/reports/sla", response_class=HTMLResponse)
def sla_page(page: WebPage) -> HTMLResponse:
    """Working days per step, breaches per step and per officer, and the open cases that are late now."""
    pickers, period, unit_id = _chosen(page)
    sla = sla_for(page.session, page.services, page.actor, unit_id=unit_id, period=period)
    return page.render("sla.html", sla=sla, unit_id=unit_id, **pickers)


def _download(content: bytes, media_type: str, name: str) -> Response:
    return Response(content, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/reports/export.{fmt}")
def export_report(fmt: str, page: WebPage) -> Response:
    """The report of the page's period and unit as XLSX or PDF (for the signed-in supervisor)."""
    require(can_read_reports, page.actor)
    if fmt not in EXPORTS:
        raise NotFound(f"Unknown export format '{fmt}'; use xlsx or pdf")
    unit = page.request.query_params.get("unit")
    summary = summary_for(
        page.session, page.services, page.actor, unit_id=parse_id(unit),
        period=page.request.query_params.get("period") or f"{page.services.clock.now():%Y-%m}",
    )  # fmt: skip
    render, media_type = EXPORTS[fmt]
    return _download(render(summary), media_type, f"bao-cao-{summary.period.code}-{summary.unit_id}.{fmt}")


@router.get("/reports/periodic/{report_id}.{fmt}")
def export_frozen_report(report_id: int, fmt: str, page: WebPage) -> Response:
    """A report produced on schedule, as XLSX or PDF."""
    require(can_read_reports, page.actor)
    if fmt not in EXPORTS:
        raise NotFound(f"Unknown export format '{fmt}'; use xlsx or pdf")
    report = visible_periodic_report(page.session, page.actor, report_id)
    render, media_type = EXPORTS[fmt]
    return _download(render(thaw(report.summary)), media_type, f"bao-cao-{report.period_code}-{report.unit_id}.{fmt}")


def _form_choice(page: WebPage) -> tuple[dict, str, str, int]:
    pickers, period, unit_id = _chosen(page)
    return pickers, page.request.query_params.get("form") or "petitions", period, unit_id


@router.get("/reports/forms", response_class=HTMLResponse)
def statutory_forms_page(page: WebPage) -> HTMLResponse:
    """A statutory report form (petition handling, complaints, denunciations, follow-ups) of a unit and period."""
    pickers, key, period, unit_id = _form_choice(page)
    form = statutory_form_for(page.session, page.services, page.actor, form=key, unit_id=unit_id, period=period)
    return page.render("report_forms.html", form=form, unit_id=unit_id, form_keys=list(FORMS), **pickers)


@router.get("/reports/forms.xlsx")
def statutory_form_xlsx(page: WebPage) -> Response:
    """The page's form as an XLSX sheet laid out like the printed form."""
    _pickers_unused, key, period, unit_id = _form_choice(page)
    form = statutory_form_for(page.session, page.services, page.actor, form=key, unit_id=unit_id, period=period)
    return _download(statutory_form_to_xlsx(form), EXPORTS["xlsx"][1], f"bieu-{form.key}-{form.period.code}.xlsx")
