"""The reports' observers of case actions; importing this module registers them."""

from engine.cases.hooks import HOOKS, CaseSaved
from engine.reports.statistics import store_case_statistics


@HOOKS.after_case_saved
def keep_statistics_of_finished_case(saved: CaseSaved) -> None:
    """A case that has just finished leaves its statistics record for the periodic reports."""
    if saved.completed_now:
        store_case_statistics(saved.session, saved.case, saved.workflow, saved.now)
