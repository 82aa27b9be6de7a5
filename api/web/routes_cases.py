"""Case pages: the searchable list, registration of new information, and the case with its diagram and history."""

import json
from dataclasses import replace
from datetime import date
from math import ceil

from fastapi import APIRouter, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.datastructures import UploadFile

from api.errors import http_status
from api.web.context import Page, WebPage
from api.web.deadlines import deadline_view
from api.web.form_render import errors_by_field, form_fields, parse_submission
from api.web.query_values import parse_id
from api.web.routes_issued_documents import case_documents_view
from engine.cases.attachments import attachments_of_case
from engine.cases.audit import verify_chain
from engine.cases.comments import (
    COMMENT_MAX_CHARS,
    CommentFile,
    CommentFilesClosed,
    CommentFileTooLarge,
    CommentRefused,
    add_comment,
    comments_of,
)
from engine.cases.evidence import download_attachment as attachment_download
from engine.cases.queries import CASE_STATUSES, CaseFilters, case_events, list_cases, open_tasks_of_case, visible_case
from engine.cases.runtime import CaseRuntime
from engine.core.errors import BadRequest, InvalidFormData, NotFound
from engine.federation.transfers import transfer_destinations, transfers_of_case
from engine.people.assignees import candidates_for
from engine.people.permissions import (
    can_assign_task,
    can_comment_on_case,
    can_read_attachment,
    can_read_case,
    can_read_identity,
    can_register_case,
    can_start_process,
    require,
)
from engine.people.units import units_by_ids
from engine.petitions.identity_access import read_identity
from engine.presentation.diagram import named_lanes
from engine.presentation.labels import process_names, step_name
from engine.processes.deployment import definition_by_id, latest_definition
from engine.processes.forms import enum_titles
from engine.search.text import MAX_WORDS

router = APIRouter(include_in_schema=False)
INTAKE_PROCESS = "report_1374"


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@router.get("/cases", response_class=HTMLResponse)
def case_list(page: WebPage) -> HTMLResponse:
    """Cases of my units: search as people type and filters, newest (or best matching) first, paginated."""
    require(can_read_case, page.actor)
    units = units_by_ids(page.session, page.actor.visible_unit_ids)
    processes = sorted(process_names(page.session).items(), key=lambda item: item[1])
    schema = page.services.forms.schema("receive_report.schema.json")
    return page.render(
        "cases.html", params=page.request.query_params, units=units, processes=processes, statuses=CASE_STATUSES,
        fields_enum=_enum(schema, "field", page.lang), sources_enum=_enum(schema, "source", page.lang),
        **_found_cases(page),
    )  # fmt: skip


@router.get("/cases/results", response_class=HTMLResponse)
def case_results(page: WebPage) -> HTMLResponse:
    """The list part of the cases page, fetched again while someone types in the search box (htmx)."""
    require(can_read_case, page.actor)
    return page.render("_case_results.html", **_found_cases(page))


def _found_cases(page: Page) -> dict:
    """The filters of the query string, the page of cases they find and what the list needs to show it."""
    params = page.request.query_params
    filters = CaseFilters(
        status=params.get("status") if params.get("status") in CASE_STATUSES else None,
        process=params.get("process") or None, q=(params.get("q") or "").strip()[:200] or None,
        unit=parse_id(params.get("unit")) if parse_id(params.get("unit")) in page.actor.visible_unit_ids else None,
        field=params.get("field") or None, source=params.get("source") or None,
        overdue=params.get("overdue") == "1",
        received_from=_day(params.get("from")), received_to=_day(params.get("to")),
        screening=params.get("screening") or None, party_sanction=params.get("party_sanction") or None,
        state_sanction=params.get("state_sanction") or None, channel=params.get("channel") or None,
    )  # fmt: skip
    number = max(parse_id(params.get("p")) or 1, 1)
    now = page.services.clock.now()
    search_problem = None
    try:
        found = list_cases(page.session, page.actor, filters, now=now, page=number, page_size=25)
    except BadRequest:
        if not filters.q:
            raise
        search_problem = page.t("cases.search_problem", words=MAX_WORDS)
        found = list_cases(page.session, page.actor, replace(filters, q=None), now=now, page=number, page_size=25)
    query = {k: v for k, v in params.items() if k != "p"}
    pages = max(ceil(found.total / found.page_size), 1)
    return {"found": found, "filters": filters, "query": query, "pages": pages, "search_problem": search_problem}


