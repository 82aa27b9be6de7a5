"""The public portal (no sign-in): file a report or a petition, look a case up, read published results, subscribe.

Every post carries a signed form token (spam guard and CSRF protection at once) and is counted against the
client address's rate limit. Nothing here shows a person's name or the case data.
"""

from dataclasses import dataclass
from math import ceil

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from starlette.datastructures import UploadFile

from api.deps import commit
from api.errors import http_status
from api.web.deadlines import deadline_view
from api.web.form_render import errors_by_field, form_fields, parse_submission, unplaced_errors
from api.web.portal_context import Portal, PortalPage, render_portal
from engine.cases.attachments import attach_file
from engine.cases.runtime import CaseRuntime
from engine.core.errors import InvalidFormData
from engine.core.models import Case, Unit
from engine.portal.guard import FormRefused, RateLimited
from engine.portal.notifications import subscribe, unsubscribe
from engine.portal.service import case_by_code_and_secret, issue_access_secret, public_status, published_results
from engine.processes.deployment import latest_definition

router = APIRouter(prefix="/portal", include_in_schema=False)


@dataclass(frozen=True)
class PortalForm:
    """A start form as the portal offers it: which process, which fields stay internal, which are fixed."""

    slug: str
    process_key: str
    title_key: str
    hidden: frozenset[str]
    fixed: dict


REPORT = PortalForm(
    slug="phan-anh", process_key="report_1374", title_key="portal.report.title",
    hidden=frozenset({"source", "received_on", "press_article"}), fixed={"source": "people"},
)  # fmt: skip
PETITION = PortalForm(
    slug="gui-don", process_key="petition_triage", title_key="portal.petition.title",
    # relatives is a list of people: the page asks for them in a plain text box, one per line (see _relatives)
    hidden=frozenset({"channel", "received_on", "forwarded_by", "triage_case", "matter_id", "relatives"}),
    fixed={"channel": "portal"},
)  # fmt: skip


def _relatives(text: object) -> list[dict]:
    """Relatives named in a petition, one per line as "name, relationship"; protected like the petitioner."""
    relatives = []
    for line in str(text or "").splitlines()[:20]:
        name, _, relationship = (part.strip() for part in line.partition(","))
        if name:
            relatives.append({"name": name[:255], **({"relationship": relationship[:100]} if relationship else {})})
    return relatives


def _human_size(size: int) -> str:
    return f"{size / 1_000_000:g} MB" if size >= 1_000_000 else f"{size / 1000:g} kB"


def _portal_schema(page: PortalPage, form: PortalForm) -> dict | None:
    """The start form without the internal and read-only fields, or None when the process is not deployed."""
    definition = latest_definition(page.session, form.process_key)
    if definition is None or not definition.catalog.get("start_form"):
        return None
    schema = page.services.forms.schema(definition.catalog["start_form"])
    properties = {
        name: prop
        for name, prop in schema.get("properties", {}).items()
        if name not in form.hidden and not prop.get("readOnly")
    }
    required = [name for name in schema.get("required", []) if name in properties]
    return {**schema, "properties": properties, "required": required}


def _units(page: PortalPage) -> list[Unit]:
    return list(page.session.scalars(select(Unit).order_by(Unit.path, Unit.id)))


def _render_form(page: PortalPage, form: PortalForm, schema: dict | None, **context: object) -> HTMLResponse:
    if schema is None:
        return page.render("portal_message.html", status_code=503, title=page.t(form.title_key),
                           message=page.t("portal.not_deployed"))  # fmt: skip
    units = _units(page)
    context.setdefault("fields", form_fields(schema, {}, {}))
    context.setdefault("token", page.form_token(form.slug))
    context.setdefault("unit_id", units[0].id if units else None)
    return page.render(
        "portal_file.html", form=form, units=units, errors=[], status_code=context.pop("status_code", 200),
        limit=_human_size(page.settings.max_attachment_bytes), **context,
    )  # fmt: skip


@router.get("", response_class=HTMLResponse)
def portal_home(page: Portal) -> HTMLResponse:
    """The portal's front page with its four services."""
    return page.render("portal_home.html")


