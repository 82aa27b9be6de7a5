"""The public portal over JSON: file a report or a petition, look a case up, read published results. No sign-in.

Who is asking: anyone, so every write is guarded like the portal page. Each filing and each lookup counts against
the client address's rate limit (kept in the database, 429 with ``Retry-After`` when over). A filing also needs a
signed single-use form token from ``GET /api/portal/form-token`` (the same token the page embeds): it cannot be
forged, expires, cannot be reused, and is refused when posted sooner than the minimum time a person takes to fill
a form (``not_before``). The lookup needs no token: the API has no cookie to ride on, and the rate limit and the
144-bit secret are its guards. No answer ever holds a name or the case data.
"""

from dataclasses import asdict
from datetime import timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response

from api.deps import AppSettings, DbSession, Services, client_address, commit
from api.intake_schemas import (
    FiledOut,
    FilingIn,
    FormTokenOut,
    LookupIn,
    PetitionFilingIn,
    PublicStatusOut,
    PublicStepOut,
    PublishedPageOut,
    PublishedResultOut,
    SubscriptionIn,
)
from api.schemas import ErrorOut, ValidationErrorOut
from api.web.deadlines import deadline_view
from engine.core.errors import FieldError, InvalidFormData, NotFound
from engine.portal.filing import PETITION, PORTAL_FORMS, REPORT, FiledCase, PortalForm, file_on_portal
from engine.portal.guard import SpamGuard, issue_form_token
from engine.portal.lookup import follow_case_by_email, look_up_case
from engine.portal.notifications import unsubscribe
from engine.portal.service import PublicStatus, publication_fields, published_results

router = APIRouter(prefix="/api/portal", tags=["portal"])
NOT_FOUND = "No case matches this tracking code and secret"
FILING_ERRORS: dict[int | str, dict] = {
    400: {"model": ErrorOut, "description": "Form token refused (forged, foreign, too fast, expired or reused)"},
    413: {"model": ErrorOut, "description": "Upload larger than the limit"},
    422: {"model": ValidationErrorOut, "description": "Invalid form data, per field"},
    429: {"model": ErrorOut, "description": "Too many filings from this address; see Retry-After"},
    503: {"model": ErrorOut, "description": "The process is not deployed, or the database is unavailable"},
}


@router.get("/form-token", response_model=FormTokenOut, responses={422: {"model": ValidationErrorOut}})
def form_token(
    services: Services, settings: AppSettings, form: Annotated[Literal["report", "petition"], Query()]
) -> FormTokenOut:
    """A signed single-use token for one filing of ``form``; post the filing between not_before and expires_at."""
    now = services.clock.now()
    return FormTokenOut(
        form=form, form_token=issue_form_token(settings.secret_key, PORTAL_FORMS[form].slug, now),
        not_before=now + _seconds(settings.portal_form_min_seconds),
        expires_at=now + _seconds(settings.portal_form_max_seconds),
    )  # fmt: skip


def _seconds(value: float) -> timedelta:
    return timedelta(seconds=value)


def _file(
    request: Request, session, services, settings, form: PortalForm, body: FilingIn, relatives: list[dict]
) -> FiledOut:
    filed: FiledCase = file_on_portal(
        session, services, settings, form=form, data=body.data, client_address=client_address(request),
        spam_guard=SpamGuard(form_token=body.form_token), unit_id=body.unit_id, relatives=relatives,
    )  # fmt: skip
    commit(session)
    return FiledOut(tracking_code=filed.tracking_code, secret=filed.secret)


@router.post("/reports", response_model=FiledOut, status_code=201, responses=FILING_ERRORS)
def file_report(
    body: FilingIn, request: Request, session: DbSession, services: Services, settings: AppSettings
) -> FiledOut:
    """File a 1374 report about a cadre or party member, as a citizen; the secret is shown only in this answer."""
    return _file(request, session, services, settings, REPORT, body, [])


@router.post("/petitions", response_model=FiledOut, status_code=201, responses=FILING_ERRORS)
def file_petition(
    body: PetitionFilingIn, request: Request, session: DbSession, services: Services, settings: AppSettings
) -> FiledOut:
    """File a petition (complaint, denunciation, proposal) for triage; the secret is shown only in this answer."""
    relatives = [relative.model_dump(exclude_none=True) for relative in body.relatives]
    return _file(request, session, services, settings, PETITION, body, relatives)


