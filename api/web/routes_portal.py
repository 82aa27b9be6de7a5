"""The public portal (no sign-in): file a report or a petition, look a case up, read published results, subscribe.

Every post carries a signed form token (spam guard and CSRF protection at once) and is counted against the
client address's rate limit. Nothing here shows a person's name or the case data.
"""

from math import ceil

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.datastructures import UploadFile

from api.deps import client_address, commit
from api.errors import http_status
from api.web import is_page_request
from api.web.deadlines import deadline_view
from api.web.form_render import errors_by_field, form_fields, parse_submission, unplaced_errors
from api.web.portal_context import Portal, PortalPage, render_portal
from api.web.query_values import parse_id
from engine.cases.uploads import Upload
from engine.core.errors import InvalidFormData, PayloadTooLarge
from engine.portal.filing import (
    PETITION,
    REPORT,
    UNIT_FIELD,
    PortalForm,
    PortalFormUnavailable,
    file_on_portal,
    portal_start_schema,
    receiving_units,
    relatives_from_text,
)
from engine.portal.guard import FormRefused, RateLimited
from engine.portal.lookup import LOOKUP_FORM, case_to_follow, look_up_case, lookup_rule
from engine.portal.notifications import subscribe, unsubscribe
from engine.portal.service import (
    PublicStatus,
    public_status,
    publication_fields,
    published_results,
    sanction_labels,
)

router = APIRouter(prefix="/portal", include_in_schema=False)
TITLES = {REPORT.slug: "portal.report.title", PETITION.slug: "portal.petition.title"}
"""The page title's text key of each portal form."""


def _human_size(size: int) -> str:
    return f"{size / 1_000_000:g} MB" if size >= 1_000_000 else f"{size / 1000:g} kB"


def _render_form(page: PortalPage, form: PortalForm, schema: dict | None, **context: object) -> HTMLResponse:
    if schema is None:
        return page.render("portal_message.html", status_code=503, title=page.t(TITLES[form.slug]),
                           message=page.t("portal.not_deployed"))  # fmt: skip
    units = receiving_units(page.session)
    context.setdefault("fields", form_fields(schema, {}, {}, lang=page.lang))
    context.setdefault("token", page.form_token(form.slug))
    context.setdefault("unit_id", None)
    return page.render(
        "portal_file.html", form=form, title_key=TITLES[form.slug], units=units, errors=[],
        status_code=context.pop("status_code", 200), limit=_human_size(page.settings.max_attachment_bytes), **context,
    )  # fmt: skip


@router.get("", response_class=HTMLResponse)
def portal_home(page: Portal) -> HTMLResponse:
    """The portal's front page with its four services."""
    return page.render("portal_home.html")


@router.get("/phan-anh", response_class=HTMLResponse)
def report_form(page: Portal) -> HTMLResponse:
    """The form to report a cadre or party member (a 1374 report from the people)."""
    return _render_form(page, REPORT, portal_start_schema(page.session, page.services, REPORT))


@router.get("/gui-don", response_class=HTMLResponse)
def petition_form(page: Portal) -> HTMLResponse:
    """The form to file a petition (complaint, denunciation, proposal) for triage."""
    return _render_form(page, PETITION, portal_start_schema(page.session, page.services, PETITION))


@router.post("/phan-anh", response_class=HTMLResponse)
async def file_report(page: Portal) -> HTMLResponse:
    """File a report about a cadre."""
    return await _file_case(page, REPORT)


@router.post("/gui-don", response_class=HTMLResponse)
async def file_petition(page: Portal) -> HTMLResponse:
    """File a petition."""
    return await _file_case(page, PETITION)


async def _read_upload(page: PortalPage, upload: object) -> Upload | None:
    """The posted file, read up to one byte past the limit (the use case refuses it when too big)."""
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    content = await upload.read(page.settings.max_attachment_bytes + 1)
    return Upload(upload.filename, upload.content_type or "application/octet-stream", content)


async def _file_case(page: PortalPage, form: PortalForm) -> HTMLResponse:
    """Parse the posted form, file the case, and show the tracking code and secret once (or why not)."""
    posted, guard = await page.spam_guard()
    schema = portal_start_schema(page.session, page.services, form)
    data = parse_submission(schema, posted) if schema is not None else {}
    relatives = relatives_from_text(posted.get("relatives_text")) if form.takes_relatives else []
    try:
        filed = file_on_portal(
            page.session, page.services, page.settings, form=form, data=data,
            client_address=client_address(page.request), spam_guard=guard,
            unit_id=parse_id(posted.get("unit_id")), relatives=relatives, unit_required=True,
            upload=await _read_upload(page, posted.get("attachment")),
        )  # fmt: skip
    except PortalFormUnavailable:
        return _render_form(page, form, None)
    except PayloadTooLarge:
        limit = _human_size(page.settings.max_attachment_bytes)
        return page.render("portal_message.html", status_code=413, title=page.t("portal.too_big.title"),
                           message=page.t("portal.too_big", limit=limit))  # fmt: skip
    except InvalidFormData as exc:
        page.session.rollback()
        errors = errors_by_field(exc.errors)
        fields = form_fields(schema or {}, data, errors, lang=page.lang)
        return _render_form(
            page, form, schema, fields=fields, token=guard.form_token or "", message=page.t("portal.invalid"),
            unit_id=parse_id(posted.get("unit_id")), unit_error=errors.get(UNIT_FIELD),
            unplaced=[m for m in unplaced_errors(fields, errors) if m != errors.get(UNIT_FIELD)], status_code=422,
        )  # fmt: skip
    commit(page.session)
    response = page.render("portal_filed.html", code=filed.tracking_code, secret=filed.secret)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/tra-cuu", response_class=HTMLResponse, name="portal_lookup_form")