def _enum(schema: dict, name: str, lang: str) -> list[tuple[str, str]]:
    prop = schema.get("properties", {}).get(name, {})
    values = prop.get("enum", [])
    return list(zip(values, enum_titles(prop, lang) or values, strict=False))


def _intake_schema(page: Page) -> tuple[dict, str]:
    definition = latest_definition(page.session, INTAKE_PROCESS)
    if definition is None or not definition.catalog.get("start_form"):
        raise NotFound(f"Process '{INTAKE_PROCESS}' is not deployed")
    require(can_start_process, page.actor, definition)
    return page.services.forms.schema(definition.catalog["start_form"]), definition.catalog["start_form"]


@router.get("/cases/new", response_class=HTMLResponse)
def new_case_form(page: WebPage) -> HTMLResponse:
    """The intake form of a 1374 report."""
    require(can_register_case, page.actor)
    schema, _ = _intake_schema(page)
    return page.render("case_new.html", fields=form_fields(schema, {}, {}, lang=page.lang), message=None)


@router.post("/cases/new", response_class=HTMLResponse)
async def register_case(page: WebPage):
    """Register the report; on errors keep what was typed and show them per field."""
    require(can_register_case, page.actor)
    await page.check_csrf()
    schema, _ = _intake_schema(page)
    data = parse_submission(schema, await page.request.form())
    try:
        case = CaseRuntime(page.session, page.services).start_case(page.actor, process_key=INTAKE_PROCESS, data=data)
    except InvalidFormData as exc:
        page.session.rollback()
        fields = form_fields(schema, data, errors_by_field(exc.errors), lang=page.lang)
        return page.render("case_new.html", status_code=422, fields=fields, message=page.t("task.invalid"))
    page.session.commit()
    return RedirectResponse(f"/cases/{case.id}", status_code=303)


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(case_id: int, page: WebPage) -> HTMLResponse:
    """The case: diagram with steps highlighted, timeline, chain verification, open tasks, attachments."""
    require(can_read_case, page.actor)
    return _case_page(page, visible_case(page.session, page.actor, case_id))


@router.get("/cases/{case_id}/identity", response_class=HTMLResponse)
def identity_page(case_id: int, page: WebPage) -> HTMLResponse:
    """The protected identity of a case, behind a button, for the resolver and custodians (no case data)."""
    require(can_read_identity, page.actor)
    case = visible_case(page.session, page.actor, case_id)
    require(can_read_identity, page.actor, case)
    return page.render("identity.html", case=case, identity_shown=False, identity=None)


@router.post("/cases/{case_id}/identity", response_class=HTMLResponse)
async def reveal_identity(case_id: int, page: WebPage) -> HTMLResponse:
    """The protected identity, for the resolver (on the case page) and custodians (alone); the read is audited."""
    require(can_read_identity, page.actor)
    await page.check_csrf()
    case = visible_case(page.session, page.actor, case_id)
    identity = read_identity(page.session, page.services, page.actor, case)
    page.session.commit()
    if can_read_case(page.actor, case):
        return _case_page(page, case, identity_shown=True, identity=identity)
    return page.render("identity.html", case=case, identity_shown=True, identity=identity)


