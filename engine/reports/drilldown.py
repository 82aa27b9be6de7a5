"""The drill-down of a report figure: exactly the cases the figure counts, page by page."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.core.errors import BadRequest
from engine.core.models import Case
from engine.people.auth import Actor
from engine.reports.counted import Scope, figure_condition
from engine.reports.model import Figure, Summary
from engine.reports.service import report_period, report_unit
from engine.reports.summary import build_summary, unit_subtree
from engine.services import EngineServices

PAGE_SIZE_MAX = 200


@dataclass
class FigureCases:
    """The cases behind one figure of a report, one page of them, newest first."""

    summary: Summary
    figure: Figure
    cases: list[Case]
    total: int
    page: int
    page_size: int


def _counted_figure(summary: Summary, key: str) -> Figure:
    try:
        figure = summary.figure(key)
    except KeyError:
        known = [f.key for section in summary.sections for f in section.figures if f.drilldown]
        raise BadRequest(f"Unknown report figure '{key}'; use one of {', '.join(known)}") from None
    if not figure.drilldown:
        raise BadRequest(f"The figure '{figure.label}' ({key}) is not a count of cases and has no list")
    return figure


def figure_cases(
    session: Session,
    services: EngineServices,
    actor: Actor,
    *,
    unit_id: int | None,
    period: str,
    figure: str,
    page: int = 1,
    page_size: int = 25,
    now: datetime | None = None,
) -> FigureCases:
    """The cases counted by ``figure`` in the report of ``unit_id`` for ``period``, as the report counts them."""
    if page < 1 or not 1 <= page_size <= PAGE_SIZE_MAX:
        raise BadRequest(f"page must be ≥ 1 and page_size between 1 and {PAGE_SIZE_MAX}")
    chosen, asked = report_unit(actor, unit_id), report_period(period)
    now = now or services.clock.now()
    zone = services.calendar.zone
    summary = build_summary(session, services.forms, unit_id=chosen, period=asked, zone=zone, now=now)
    counted = _counted_figure(summary, figure)
    _, unit_ids = unit_subtree(session, chosen)
    condition = figure_condition(figure, Scope.of(unit_ids, asked, zone=zone, now=now))
    if condition is None:  # a drill-down link always names a figure with a condition
        raise BadRequest(f"The figure '{counted.label}' ({figure}) has no list of cases")
    total = session.scalar(select(func.count()).select_from(Case).where(condition)) or 0
    query = select(Case).where(condition).order_by(Case.created_at.desc(), Case.id.desc())
    cases = list(session.scalars(query.offset((page - 1) * page_size).limit(page_size)))
    return FigureCases(summary, counted, cases, total, page, page_size)