def lookup_form(page: Portal) -> HTMLResponse:
    """Ask for the tracking code and the secret."""
    return page.render("portal_lookup.html", token=page.form_token(LOOKUP_FORM))


@router.post("/tra-cuu", response_class=HTMLResponse)
async def lookup(page: Portal) -> HTMLResponse:
    """The public status of a case; an unknown code and a wrong secret get the very same answer."""
    posted, guard = await page.spam_guard()
    status = look_up_case(
        page.session, page.services, page.settings, tracking_code=str(posted.get("code") or ""),
        secret=str(posted.get("secret") or ""), client_address=client_address(page.request), spam_guard=guard,
    )  # fmt: skip
    if status is None:
        return page.render("portal_message.html", status_code=404, title=page.t("portal.lookup.title"),
                           message=page.t("portal.lookup.not_found"), retry="/portal/tra-cuu")  # fmt: skip
    return _status_page(page, status)


def _status_page(page: PortalPage, status: PublicStatus, subscribed: bool = False) -> HTMLResponse:
    now = page.services.clock.now()
    deadlines = [
        deadline_view(page.services.calendar, due_at=s.due_at, reminded_at=s.reminded_at, now=now) for s in status.steps
    ]
    response = page.render(
        "portal_status.html", status=status, steps=list(zip(status.steps, deadlines, strict=True)),
        expected_on=status.expected_at.astimezone(page.services.calendar.zone).date() if status.expected_at else None,
        token=page.form_token(f"subscribe:{status.case_id}"), subscribed=subscribed,
    )  # fmt: skip
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/theo-doi", response_class=HTMLResponse)
async def subscribe_to_case(page: Portal) -> HTMLResponse:
    """Subscribe an e-mail address to the case whose status page was just shown (the token grants it)."""
    page.count_hit(lookup_rule(page.settings))
    form = await page.request.form()
    case_id = parse_id(form.get("case_id")) or 0
    await page.check_form(f"subscribe:{case_id}", single_use=True)
    case = case_to_follow(page.session, case_id)
    if case is None:
        raise FormRefused("token_invalid")
    subscribe(page.session, case, str(form.get("email") or ""), page.services.clock.now())
    commit(page.session)
    return _status_page(page, public_status(page.session, case), subscribed=True)


@router.get("/huy-dang-ky/{token}", response_class=HTMLResponse)
def unsubscribe_form(token: str, page: Portal) -> HTMLResponse:
    """Confirm unsubscribing (a link in every e-mail)."""
    return page.render("portal_unsubscribe.html", token=token, done=False)


@router.post("/huy-dang-ky/{token}", response_class=HTMLResponse)
def unsubscribe_now(token: str, page: Portal) -> HTMLResponse:
    """Remove the subscription of the link's token."""
    unsubscribe(page.session, token)
    commit(page.session)
    return page.render("portal_unsubscribe.html", token=token, done=True)


@router.get("/cong-khai", response_class=HTMLResponse)
def published(page: Portal) -> HTMLResponse:
    """Published results of concluded cases by unit and field, with text search and pages."""
    params = page.request.query_params
    fields = publication_fields(page.services)
    field = params.get("field") if params.get("field") in fields else None
    number = max(parse_id(params.get("p")) or 1, 1)
    found = published_results(
        page.session, unit_id=parse_id(params.get("unit")), field=field,
        q=(params.get("q") or "").strip()[:200] or None, page=number,
    )  # fmt: skip
    query = {k: v for k, v in params.items() if k != "p"}
    return page.render(
        "portal_published.html", found=found, units=receiving_units(page.session), fields=fields,
        sanctions=sanction_labels(page.services), params=params, query=query,
        pages=max(ceil(found.total / found.page_size), 1),
    )  # fmt: skip


def _retry_after(request: Request, exc: RateLimited) -> str:
    return str(max(int((exc.retry_at - request.app.state.services.clock.now()).total_seconds()), 1))


async def rate_limited_page(request: Request, exc: RateLimited) -> Response:
    """429 saying when to retry: a Vietnamese page, or JSON for the REST API (both with Retry-After)."""
    if not is_page_request(request):
        return JSONResponse(
            {"detail": exc.message}, status_code=429, headers={"Retry-After": _retry_after(request, exc)}
        )
    zone = request.app.state.services.calendar.zone
    retry = exc.retry_at.astimezone(zone)
    response = render_portal(
        request, "portal_message.html", http_status(exc), title_key="portal.too_many.title",
        message_key=("portal.too_many", {"time": f"{retry:%H:%M}", "day": f"{retry:%d/%m/%Y}"}),
    )  # fmt: skip
    response.headers["Retry-After"] = _retry_after(request, exc)
    return response


async def form_refused_page(request: Request, exc: FormRefused) -> Response:
    """400 naming why the spam guard refused the form: a portal page, or JSON for the REST API."""
    if not is_page_request(request):
        return JSONResponse({"detail": exc.message, "reason": exc.reason}, status_code=400)
    return render_portal(
        request, "portal_message.html", http_status(exc), title_key="portal.refused.title",
        message_key=(f"portal.refused.{exc.reason}", {}),
    )  # fmt: skip
