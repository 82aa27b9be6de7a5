"""The portal's observers of case actions; importing this module registers them."""

from engine.cases.hooks import HOOKS, CaseSaved
from engine.portal.notifications import may_have_subscribers, queue_case_update
from engine.portal.service import record_publication


@HOOKS.after_case_saved
def keep_publication(saved: CaseSaved) -> None:
    """Keep the summary a case published on the portal shows."""
    record_publication(saved.session, saved.case, saved.data, saved.now)


@HOOKS.after_case_saved
def tell_subscribers(saved: CaseSaved) -> None:
    """Subscribers hear of a new step or status in the same transaction as the change."""
    if saved.changed and may_have_subscribers(saved.case):
        services = saved.services
        zone, base_url = services.calendar.zone, services.portal_base_url
        queue_case_update(saved.session, saved.case, now=saved.now, zone=zone, base_url=base_url)