@router.get("/phan-anh", response_class=HTMLResponse)
def report_form(page: Portal) -> HTMLResponse:
    """The form to report a cadre or party member (a 1374 report from the people)."""
    return _render_form(page, REPORT, _portal_schema(page, REPORT))


@router.get("/gui-don", response_class=HTMLResponse)
def petition_form(page: Portal) -> HTMLResponse:
    """The form to file a petition (complaint, denunciation, proposal) for triage."""
    return _render_form(page, PETITION, _portal_schema(page, PETITION))


@router.post("/phan-anh", response_class=HTMLResponse)
async def file_report(page: Portal) -> HTMLResponse:
    """File a report about a cadre."""
    return await _file_case(page, REPORT)


@router.post("/gui-don", response_class=HTMLResponse)
async def file_petition(page: Portal) -> HTMLResponse:
    """File a petition."""
    return await _file_case(page, PETITION)


async def _read_upload(page: PortalPage, upload: object) -> tuple[str, str, bytes] | HTMLResponse | None:
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    limit = page.settings.max_attachment_bytes
    content = await upload.read(limit + 1)
    if len(content) > limit:
        return page.render("portal_message.html", status_code=413, title=page.t("portal.too_big.title"),
                           message=page.t("portal.too_big", limit=_human_size(limit)))  # fmt: skip
    return upload.filename, upload.content_type or "application/octet-stream", content


async def _file_case(page: PortalPage, form: PortalForm) -> HTMLResponse:
    """Rate limit, spam guard and upload limit, then start the case and show the tracking code and secret once."""
    settings = page.settings
    page.count_hit("file", settings.portal_filing_limit, settings.portal_filing_window_seconds)
    schema = _portal_schema(page, form)
    if schema is None:
        return _render_form(page, form, None)
    posted = await page.check_form(form.slug, single_use=True, min_seconds=settings.portal_form_min_seconds)
    upload = await _read_upload(page, posted.get("attachment"))
    if isinstance(upload, HTMLResponse):
        return upload
    units = {unit.id: unit for unit in _units(page)}
    raw_unit = str(posted.get("unit_id") or "")
    unit_id = int(raw_unit) if raw_unit.isdigit() and int(raw_unit) in units else min(units, default=0)
    now = page.services.clock.now()
    data = parse_submission(schema, posted)
    if form is PETITION and (relatives := _relatives(posted.get("relatives_text"))):
        data["relatives"] = relatives
    today = now.astimezone(page.services.calendar.zone).date().isoformat()
    runtime = CaseRuntime(page.session, page.services)
    try:
        case = runtime.start_public_case(form.process_key, {**data, **form.fixed, "received_on": today}, unit_id)
    except InvalidFormData as exc:
        page.session.rollback()
        errors = errors_by_field(exc.errors)
        fields = form_fields(schema, data, errors)
        return _render_form(
            page, form, schema, fields=fields, token=str(posted.get("form_token")), unit_id=unit_id,
            message=page.t("portal.invalid"), unplaced=unplaced_errors(fields, errors), status_code=422,
        )  # fmt: skip
    if upload is not None:
        # Identity-bearing by default (handwriting, signatures): encrypted, read by the resolver and custodian only.
        filename, content_type, content = upload
        attach_file(
            page.session, case, task_id=None, filename=filename, content_type=content_type, content=content,
            uploaded_by="portal", at=now, max_bytes=settings.max_attachment_bytes, vault=page.services.identities,
        )  # fmt: skip
    secret = issue_access_secret(page.session, case, now)
    commit(page.session)
    response = page.render("portal_filed.html", code=case.tracking_code, secret=secret)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/tra-cuu", response_class=HTMLResponse, name="portal_lookup_form")
def lookup_form(page: Portal) -> HTMLResponse:
    """Ask for the tracking code and the secret."""
    return page.render("portal_lookup.html", token=page.form_token("lookup"))


