"""A recipient checks a document: the use case behind ``POST /api/documents/verify`` and the portal page.

Anyone may ask (no sign-in), so each check counts against the client address's rate limit like a portal lookup
(committed at once, so refused checks count too); the page's post also carries its signed form token.
"""

from sqlalchemy.orm import Session

from engine.core.errors import PayloadTooLarge
from engine.core.settings import Settings
from engine.documents.signing import NotAPdf
from engine.documents.verification import DocumentVerdict, verify_document
from engine.portal.guard import RateLimit, SpamGuard, TokenRules, check_portal_form, count_portal_request
from engine.services import EngineServices

VERIFY_FORM = "verify_document"
"""The purpose of the verification page's form token."""


def verify_rule(settings: Settings) -> RateLimit:
    """The per-address limit of document checks: the portal's lookup limit."""
    return RateLimit(
        action="verify_document",
        limit=settings.portal_lookup_limit,
        window_seconds=settings.portal_lookup_window_seconds,
    )


def check_document(
    session: Session,
    services: EngineServices,
    settings: Settings,
    *,
    pdf: bytes,
    client_address: str,
    spam_guard: SpamGuard | None,
) -> DocumentVerdict:
    """The verdict on a posted PDF; ``PayloadTooLarge`` over the limit, ``NotAPdf`` for an empty or non-PDF file.

    ``spam_guard`` carries the page's form token (reusable: a check changes nothing); the JSON API passes None.
    """
    now = services.clock.now()
    count_portal_request(session, verify_rule(settings), address=client_address, now=now)
    if spam_guard is not None:
        rules = TokenRules(min_seconds=0.0, max_seconds=settings.portal_form_max_seconds)
        check_portal_form(
            session, settings.secret_key, spam_guard, purpose=VERIFY_FORM, now=now, rules=rules, single_use=False
        )
    if len(pdf) > settings.max_verify_bytes:
        raise PayloadTooLarge(f"Tệp lớn hơn giới hạn {settings.max_verify_bytes // 1_000_000} MB để xác thực.")
    if not pdf:
        raise NotAPdf("Chưa chọn tệp PDF cần xác thực.")
    return verify_document(session, pdf, settings=settings)
