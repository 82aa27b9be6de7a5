"""The task page: the task's form rendered from its JSON Schema, evidence uploads, the case beside it."""

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.datastructures import UploadFile

from api.web.context import Page, WebPage
from api.web.deadlines import deadline_view
from api.web.form_render import errors_by_field, form_fields, parse_submission
from engine.cases.attachments import attach_file, attachments_of_case
from engine.cases.enums import TaskStatus
from engine.cases.queries import visible_task
from engine.cases.runtime import CaseRuntime
from engine.core.errors import BadRequest, FieldError, InvalidFormData
from engine.core.models import Case, HumanTask
from engine.petitions.duplicates import duplicate_candidates
from engine.petitions.identity_access import can_read_identity

router = APIRouter(include_in_schema=False)
HIDDEN_DATA = {"statistics_record", "anonymous"}
DUPLICATE_PANEL_TASKS = {"classify_petition"}


def _earlier_data(page: Page, case: Case) -> dict:
    data = CaseRuntime(page.session, page.services).current_data(case)
    return {key: value for key, value in data.items() if key not in HIDDEN_DATA}


def _task_page(page: Page, task: HumanTask, *, values=None, errors=None, status: int = 200, message=None):
    case = page.session.get(Case, task.case_id)
    schema = page.services.forms.schema(task.form) if task.form else {"type": "object", "properties": {}}
    now = page.services.clock.now()
    attachments = attachments_of_case(page.session, case.id)
    return page.render(
        "task.html", status_code=status, task=task, case=case, schema=schema,
        fields=form_fields(schema, values or {}, errors or {}), earlier=_earlier_data(page, case),
        deadline=deadline_view(page.services.calendar, due_at=task.due_at, reminded_at=task.reminded_at, now=now),
        message=message, mine=task.assignee in (None, page.actor.username),
        duplicates=duplicate_candidates(page.session, case) if task.spec_name in DUPLICATE_PANEL_TASKS else None,
        attachments=attachments, redacted_copies={a.redacted_copy_of: a for a in attachments if a.redacted_copy_of},
        can_read_identity=can_read_identity(page.actor, case),
    )  # fmt: skip


@router.get("/tasks/{task_id}", response_class=HTMLResponse)
def task_page(task_id: str, page: WebPage):
    """The form of an open task; a finished task sends you to its case."""
    task = visible_task(page.session, page.actor, task_id)
    if task.state != TaskStatus.READY:
        return RedirectResponse(f"/cases/{task.case_id}", status_code=303)
    return _task_page(page, task)


@router.post("/tasks/{task_id}", response_class=HTMLResponse)
async def submit_task(task_id: str, page: WebPage):
    """Validate and complete the task; on errors show them next to each field and keep what was typed."""
    await page.check_csrf()
    task = visible_task(page.session, page.actor, task_id)
    schema = page.services.forms.schema(task.form) if task.form else {"type": "object", "properties": {}}
    form = await page.request.form()
    data = parse_submission(schema, form)
    files = [(f, None) for f in form.getlist("evidence") if isinstance(f, UploadFile) and f.filename]
    vault = page.services.identities  # files that show an identity are encrypted and protected
    files += [(f, vault) for f in form.getlist("protected_evidence") if isinstance(f, UploadFile) and f.filename]
    try:
        case = CaseRuntime(page.session, page.services).complete_task(page.actor, task_id, data)
        for upload, sealed_with in files:
            attach_file(
                page.session, case, task_id=task_id, filename=upload.filename, content_type=upload.content_type,
                content=await upload.read(page.settings.max_attachment_bytes + 1), uploaded_by=page.actor.username,
                at=page.services.clock.now(), max_bytes=page.settings.max_attachment_bytes, vault=sealed_with,
            )  # fmt: skip
    except InvalidFormData as exc:
        page.session.rollback()
        return _task_page(page, task, values=data, errors=errors_by_field(exc.errors), status=422,
                          message=page.t("task.invalid"))  # fmt: skip
    except BadRequest as exc:
        page.session.rollback()
        errors = errors_by_field([FieldError("evidence", exc.message)])
        return _task_page(page, task, values=data, errors=errors, status=422, message=exc.message)
    page.session.commit()
    return RedirectResponse(f"/cases/{task.case_id}?done={task.spec_name}", status_code=303)