@router.post("/tra-cuu", response_class=HTMLResponse)
async def lookup(page: Portal) -> HTMLResponse:
    """The public status of a case; an unknown code and a wrong secret get the very same answer."""
    settings = page.settings
    page.count_hit("lookup", settings.portal_lookup_limit, settings.portal_lookup_window_seconds)
    posted = await page.check_form("lookup", single_use=False)
    case = case_by_code_and_secret(page.session, str(posted.get("code") or ""), str(posted.get("secret") or ""))
    if case is None:
        return page.render("portal_message.html", status_code=404, title=page.t("portal.lookup.title"),
                           message=page.t("portal.lookup.not_found"), retry="/portal/tra-cuu")  # fmt: skip
    return _status_page(page, case)


def _status_page(page: PortalPage, case: Case, subscribed: bool = False) -> HTMLResponse:
    status = public_status(page.session, case)
    now = page.services.clock.now()
    deadlines = [
        deadline_view(page.services.calendar, due_at=s.due_at, reminded_at=s.reminded_at, now=now) for s in status.steps
    ]
    response = page.render(
        "portal_status.html", status=status, steps=list(zip(status.steps, deadlines, strict=True)),
        token=page.form_token(f"subscribe:{case.id}"), subscribed=subscribed,
    )  # fmt: skip
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/theo-doi", response_class=HTMLResponse)
async def subscribe_to_case(page: Portal) -> HTMLResponse:
    """Subscribe an e-mail address to the case whose status page was just shown (the token grants it)."""
    settings = page.settings
    page.count_hit("lookup", settings.portal_lookup_limit, settings.portal_lookup_window_seconds)
    form = await page.request.form()
    raw_case = str(form.get("case_id") or "")
    case_id = int(raw_case) if raw_case.isdigit() else 0
    await page.check_form(f"subscribe:{case_id}", single_use=True)
    case = page.session.get(Case, case_id)
    if case is None:
        raise FormRefused("token_invalid")
    subscribe(page.session, case, str(form.get("email") or ""), page.services.clock.now())
    commit(page.session)
    return _status_page(page, case, subscribed=True)


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


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@router.get("/cong-khai", response_class=HTMLResponse)
def published(page: Portal) -> HTMLResponse:
    """Published results of concluded cases by unit and field, with text search and pages."""
    params = page.request.query_params
    labels = page.services.forms.enum_labels("receive_report.schema.json")
    sanctions = page.services.forms.enum_labels("conclude_verification.schema.json")
    field = params.get("field") if params.get("field") in labels.get("field", {}) else None
    number = max(_int(params.get("p")) or 1, 1)
    found = published_results(
        page.session, unit_id=_int(params.get("unit")), field=field, q=(params.get("q") or "").strip()[:200] or None,
        page=number,
    )  # fmt: skip
    query = {k: v for k, v in params.items() if k != "p"}
    return page.render(
        "portal_published.html", found=found, units=_units(page), fields=labels.get("field", {}),
        sanctions=sanctions, params=params, query=query, pages=max(ceil(found.total / found.page_size), 1),
    )  # fmt: skip


async def rate_limited_page(request: Request, exc: RateLimited) -> HTMLResponse:
    """429 in Vietnamese, saying when to retry."""
    zone = request.app.state.services.calendar.zone
    retry = exc.retry_at.astimezone(zone)
    seconds = max(int((exc.retry_at - request.app.state.services.clock.now()).total_seconds()), 1)
    response = render_portal(
        request, "portal_message.html", http_status(exc), title_key="portal.too_many.title",
        message_key=("portal.too_many", {"time": f"{retry:%H:%M}", "day": f"{retry:%d/%m/%Y}"}),
    )  # fmt: skip
    response.headers["Retry-After"] = str(seconds)
    return response


async def form_refused_page(request: Request, exc: FormRefused) -> HTMLResponse:
    """400 naming why the spam guard refused the form."""
    return render_portal(
        request, "portal_message.html", http_status(exc), title_key="portal.refused.title",
        message_key=(f"portal.refused.{exc.reason}", {}),
    )  # fmt: skip
