"""The reports' observers of case actions; importing this module registers them."""

from engine.cases.hooks import HOOKS, CaseDecided, CaseSaved
from engine.reports.counters import recount_case
from engine.reports.petition_handling import keep_petition_handling
from engine.reports.statistics import STATISTICS_VARIABLE, store_case_statistics


@HOOKS.after_case_saved
def keep_statistics_of_finished_case(saved: CaseSaved) -> None:
    """A case leaves its statistics record once its ``record_statistics`` task ran (a complaint decision is counted
    while the window for the second instance is still open) or when it finishes."""
    if saved.completed_now or STATISTICS_VARIABLE in saved.data:
        store_case_statistics(saved.session, saved.case, saved.workflow, saved.now)


@HOOKS.after_case_saved
def keep_handling_of_petition(saved: CaseSaved) -> None:
    """A petition's classification and jurisdiction decision, for the statutory report forms."""
    keep_petition_handling(saved.session, saved.case, saved.data, saved.now)


@HOOKS.after_case_saved
def keep_report_counters(saved: CaseSaved) -> None:
    """The report counters follow every saved case: received, screened, sanctioned, published, resolved."""
    recount_case(saved.session, saved.case, zone=saved.services.calendar.zone)


@HOOKS.after_case_decided
def keep_report_counters_of_decided_case(decided: CaseDecided) -> None:
    """A withdrawal or termination ends a case's overdue spells; a resumption moves its steps' deadlines."""
    recount_case(decided.session, decided.case, zone=decided.services.calendar.zone)
