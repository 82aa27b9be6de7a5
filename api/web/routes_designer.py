"""The designer's pages: deployed processes, importing a BPMN file, and the bpmn-js modeler with lint and deploy."""

import json

from fastapi import APIRouter, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from api.errors import http_status
from api.web.context import Page, WebPage
from api.web.form_render import form_fields
from api.web.i18n import translate
from api.web.query_values import parse_id
from engine.core.errors import BadRequest, DeploymentRejected
from engine.documents.kinds import KIND_INFO, DocumentKind
from engine.people.permissions import can_deploy, can_design, require
from engine.processes.deployment import (
    DeploymentPreview,
    deploy_bpmn,
    latest_definitions,
    newest_version_number,
    preview_deployment,
)
from engine.processes.drafts import delete_draft, get_draft, list_drafts, save_draft
from engine.processes.form_store import save_form, schema_problem
from engine.processes.forms import schema_title
from engine.processes.lint import LintProblem, lint_bpmn
from engine.processes.versions import definition_of_version

router = APIRouter(include_in_schema=False)

MAX_UPLOAD_BYTES = 5_000_000
BLANK_DIAGRAM = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
  id="definitions_new_process" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="new_process" name="Quy trình mới" isExecutable="true">
    <bpmn:startEvent id="start" name="Bắt đầu" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="diagram_new_process">
    <bpmndi:BPMNPlane id="plane_new_process" bpmnElement="new_process">
      <bpmndi:BPMNShape id="start_di" bpmnElement="start">
        <dc:Bounds x="180" y="160" width="36" height="36" />
      </bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
"""


def _utf8(content: bytes, filename: str) -> bytes:
    """Refuse (400) a file that is not UTF-8: deployed versions are stored as UTF-8 text."""
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest(f"{filename} is not UTF-8 encoded (byte {exc.start}); save it as UTF-8") from exc
    return content


def _home(page: Page, status_code: int = 200, **context: object) -> HTMLResponse:
    processes, drafts = latest_definitions(page.session), list_drafts(page.session)
    return page.render("designer.html", status_code, processes=processes, drafts=drafts, **context)


@router.get("/designer", response_class=HTMLResponse)
def designer_home(page: WebPage) -> HTMLResponse:
    """Deployed processes with their latest version, and the form to import a BPMN file from any modeler."""
    require(can_design, page.actor)
    return _home(page)


@router.post("/designer/upload", response_class=HTMLResponse)
async def upload_bpmn(page: WebPage, file: UploadFile | None = None) -> HTMLResponse:
    """Lint and deploy an uploaded BPMN 2.0 file; errors come back with the elements that have them (422)."""
    require(can_deploy, page.actor)
    await page.check_csrf()
    if file is None or not file.filename:
        raise BadRequest("Choose a .bpmn file to upload")
    content = _utf8(await file.read(MAX_UPLOAD_BYTES + 1), file.filename)
    try:
        result = deploy_bpmn(
            page.session, content=content, filename=file.filename, forms=page.services.forms,
            deployed_by=page.user.username, max_bytes=MAX_UPLOAD_BYTES,
        )  # fmt: skip
    except DeploymentRejected as rejected:
        return _home(page, 422, rejected_file=file.filename, errors=rejected.problems)
    page.session.commit()
    return _home(page, deployed=result.definition, created=result.created, warnings=result.warnings)


def _modeler(page: Page, *, xml_url: str | None, key: str | None, version: int | None, draft=None) -> HTMLResponse:
    return page.render(
        "modeler.html", xml_url=xml_url, key=key, version=version, blank_xml=BLANK_DIAGRAM,
        forms=page.services.forms.names(), draft=draft,
        document_kinds=[(kind.value, KIND_INFO[kind].name_vi) for kind in DocumentKind],
    )  # fmt: skip


@router.get("/designer/new", response_class=HTMLResponse)
def new_diagram(page: WebPage) -> HTMLResponse:
    """The modeler with a blank diagram."""
    require(can_design, page.actor)
    return _modeler(page, xml_url=None, key=None, version=None)


@router.get("/designer/edit/{key}", response_class=HTMLResponse)
def edit_process(key: str, page: WebPage, version: int | None = None) -> HTMLResponse:
    """The modeler with a deployed version (the newest when none is given)."""
    require(can_design, page.actor)
    if version is None:
        version = newest_version_number(page.session, key) or 0
    definition = definition_of_version(page.session, key, version)
    url = f"/designer/processes/{key}/versions/{definition.version}/diagram.bpmn"
    return _modeler(page, xml_url=url, key=key, version=definition.version)


@router.get("/designer/forms.json")
def form_names(page: WebPage) -> JSONResponse:
    """The names of the forms a user task can use."""
    require(can_design, page.actor)
    return JSONResponse({"forms": page.services.forms.names()})


async def _posted_xml(page: Page) -> tuple[bytes, str]:
    await page.check_csrf()
    content = await page.request.body()
    if not content.strip():
        raise BadRequest("Send the BPMN XML of the diagram in the request body")
    if len(content) > MAX_UPLOAD_BYTES:
        raise BadRequest(f"The diagram is {len(content)} bytes; the limit is {MAX_UPLOAD_BYTES} bytes")
    filename = page.request.query_params.get("filename") or "diagram.bpmn"
    return _utf8(content, filename), filename


def _problems(problems: list[LintProblem], lang: str) -> list[dict]:
    """Each problem as the API gives it, plus ``text``: the problem in the page's language."""
    return [{**problem.as_dict(), "text": problem.message_in(lang)} for problem in problems]


