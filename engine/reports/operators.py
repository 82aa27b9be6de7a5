"""The service operators of the reports; importing this module registers them.

* ``record_case_statistics``: the ``record_statistics`` task of every case process picks its reportable fields;
* ``produce_periodic_reports``: the periodic report process makes the reports of the periods closing on a day.
"""

from datetime import date

from engine.federation.upward_reports import send_reports_upward
from engine.processes.operators import OperatorContext, register_operator
from engine.reports.periodic import produce_periodic_reports
from engine.reports.statistics import STATISTICS_OPERATOR, record_case_statistics


@register_operator(STATISTICS_OPERATOR, needs_case=False)
def record_case_statistics_operator(_context: OperatorContext | None, data: dict, params: dict) -> dict:
    """Pick the reportable fields of the case data (a pure function of the data)."""
    return record_case_statistics(data, params)


@register_operator("produce_periodic_reports")
def produce_periodic_reports_operator(context: OperatorContext, data: dict, _params: dict) -> dict:
    """Produce the reports of every unit for the periods closing on ``closing_day``; returns how many."""
    services = context.services
    closing_day = date.fromisoformat(str(data.get("closing_day")))
    produced = produce_periodic_reports(
        context.session, services.forms, closing_day=closing_day, zone=services.calendar.zone,
        now=services.clock.now(), case_id=context.case.id,
    )  # fmt: skip
    send_reports_upward(context.session, produced, services.clock.now())
    return {"closing_day": closing_day.isoformat(), "reports": len(produced)}
