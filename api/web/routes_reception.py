"""Reception desk (tiếp công dân): register a visit or a written petition, and the visits register (sổ).

The handlers parse the posted form and render; the use cases live in ``engine.petitions.registration``.
"""

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.datastructures import FormData, UploadFile

from api.web.context import Page, WebPage
from api.web.form_render import errors_by_field, form_fields, parse_submission
from api.web.query_values import parse_id
from engine.cases.uploads import Upload
from engine.core.errors import BadRequest, FieldError, InvalidFormData
from engine.petitions.reception import REGISTER_FORMS, require_reception_desk, require_register_reader
from engine.petitions.registration import (
    may_reveal_register,
    reception_form,
    register_petition,
    registered_case,
    visits_register,
)

router = APIRouter(include_in_schema=False)
TABS = list(REGISTER_FORMS)


def _reception_page(page: Page, tab: str, *, values=None, errors=None, status: int = 200, message=None):
    schema = page.services.forms.schema(REGISTER_FORMS[tab])
    case_id = page.request.query_params.get("registered", "")
    registered = registered_case(page.session, page.actor, parse_id(case_id)) if parse_id(case_id) else None
    if values is None:  # first showing: the schema's defaults and today's date
        values = {name: sub["default"] for name, sub in schema["properties"].items() if "default" in sub}
        values["received_on"] = page.services.clock.now().astimezone(page.services.calendar.zone).date().isoformat()
    return page.render(
        "reception.html", status_code=status, tab=tab, tabs=TABS, registered=registered, message=message,
        fields=form_fields(schema, values, errors or {}, lang=page.lang),
    )  # fmt: skip


@router.get("/reception", response_class=HTMLResponse)
def reception(page: WebPage, tab: str = "visit"):
    """The reception desk: a citizen's visit, or a petition received by post or forwarded by another body."""
    require_reception_desk(page.actor)
    return _reception_page(page, tab if tab in REGISTER_FORMS else "visit")


async def _upload(page: Page, posted: object) -> Upload | None:
    """A posted file, read up to one byte past the limit (the use case refuses it when too big)."""
    if not isinstance(posted, UploadFile) or not posted.filename:
        return None
    content = await posted.read(page.settings.max_attachment_bytes + 1)
    return Upload(posted.filename, posted.content_type or "application/octet-stream", content)


@router.post("/reception/new/{tab}", response_class=HTMLResponse)
async def register_from_desk(tab: str, page: WebPage):
    """Register the petition: it starts a triage case; the page then shows its tracking code."""
    require_reception_desk(page.actor)
    await page.check_csrf()
    form: FormData = await page.request.form()
    register = parse_submission(page.services.forms.schema(reception_form(tab)), form)
    try:
        case = register_petition(
            page.session, page.services, page.actor, form=tab, register=register,
            max_bytes=page.settings.max_attachment_bytes, scan=await _upload(page, form.get("petition_scan")),
            redacted_scan=await _upload(page, form.get("petition_redacted")),
        )  # fmt: skip
    except InvalidFormData as exc:
        page.session.rollback()
        return _reception_page(page, tab, values=register, errors=errors_by_field(exc.errors), status=422,
                               message=page.t("task.invalid"))  # fmt: skip
    except BadRequest as exc:
        page.session.rollback()
        errors = errors_by_field([FieldError("petition_scan", exc.message)])
        return _reception_page(page, tab, values=register, errors=errors, status=422, message=exc.message)
    page.session.commit()
    return RedirectResponse(f"/reception?tab={tab}&registered={case.id}", status_code=303)


@router.get("/reception/register", response_class=HTMLResponse)
def visits_register_page(page: WebPage):
    """Sổ tiếp công dân: the visits, with the protected fields redacted."""
    rows = visits_register(page.session, page.services, page.actor, reveal=False)
    return page.render("visits_register.html", rows=rows, can_reveal=may_reveal_register(page.actor),
                       revealed=False)  # fmt: skip


@router.post("/reception/register", response_class=HTMLResponse)
async def visits_register_revealed(page: WebPage):
    """The register with identities, for the resolver and custodians only; each case read is audited."""
    require_register_reader(page.actor, reveal=True)
    await page.check_csrf()
    rows = visits_register(page.session, page.services, page.actor, reveal=True)
    page.session.commit()
    return page.render("visits_register.html", rows=rows, can_reveal=True, revealed=True)