def _case_page(
    page: Page,
    case,
    *,
    identity_shown: bool = False,
    identity: dict | None = None,
    comment_form: dict | None = None,
    transfer_form: dict | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    now = page.services.clock.now()
    completed, current = CaseRuntime(page.session, page.services).steps_taken(case)
    tasks = open_tasks_of_case(page.session, case.id)
    overdue = {t.spec_name for t in tasks if t.due_at is not None and t.due_at < now}
    can_reassign = can_assign_task(page.actor, case)
    candidates = {t.id: candidates_for(page.session, role=t.lane, unit_id=case.unit_id) for t in tasks if can_reassign}
    markers = {"completed": sorted(completed), "current": sorted(current - overdue), "overdue": sorted(overdue)}
    attachments = attachments_of_case(page.session, case.id)
    copies = {a.redacted_copy_of: a for a in attachments if a.redacted_copy_of is not None}
    catalog = definition_by_id(page.session, case.definition_id).catalog
    presenter = page.presenter(case)
    done = page.request.query_params.get("done")
    return page.render(
        "case.html", status_code=status_code, case=case, tasks=tasks, events=case_events(page.session, case.id),
        verdict=verify_chain(page.session, case.id), markers=json.dumps(markers),
        deadlines={t.id: deadline_view(page.services.calendar, due_at=t.due_at, reminded_at=t.reminded_at, now=now)
                   for t in tasks},
        can_reassign=can_reassign, candidates=candidates, attachments=attachments, redacted_copies=copies,
        done=done, done_name=step_name(catalog, done), step_names=catalog.get("names", {}), presenter=presenter,
        case_data=presenter.present(CaseRuntime(page.session, page.services).current_data(case)),
        can_read_identity=can_read_identity(page.actor, case),
        identity_shown=identity_shown, identity=identity, comments=comments_of(page.session, page.actor, case),
        can_comment=can_comment_on_case(page.actor, case), comment_form=comment_form or {},
        comment_max=COMMENT_MAX_CHARS, **case_documents_view(page, case),
        transfers=transfers_of_case(page.session, case.id),
        destinations=transfer_destinations(page.session, page.actor, case), transfer_form=transfer_form or {},
    )  # fmt: skip


@router.post("/cases/{case_id}/comments", response_class=HTMLResponse)
async def post_comment(case_id: int, page: WebPage):
    """Post a comment or a reply with its files (the same engine function as the REST API); a refused one shows
    the case again with the reason, keeping the text."""
    require(can_comment_on_case, page.actor)
    await page.check_csrf()
    case = visible_case(page.session, page.actor, case_id)
    form = await page.request.form()
    body, parent_id = str(form.get("body") or ""), parse_id(str(form.get("parent_id") or ""))
    limit = page.settings.max_attachment_bytes
    files = [
        CommentFile(upload.filename, upload.content_type or "", await upload.read(limit + 1), protected=protected)
        for field, protected in (("files", False), ("protected_files", True))  # protected: shows an identity
        for upload in form.getlist(field)
        if isinstance(upload, UploadFile) and upload.filename
    ]
    try:
        comment = add_comment(page.session, page.actor, case, body, now=page.services.clock.now(), max_bytes=limit,
                              parent_id=parent_id, files=files, vault=page.services.identities,
                          base_url=page.services.portal_base_url)  # fmt: skip
    except (CommentRefused, CommentFileTooLarge, CommentFilesClosed) as exc:
        page.session.rollback()
        case = visible_case(page.session, page.actor, case_id)
        message = page.t(f"comment.refused.{exc.reason}", **exc.values)
        return _case_page(page, case, comment_form={"body": body, "parent_id": parent_id, "error": message},
                          status_code=http_status(exc))  # fmt: skip
    page.session.commit()
    return RedirectResponse(f"/cases/{case_id}#comment-{comment.id}", status_code=303)


@router.get("/cases/{case_id}/diagram.bpmn")
def case_diagram(case_id: int, page: WebPage) -> Response:
    """The BPMN XML of the case's process version, for the diagram viewer."""
    require(can_read_case, page.actor)
    case = visible_case(page.session, page.actor, case_id)
    definition = definition_by_id(page.session, case.definition_id)
    return Response(named_lanes(definition.content, page.lang), media_type="application/xml")


@router.post("/tasks/{task_id}/reassign")
async def reassign_task(task_id: str, page: WebPage) -> RedirectResponse:
    """A team lead or supervisor gives an open task to someone else."""
    require(can_assign_task, page.actor)
    await page.check_csrf()
    form = await page.request.form()
    task = CaseRuntime(page.session, page.services).assign_task(page.actor, task_id, str(form.get("username", "")))
    page.session.commit()
    return RedirectResponse(f"/cases/{task.case_id}", status_code=303)


@router.get("/cases/{case_id}/attachments/{attachment_id}")
def download_attachment(case_id: int, attachment_id: int, page: WebPage) -> Response:
    """An attachment of a case the user may see."""
    require(can_read_attachment, page.actor)
    case = visible_case(page.session, page.actor, case_id)
    attachment, content = attachment_download(page.session, page.services, page.actor, attachment_id, case_id=case.id)
    page.session.commit()  # an identity-bearing file's download is audited
    headers = {"Content-Disposition": f'attachment; filename="{attachment.sha256[:12]}-{attachment.id}"'}
    return Response(content, media_type=attachment.content_type, headers=headers)
