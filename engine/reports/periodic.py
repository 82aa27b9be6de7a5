"""Reports produced on schedule (by processes/periodic_report.bpmn) and kept frozen, as they were when made."""

from dataclasses import asdict
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core.errors import NotFound
from engine.core.models import PeriodicReport, Unit
from engine.people.auth import Actor
from engine.people.permissions import can_read_reports
from engine.processes.forms import FormCatalog
from engine.reports.model import Figure, Section, Summary
from engine.reports.periods import parse_period, periods_closing_on
from engine.reports.summary import build_summary


def freeze(summary: Summary) -> dict:
    """A summary as plain JSON data."""
    return {
        "unit_id": summary.unit_id, "unit_name": summary.unit_name, "period": summary.period.code,
        "previous": summary.previous.code, "generated_at": summary.generated_at.isoformat(),
        "parent_name": summary.parent_name,
        "sections": [
            {"key": s.key, "title": s.title, "figures": [asdict(f) for f in s.figures], "process": s.process}
            for s in summary.sections
        ],
    }  # fmt: skip


def thaw(data: dict) -> Summary:
    """A frozen summary back as a Summary, for display and export."""
    return Summary(
        unit_id=data["unit_id"], unit_name=data["unit_name"], period=parse_period(data["period"]),
        previous=parse_period(data["previous"]), generated_at=datetime.fromisoformat(data["generated_at"]),
        parent_name=data.get("parent_name", ""),
        sections=[Section(s["key"], s["title"], [Figure(**f) for f in s["figures"]], s.get("process", ""))
                  for s in data["sections"]],
    )  # fmt: skip


def produce_periodic_reports(
    session: Session, forms: FormCatalog, *, closing_day: date, zone: ZoneInfo, now: datetime, case_id: int | None
) -> list[PeriodicReport]:
    """Produce and store the report of every unit for every period that closes on ``closing_day`` (once each)."""
    produced = []
    units = list(session.scalars(select(Unit).order_by(Unit.path)))
    for period in periods_closing_on(closing_day):
        done = set(session.scalars(select(PeriodicReport.unit_id).where(PeriodicReport.period_code == period.code)))
        for unit in units:
            if unit.id in done:
                continue
            summary = build_summary(session, forms, unit_id=unit.id, period=period, zone=zone, now=now)
            report = PeriodicReport(unit_id=unit.id, period_code=period.code, period_kind=period.kind,
                                    generated_at=now, case_id=case_id, summary=freeze(summary))  # fmt: skip
            session.add(report)
            produced.append(report)
    session.flush()
    return produced


def periodic_reports_of(
    session: Session, unit_ids: set[int] | frozenset[int], *, limit: int = 100
) -> list[PeriodicReport]:
    """The produced reports of the given units, newest first."""
    query = (
        select(PeriodicReport)
        .where(PeriodicReport.unit_id.in_(unit_ids))
        .order_by(PeriodicReport.generated_at.desc(), PeriodicReport.unit_id)
        .limit(limit)
    )
    return list(session.scalars(query))


def visible_periodic_report(session: Session, actor: Actor, report_id: int) -> PeriodicReport:
    """A report produced on schedule for one of the actor's units, or NotFound."""
    report = session.get(PeriodicReport, report_id)
    if report is None or not can_read_reports(actor, report):
        raise NotFound(f"Periodic report {report_id} does not exist or is not of your units")
    return report
