"""Reports roll up: a district instance sends its frozen periodic reports to the instance above it, and the city
consolidates them with its own figures into one report, each district apart, naming the districts that have not
reported for the period."""

from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core.errors import BadRequest, NotFound
from engine.core.models import FederationInbox, FederationPeer, PeriodicReport, ReceivedReport, Unit
from engine.federation.enums import MessageKind
from engine.federation.handlers import handles
from engine.federation.outbox import queue_message
from engine.people.auth import Actor
from engine.people.permissions import can_read_reports, require
from engine.reports.model import Figure, Section, Summary
from engine.reports.periodic import thaw
from engine.reports.periods import Period, parse_period
from engine.reports.summary import build_summary

if TYPE_CHECKING:
    from engine.services import EngineServices

# A rate is not summed: it is the average of the instances' rates weighted by the figures it is a share of.
RATE_BASES = {
    "resolved_rate": ("resolved", "in_progress"),
    "on_time.steps_rate": ("on_time.steps",),
    "on_time.cases_rate": ("on_time.cases",),
}


def top_unit(session: Session) -> Unit:
    """The instance's top unit (the first without a parent)."""
    unit = session.scalars(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id)).first()
    if unit is None:
        raise NotFound("This instance has no unit yet")
    return unit


def send_reports_upward(session: Session, reports: list[PeriodicReport], now: datetime) -> int:
    """Queue the top unit's newly frozen reports for every upward peer; returns how many messages."""
    upward = list(session.scalars(select(FederationPeer.name).where(FederationPeer.upward)))
    if not upward or not reports:
        return 0
    top = top_unit(session).id
    queued = 0
    for report in (r for r in reports if r.unit_id == top):
        body = {"period_code": report.period_code, "unit_name": report.summary["unit_name"], "summary": report.summary}
        for peer in upward:
            queue_message(session, peer=peer, kind=MessageKind.PERIODIC_REPORT, body=body, now=now)
            queued += 1
    return queued


@handles(MessageKind.PERIODIC_REPORT)
def keep_received_report(session: Session, services: "EngineServices", message: FederationInbox, now: datetime) -> None:
    """A lower instance sent its report for a period: keep it (a report sent again replaces the earlier one)."""
    body = message.body
    period = parse_period(str(body["period_code"])).code
    row = session.scalars(
        select(ReceivedReport).where(ReceivedReport.sender == message.sender, ReceivedReport.period_code == period)
    ).first()
    if row is None:
        row = ReceivedReport(sender=message.sender, period_code=period)
        session.add(row)
    row.unit_name, row.summary, row.received_at = str(body["unit_name"])[:255], dict(body["summary"]), now


@dataclass(frozen=True)
class DistrictReport:
    """One lower instance's report in the consolidation."""

    instance: str
    summary: Summary


@dataclass(frozen=True)
class ConsolidatedReport:
    """The instance's own report, each reporting district's, their sum, and who has not reported."""

    period: Period
    own: Summary
    districts: list[DistrictReport]
    total: Summary
    missing: list[str]


def _values(summaries: list[Summary]) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    now: dict[str, list[float]] = {}
    before: dict[str, list[float]] = {}
    for summary in summaries:
        for section in summary.sections:
            for figure in section.figures:
                now.setdefault(figure.key, []).append(figure.value)
                before.setdefault(figure.key, []).append(figure.previous)
    return now, before


def _combine(key: str, values: dict[str, list[float]]) -> float:
    if key not in RATE_BASES:
        return sum(values.get(key, []))
    bases = [sum(parts) for parts in zip(*(values.get(base, []) for base in RATE_BASES[key]), strict=False)]
    total = sum(bases)
    if not total:
        return 0
    return round(sum(rate * base for rate, base in zip(values.get(key, []), bases, strict=False)) / total, 1)


def add_up(own: Summary, others: list[Summary]) -> Summary:
    """The sum of ``own`` and ``others`` figure by figure (rates weighted), laid out like ``own``, no drill-downs."""
    now, before = _values([own, *others])
    sections = [
        Section(section.key, section.title, [
            Figure(figure.key, figure.label, _combine(figure.key, now), _combine(figure.key, before))
            for figure in section.figures
        ], section.process)
        for section in own.sections
    ]  # fmt: skip
    return replace(own, sections=sections)


def consolidated_report(
    session: Session, services: "EngineServices", actor: Actor, *, period_code: str
) -> ConsolidatedReport:
    """The instance's report for a period consolidated with the reports its districts sent up (supervisors of
    the top unit). The own part is the frozen report when it was produced, else built now."""
    top = top_unit(session)
    require(can_read_reports, actor, top.id)
    try:
        period = parse_period(period_code)
    except ValueError as exc:
        raise BadRequest(str(exc)) from exc
    frozen = session.scalars(
        select(PeriodicReport).where(PeriodicReport.unit_id == top.id, PeriodicReport.period_code == period.code)
    ).first()
    own = thaw(frozen.summary) if frozen else build_summary(
        session, services.forms, unit_id=top.id, period=period, zone=services.calendar.zone, now=services.clock.now()
    )  # fmt: skip
    received = session.scalars(
        select(ReceivedReport).where(ReceivedReport.period_code == period.code).order_by(ReceivedReport.unit_name)
    ).all()
    districts = [DistrictReport(row.sender, thaw(row.summary)) for row in received]
    lower = session.scalars(select(FederationPeer.name).where(FederationPeer.upward.is_(False)))
    reported = {row.sender for row in received}
    missing = sorted(name for name in lower if name not in reported)
    return ConsolidatedReport(period, own, districts, add_up(own, [d.summary for d in districts]), missing)


@dataclass(frozen=True)
class ConsolidatedRow:
    """One figure across the columns."""

    key: str
    label: str
    values: list[float]
    total: float


@dataclass(frozen=True)
class ConsolidatedTable:
    """The consolidated report as a table: column names, then sections of rows."""

    columns: list[str]
    sections: list[tuple[str, list[ConsolidatedRow]]]


def consolidated_table(report: ConsolidatedReport) -> ConsolidatedTable:
    """The page's and the API's table: the own unit, each district, the total, figure by figure."""
    parts = [report.own, *(d.summary for d in report.districts)]
    values = [{f.key: f.value for s in part.sections for f in s.figures} for part in parts]
    sections = [
        (section.title, [
            ConsolidatedRow(figure.key, figure.label, [v.get(figure.key, 0) for v in values], figure.value)
            for figure in section.figures
        ])
        for section in report.total.sections
    ]  # fmt: skip
    return ConsolidatedTable(columns=[part.unit_name for part in parts], sections=sections)
