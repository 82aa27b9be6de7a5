"""Report requests: who may ask, for which unit and period."""

from datetime import datetime

from sqlalchemy.orm import Session

from engine.core.errors import BadRequest, NotFound
from engine.people.auth import Actor
from engine.people.permissions import can_read_reports, require
from engine.reports.model import Summary
from engine.reports.periods import Period, parse_period
from engine.reports.sla import SlaReport, build_sla
from engine.reports.statutory import StatutoryForm, build_form
from engine.reports.summary import build_summary
from engine.services import EngineServices


def report_period(code: str) -> Period:
    """The period of a code, or BadRequest saying which codes are accepted."""
    try:
        return parse_period(code)
    except ValueError as exc:
        raise BadRequest(str(exc)) from exc


def report_unit(actor: Actor, unit_id: int | None) -> int:
    """The unit to report on: the one asked for if the actor sees it, else the actor's own."""
    require(can_read_reports, actor)
    chosen = unit_id if unit_id is not None else min(actor.unit_ids, default=None)
    if chosen is None or not can_read_reports(actor, chosen):
        raise NotFound(f"Unit {unit_id} does not exist or is not one of your units")
    return chosen


def summary_for(session: Session, services: EngineServices, actor: Actor, *, unit_id: int | None, period: str,
                now: datetime | None = None) -> Summary:  # fmt: skip
    """The summary report a supervisor asked for."""
    return build_summary(
        session, services.forms, unit_id=report_unit(actor, unit_id), period=report_period(period),
        zone=services.calendar.zone, now=now or services.clock.now(),
    )  # fmt: skip


def sla_for(session: Session, services: EngineServices, actor: Actor, *, unit_id: int | None, period: str,
            now: datetime | None = None) -> SlaReport:  # fmt: skip
    """The SLA analytics a supervisor asked for."""
    return build_sla(session, unit_id=report_unit(actor, unit_id), period=report_period(period),
                     calendar=services.calendar, now=now or services.clock.now())  # fmt: skip


def statutory_form_for(session: Session, services: EngineServices, actor: Actor, *, form: str, unit_id: int | None,
                       period: str, now: datetime | None = None) -> StatutoryForm:  # fmt: skip
    """A statutory report form (``petitions``, ``complaints``, ``denunciations``, ``follow_ups``) a supervisor
    asked for."""
    return build_form(
        session, key=form, unit_id=report_unit(actor, unit_id), period=report_period(period),
        zone=services.calendar.zone, now=now or services.clock.now(),
    )  # fmt: skip
