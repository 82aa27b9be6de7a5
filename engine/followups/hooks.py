"""The follow-up's observer of case actions; importing this module registers it."""

from engine.cases.hooks import HOOKS, CaseSaved
from engine.followups.starting import needs_follow_up, start_decision_follow_up


@HOOKS.after_case_saved
def follow_up_decision_in_force(saved: CaseSaved) -> None:
    """A case that has just ended with its decision or conclusion in force starts the follow-up of its execution."""
    if saved.completed_now and needs_follow_up(saved.case.process_key, saved.workflow, saved.data):
        from engine.cases.runtime import CaseRuntime  # the runtime imports the hooks registry

        start_decision_follow_up(CaseRuntime(saved.session, saved.services), saved.case, saved.data)
