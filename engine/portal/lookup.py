"""Looking a case up on the public portal: tracking code and secret give the public status, nothing else.

Shared by the portal page and the JSON API. An unknown code and a wrong secret do the same work and give the same
answer (None); every lookup counts against the client address's rate limit, committed at once.
"""

from sqlalchemy.orm import Session

from engine.core.models import Case
from engine.core.settings import Settings
from engine.portal.guard import RateLimit, SpamGuard, TokenRules, check_portal_form, count_portal_request
from engine.portal.notifications import subscribe
from engine.portal.service import PublicStatus, case_by_code_and_secret, public_status
from engine.services import EngineServices

LOOKUP_FORM = "lookup"
"""The purpose of the lookup page's form token."""


def lookup_rule(settings: Settings) -> RateLimit:
    """The per-address rate limit of lookups (and of subscriptions, which follow a lookup)."""
    return RateLimit(
        action="lookup", limit=settings.portal_lookup_limit, window_seconds=settings.portal_lookup_window_seconds
    )


def look_up_case(
    session: Session,
    services: EngineServices,
    settings: Settings,
    *,
    tracking_code: str,
    secret: str,
    client_address: str,
    spam_guard: SpamGuard | None,
) -> PublicStatus | None:
    """The public status of the case whose code and secret match, else None (same work and answer either way).

    ``spam_guard`` carries the page's form token (checked, reusable: the lookup changes nothing). The JSON API
    passes None: it has no cookie, so no cross-site post to stop, and the rate limit is its guard.
    """
    now = services.clock.now()
    count_portal_request(session, lookup_rule(settings), address=client_address, now=now)
    if spam_guard is not None:
        rules = TokenRules(min_seconds=0.0, max_seconds=settings.portal_form_max_seconds)
        check_portal_form(
            session, settings.secret_key, spam_guard, purpose=LOOKUP_FORM, now=now, rules=rules, single_use=False
        )
    case = case_by_code_and_secret(session, tracking_code, secret)
    return public_status(session, case) if case is not None else None


def case_to_follow(session: Session, case_id: int) -> Case | None:
    """The case a status page offered to follow by e-mail (the subscribe form's token names it), or None."""
    return session.get(Case, case_id)


def follow_case_by_email(
    session: Session,
    services: EngineServices,
    settings: Settings,
    *,
    tracking_code: str,
    secret: str,
    email: str,
    client_address: str,
) -> bool:
    """Subscribe an e-mail address to the case whose code and secret match; False (same work) when none does.

    Counted against the lookup rate limit like a lookup; the caller commits.
    """
    now = services.clock.now()
    count_portal_request(session, lookup_rule(settings), address=client_address, now=now)
    case = case_by_code_and_secret(session, tracking_code, secret)
    if case is None:
        return False
    subscribe(session, case, email, now)
    return True