@router.post("/designer/lint")
async def lint_diagram(page: WebPage) -> JSONResponse:
    """Lint the modeler's XML; every problem with its severity, check, element and message."""
    require(can_design, page.actor)
    content, filename = await _posted_xml(page)
    report = lint_bpmn(content, filename, page.services.forms)
    return JSONResponse(
        {"ok": report.ok, "process_key": report.process_key, "problems": _problems(report.problems, page.lang)}
    )


def preview_json(preview: DeploymentPreview, lang: str) -> dict:
    """A deployment preview as the modeler's confirmation dialog reads it."""
    diff = preview.diff
    elements = {
        kind: [{"id": e.id, "type": e.type, "name": e.name} for e in getattr(diff, kind)] if diff else []
        for kind in ("added", "removed")
    }
    changed = (
        [{"id": e.id, "type": e.type, "name": e.name, "changes": list(e.changes)} for e in diff.changed] if diff else []
    )
    return {
        "ok": True, "process_key": preview.process_key, "process_name": preview.process_name,
        "current_version": preview.current_version, "next_version": preview.next_version,
        "unchanged": preview.unchanged, **elements, "changed": changed,
        "problems": _problems(preview.warnings, lang),
    }  # fmt: skip


@router.post("/designer/deploy/preview")
async def preview_deploy(page: WebPage) -> JSONResponse:
    """What deploying the modeler's XML would change (the confirmation step); refused (422) on lint errors."""
    require(can_deploy, page.actor)
    content, filename = await _posted_xml(page)
    try:
        preview = preview_deployment(
            page.session, content=content, filename=filename, forms=page.services.forms, max_bytes=MAX_UPLOAD_BYTES
        )
    except DeploymentRejected as rejected:
        problems = _problems(rejected.problems, page.lang)
        return JSONResponse({"ok": False, "problems": problems}, status_code=http_status(rejected))
    return JSONResponse(preview_json(preview, page.lang))


@router.post("/designer/deploy")
async def deploy_diagram(page: WebPage) -> JSONResponse:
    """Deploy the modeler's XML as the next version; refused (422) with the errors when lint finds any."""
    require(can_deploy, page.actor)
    content, filename = await _posted_xml(page)
    try:
        result = deploy_bpmn(
            page.session, content=content, filename=filename, forms=page.services.forms,
            deployed_by=page.user.username, max_bytes=MAX_UPLOAD_BYTES,
        )  # fmt: skip
    except DeploymentRejected as rejected:
        return JSONResponse(
            {"ok": False, "problems": _problems(rejected.problems, page.lang)}, status_code=http_status(rejected)
        )
    page.session.commit()
    definition = result.definition
    return JSONResponse(
        {
            "ok": True, "created": result.created, "key": definition.key, "version": definition.version,
            "problems": _problems(result.warnings, page.lang),
            "versions_url": f"/designer/processes/{definition.key}/versions",
            "migrations_url": f"/designer/processes/{definition.key}/migrations?to_version={definition.version}",
        }
    )  # fmt: skip


def _int_param(page: Page, name: str) -> int | None:
    value = page.request.query_params.get(name) or ""
    if value and parse_id(value) is None:
        raise BadRequest(f"{name} must be a number")
    return parse_id(value)


