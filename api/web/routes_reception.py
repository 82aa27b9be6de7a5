"""Reception desk (tiếp công dân): register a visit or a written petition, and the visits register (sổ)."""

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select
from starlette.datastructures import UploadFile

from api.web.context import Page, WebPage
from api.web.form_render import errors_by_field, form_fields, parse_submission
from engine.cases.attachments import attach_file
from engine.cases.runtime import CaseRuntime
from engine.core.errors import BadRequest, FieldError, InvalidFormData
from engine.core.models import Case
from engine.people.permissions import can_read_identity, can_read_visits_register, can_receive_petitions, require
from engine.petitions.identity import PROTECTED_MARK
from engine.petitions.identity_access import audit_identity_access
from engine.petitions.matters import TRIAGE_PROCESS
from engine.petitions.reception import VISIT_FORM, WRITTEN_FORM, petition_intake

router = APIRouter(include_in_schema=False)
TABS = {"visit": VISIT_FORM, "written": WRITTEN_FORM}
REGISTER_ROWS = 100


def _reception_page(page: Page, tab: str, *, values=None, errors=None, status: int = 200, message=None):
    schema = page.services.forms.schema(TABS[tab])
    registered = None
    case_id = page.request.query_params.get("registered", "")
    if case_id.isdigit():
        case = page.session.get(Case, int(case_id))
        registered = case if case is not None and page.actor.sees_unit(case.unit_id) else None
    if values is None:  # first showing: the schema's defaults and today's date
        values = {name: sub["default"] for name, sub in schema["properties"].items() if "default" in sub}
        values["received_on"] = page.services.clock.now().astimezone(page.services.calendar.zone).date().isoformat()
    return page.render(
        "reception.html", status_code=status, tab=tab, tabs=list(TABS), registered=registered, message=message,
        fields=form_fields(schema, values, errors or {}),
    )  # fmt: skip


@router.get("/reception", response_class=HTMLResponse)
def reception(page: WebPage, tab: str = "visit"):
    """The reception desk: a citizen's visit, or a petition received by post or forwarded by another body."""
    require(can_receive_petitions, page.actor)
    return _reception_page(page, tab if tab in TABS else "visit")


@router.post("/reception/new/{tab}", response_class=HTMLResponse)
async def register_petition(tab: str, page: WebPage):
    """Register the petition: it starts a triage case; the page then shows its tracking code."""
    require(can_receive_petitions, page.actor)
    await page.check_csrf()
    if tab not in TABS:
        raise BadRequest(f"Unknown reception form '{tab}'; use one of {', '.join(TABS)}")
    form = await page.request.form()
    register = parse_submission(page.services.forms.schema(TABS[tab]), form)
    try:
        page.services.forms.validate(TABS[tab], register)
        channel = "visit" if tab == "visit" else register["channel"]
        case = CaseRuntime(page.session, page.services).start_case(
            page.actor, process_key=TRIAGE_PROCESS, data=petition_intake(register, channel=channel)
        )
        await _attach_petition_files(page, case, form)
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


async def _attach_petition_files(page: Page, case: Case, form) -> None:
    """The scanned petition (identity-bearing: encrypted, resolver and custodian only) and its redacted copy."""
    scan, redacted = form.get("petition_scan"), form.get("petition_redacted")
    limit = page.settings.max_attachment_bytes
    common = {"task_id": None, "uploaded_by": page.actor.username, "at": page.services.clock.now(), "max_bytes": limit}
    original = None
    if isinstance(scan, UploadFile) and scan.filename:
        original = attach_file(
            page.session, case, filename=scan.filename, content_type=scan.content_type,
            content=await scan.read(limit + 1), vault=page.services.identities, **common,
        )  # fmt: skip
    if isinstance(redacted, UploadFile) and redacted.filename:
        if original is None:
            raise BadRequest("Bản che danh tính chỉ được tải lên kèm bản gốc của đơn")
        attach_file(
            page.session, case, filename=redacted.filename, content_type=redacted.content_type,
            content=await redacted.read(limit + 1), redacted_copy_of=original.id, **common,
        )  # fmt: skip


def _register_rows(page: Page, *, reveal: bool) -> list[dict]:
    """The visits of my units, newest first; protected fields show the marker unless revealed (and audited)."""
    cases = page.session.scalars(
        select(Case)
        .where(
            Case.process_key == TRIAGE_PROCESS, Case.source == "visit", Case.unit_id.in_(page.actor.visible_unit_ids)
        )
        .order_by(Case.created_at.desc(), Case.id.desc())
        .limit(REGISTER_ROWS)
    ).all()
    runtime = CaseRuntime(page.session, page.services)
    rows = []
    for case in cases:
        data = runtime.current_data(case)
        petitioner: dict = {}
        if reveal and can_read_identity(page.actor, case):
            identity = page.services.identities.open(page.session, case) or {}
            audit_identity_access(page.session, page.services, page.actor, case, "visits_register")
            petitioner = identity.get("petitioner") or {}
        shown = data.get("petitioner") == PROTECTED_MARK
        rows.append({
            "case": case, "data": data,
            "name": petitioner.get("name") or (PROTECTED_MARK if shown else "—"),
            "address": petitioner.get("address") or (PROTECTED_MARK if shown else "—"),
            "id_number": petitioner.get("id_number") or (PROTECTED_MARK if shown else "—"),
        })  # fmt: skip
    return rows


@router.get("/reception/register", response_class=HTMLResponse)
def visits_register(page: WebPage):
    """Sổ tiếp công dân: the visits, with the protected fields redacted."""
    require(can_read_visits_register, page.actor)
    can_reveal = can_read_identity(page.actor)
    return page.render("visits_register.html", rows=_register_rows(page, reveal=False), can_reveal=can_reveal,
                       revealed=False)  # fmt: skip


@router.post("/reception/register", response_class=HTMLResponse)
async def visits_register_revealed(page: WebPage):
    """The register with identities, for the resolver and custodians only; each case read is audited."""
    require(can_read_visits_register, page.actor)
    require(can_read_identity, page.actor)
    await page.check_csrf()
    rows = _register_rows(page, reveal=True)
    page.session.commit()
    return page.render("visits_register.html", rows=rows, can_reveal=True, revealed=True)
