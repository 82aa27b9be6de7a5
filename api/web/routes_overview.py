"""The supervisor overview (Tổng quan): figures for my units, escalations, cases received per week by field."""

import json

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from api.web.context import WebPage
from engine.people.permissions import can_view_overview, require
from engine.processes.forms import enum_titles
from engine.reports.overview import build_overview

router = APIRouter(include_in_schema=False)


@router.get("/overview", response_class=HTMLResponse)
def overview_page(page: WebPage) -> HTMLResponse:
    """Supervisors and team leads see how their units are doing."""
    require(can_view_overview, page.actor)
    overview = build_overview(page.session, page.actor, now=page.services.clock.now(), zone=page.services.calendar.zone)
    field_titles = dict(_field_titles(page))
    chart = {
        "labels": overview.weeks,
        "datasets": [
            {"label": field_titles.get(field, field), "data": counts}
            for field, counts in overview.received_by_field.items()
        ],
    }
    return page.render("overview.html", overview=overview, chart=json.dumps(chart, ensure_ascii=False))


def _field_titles(page) -> list[tuple[str, str]]:
    prop = page.services.forms.schema("receive_report.schema.json").get("properties", {}).get("field", {})
    return list(zip(prop.get("enum", []), enum_titles(prop, page.lang) or prop.get("enum", []), strict=False))