@router.post("/designer/drafts")
async def save_draft_route(page: WebPage) -> JSONResponse:
    """Save the modeler's XML as a draft (a new one, or ``?draft_id=`` updated); nothing is deployed."""
    require(can_design, page.actor)
    content, _filename = await _posted_xml(page)
    params = page.request.query_params
    draft = save_draft(
        page.session, xml=content.decode("utf-8", errors="replace"), name=params.get("name") or "",
        saved_by=page.user.username, draft_id=_int_param(page, "draft_id"),
        process_key=params.get("process_key") or None, based_on_version=_int_param(page, "based_on_version"),
    )  # fmt: skip
    page.session.commit()
    return JSONResponse({"id": draft.id, "name": draft.name, "url": f"/designer/drafts/{draft.id}"})


@router.get("/designer/drafts/{draft_id}", response_class=HTMLResponse)
def open_draft(draft_id: int, page: WebPage) -> HTMLResponse:
    """The modeler with a saved draft."""
    require(can_design, page.actor)
    draft = get_draft(page.session, draft_id)
    url = f"/designer/drafts/{draft.id}/diagram.bpmn"
    return _modeler(page, xml_url=url, key=draft.process_key, version=draft.based_on_version, draft=draft)


@router.get("/designer/drafts/{draft_id}/diagram.bpmn")
def draft_diagram(draft_id: int, page: WebPage) -> Response:
    """The BPMN XML of a draft."""
    require(can_design, page.actor)
    return Response(get_draft(page.session, draft_id).xml, media_type="application/xml")


@router.post("/designer/drafts/{draft_id}/delete")
async def delete_draft_route(draft_id: int, page: WebPage) -> RedirectResponse:
    """Delete a draft; back to the designer's page."""
    require(can_design, page.actor)
    await page.check_csrf()
    delete_draft(page.session, draft_id)
    page.session.commit()
    return RedirectResponse("/designer", status_code=303)


@router.get("/designer/forms/schema")
def form_schema(page: WebPage, name: str) -> JSONResponse:
    """The JSON Schema of one form (from forms/ or saved from the editor)."""
    require(can_design, page.actor)
    return JSONResponse(page.services.forms.schema(name))


def _parse_schema(text: str, lang: str) -> tuple[dict | None, str | None]:
    """The posted schema, or why it cannot be a form, in the page's language."""
    if not text.strip():
        return None, translate("form_editor.empty", lang)
    try:
        schema = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, translate("form_editor.bad_json", lang, line=exc.lineno, column=exc.colno, detail=exc.msg)
    problem = schema_problem(schema)
    if problem is None:
        return schema, None
    if not isinstance(schema, dict):
        return None, translate("form_editor.not_object", lang)
    detail = problem.removeprefix("not a valid JSON Schema: ")
    return None, translate("form_editor.bad_schema", lang, detail=detail)


@router.post("/designer/forms/preview", response_class=HTMLResponse)
async def preview_form(page: WebPage) -> HTMLResponse:
    """The form as officers will see it, rendered from the posted schema text; or why the schema is not valid."""
    require(can_design, page.actor)
    await page.check_csrf()
    posted = await page.request.form()
    text = posted.get("schema")
    schema, problem = _parse_schema(text if isinstance(text, str) else "", page.lang)
    if problem:
        return page.render("_form_preview.html", 422, problem=problem, fields=[])
    try:
        fields = form_fields(schema, lang=page.lang)
    except Exception as exc:  # a valid schema our renderer cannot show is reported, never a 500
        return page.render(
            "_form_preview.html", 422, problem=translate("form_editor.cannot_render", page.lang, detail=exc), fields=[]
        )
    return page.render("_form_preview.html", problem=None, fields=fields, title=schema_title(schema, page.lang))


@router.post("/designer/forms")
async def save_form_route(page: WebPage) -> JSONResponse:
    """Save an edited form under a new immutable name (e.g. verify_report.v2.schema.json)."""
    require(can_design, page.actor)
    await page.check_csrf()
    posted = await page.request.form()
    text, based_on = posted.get("schema"), posted.get("based_on")
    schema, problem = _parse_schema(text if isinstance(text, str) else "", page.lang)
    if problem:
        return JSONResponse({"ok": False, "problem": problem}, status_code=422)
    form = save_form(
        page.session, page.services.forms, based_on=based_on if isinstance(based_on, str) else "", schema=schema,
        created_by=page.user.username,
    )  # fmt: skip
    page.session.commit()
    return JSONResponse({"ok": True, "name": form.name})
