"""The reports' observers of case actions; importing this module registers them."""

from engine.cases.hooks import HOOKS, CaseSaved
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