def _status_out(services, status: PublicStatus) -> PublicStatusOut:
    now = services.clock.now()
    steps = []
    for step in status.steps:
        view = deadline_view(services.calendar, due_at=step.due_at, reminded_at=step.reminded_at, now=now)
        steps.append(PublicStepOut(name=step.name, due_at=step.due_at, deadline=view.state, days=view.days))
    return PublicStatusOut(
        tracking_code=status.tracking_code, status=status.status, received_at=status.received_at,
        completed_at=status.completed_at, steps=steps, published=status.published, published_on=status.published_on,
        summary=status.summary,
        expected_on=status.expected_at.astimezone(services.calendar.zone).date() if status.expected_at else None,
    )  # fmt: skip


@router.post(
    "/lookup",
    response_model=PublicStatusOut,
    responses={
        400: {"model": ErrorOut, "description": "The body cannot be read (not UTF-8 JSON)"},
        404: {"model": ErrorOut, "description": "Unknown code or wrong secret (the very same answer)"},
        422: {"model": ValidationErrorOut},
        429: {"model": ErrorOut, "description": "Too many lookups from this address; see Retry-After"},
    },
)
def lookup(
    body: LookupIn, request: Request, session: DbSession, services: Services, settings: AppSettings
) -> PublicStatusOut:
    """The public status of a case; an unknown code and a wrong secret get the very same 404."""
    status = look_up_case(
        session, services, settings, tracking_code=body.tracking_code, secret=body.secret,
        client_address=client_address(request), spam_guard=None,
    )  # fmt: skip
    if status is None:
        raise NotFound(NOT_FOUND)
    return _status_out(services, status)


@router.get("/published", response_model=PublishedPageOut, responses={422: {"model": ValidationErrorOut}})
def published(
    session: DbSession,
    services: Services,
    unit: int | None = None,
    field: str | None = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    page: Annotated[int, Query(ge=1)] = 1,
) -> PublishedPageOut:
    """Published results of concluded cases, newest first, by unit and field, with a search in code and summary."""
    fields = publication_fields(services)
    if field is not None and field not in fields:
        known = ", ".join(fields)
        raise InvalidFormData("published", [FieldError("field", f"Unknown field '{field}'; use one of {known}")])
    found = published_results(session, unit_id=unit, field=field, q=(q or "").strip() or None, page=page)
    items = [PublishedResultOut(**asdict(item)) for item in found.items]
    return PublishedPageOut(items=items, total=found.total, page=found.page, page_size=found.page_size)


@router.post(
    "/subscriptions",
    status_code=204,
    response_class=Response,
    responses={
        400: {"model": ErrorOut, "description": "Not an e-mail address"},
        404: {"model": ErrorOut, "description": "Unknown code or wrong secret (the very same answer as a lookup)"},
        422: {"model": ValidationErrorOut},
        429: {"model": ErrorOut, "description": "Too many lookups from this address; see Retry-After"},
    },
)
def follow_by_email(
    body: SubscriptionIn, request: Request, session: DbSession, services: Services, settings: AppSettings
) -> Response:
    """Hear of every change of step or status of a case by e-mail (each message carries an unsubscribe link)."""
    followed = follow_case_by_email(
        session, services, settings, tracking_code=body.tracking_code, secret=body.secret, email=body.email,
        client_address=client_address(request),
    )  # fmt: skip
    commit(session)  # the lookup is counted even when nothing matched
    if not followed:
        raise NotFound(NOT_FOUND)
    return Response(status_code=204)


@router.delete(
    "/subscriptions/{token}", status_code=204, response_class=Response, responses={422: {"model": ValidationErrorOut}}
)
def stop_following(token: Annotated[str, Path(max_length=128)], session: DbSession) -> Response:
    """Unsubscribe with the token of an e-mail's link (an unknown token gets the same answer)."""
    unsubscribe(session, token)
    commit(session)
    return Response(status_code=204)
