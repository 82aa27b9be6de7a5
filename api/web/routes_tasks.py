"""The task page: the task's form rendered from its JSON Schema, evidence uploads, the case beside it."""

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.datastructures import UploadFile

from api.web.context import Page, WebPage
from api.web.deadlines import deadline_view
from api.web.form_render import errors_by_field, form_fields, parse_submission
from api.web.routes_issued_documents import step_documents_view
from engine.cases.attachments import attachments_of_case
from engine.cases.enums import TaskStatus
from engine.cases.evidence import EvidenceFile, complete_task_with_evidence
from engine.cases.queries import case_of_task, visible_task
from engine.cases.runtime import CaseRuntime
from engine.core.errors import BadRequest, FieldError, InvalidFormData
from engine.core.models import Case, HumanTask
from engine.federation.fingerprints import handled_elsewhere
from engine.people.assignees import candidates_for
from engine.people.permissions import can_complete_task, can_read_identity, can_read_task, require
from engine.petitions.duplicates import duplicate_candidates
from engine.presentation.values import ShownField

router = APIRouter(include_in_schema=False)
HIDDEN_DATA = {"statistics_record", "anonymous"}
DUPLICATE_PANEL_TASKS = {"classify_petition"}


def _earlier_data(page: Page, case: Case, schema: dict) -> list[ShownField]:
    """The case's data so far, through its forms (this task's form first): the approval summary of a decision."""
    data = CaseRuntime(page.session, page.services).current_data(case)
    shown = {key: value for key, value in data.items() if key not in HIDDEN_DATA}
    return page.presenter(case, first=schema).present(shown)


def _people_for(page: Page, case: Case):
    """The options of a person field: active people of the case's unit holding the field's role, by full name."""

    def people(role: str | None) -> list[tuple[str, str]]:
        return [(u.username, u.full_name or u.username) for u in candidates_for(page.session, role=role,
                                                                               unit_id=case.unit_id)]  # fmt: skip

    return people


def _task_page(
    page: Page, task: HumanTask, *, values=None, errors=None, status: int = 200, message=None, draft_error=None
):
    case = case_of_task(page.session, task)
    schema = page.services.forms.schema(task.form) if task.form else {"type": "object", "properties": {}}
    now = page.services.clock.now()
    attachments = attachments_of_case(page.session, case.id)
    return page.render(
        "task.html", status_code=status, task=task, case=case, schema=schema,
        fields=form_fields(schema, values or {}, errors or {}, people=_people_for(page, case), lang=page.lang),
        earlier=_earlier_data(page, case, schema),
        deadline=deadline_view(page.services.calendar, due_at=task.due_at, reminded_at=task.reminded_at, now=now),
        message=message, mine=task.assignee in (None, page.actor.username),
        duplicates=duplicate_candidates(page.session, case) if task.spec_name in DUPLICATE_PANEL_TASKS else None,
        elsewhere=handled_elsewhere(page.session, case) if task.spec_name in DUPLICATE_PANEL_TASKS else [],
        attachments=attachments, redacted_copies={a.redacted_copy_of: a for a in attachments if a.redacted_copy_of},
        can_read_identity=can_read_identity(page.actor, case),
        **step_documents_view(page, task, draft_error=draft_error),
    )  # fmt: skip


@router.get("/tasks/{task_id}", response_class=HTMLResponse)
def task_page(task_id: str, page: WebPage):
    """The form of an open task; a finished task sends you to its case."""
    require(can_read_task, page.actor)
    task = visible_task(page.session, page.actor, task_id)
    if task.state != TaskStatus.READY:
        return RedirectResponse(f"/cases/{task.case_id}", status_code=303)
    return _task_page(page, task)


@router.post("/tasks/{task_id}", response_class=HTMLResponse)
async def submit_task(task_id: str, page: WebPage):
    """Validate and complete the task; on errors show them next to each field and keep what was typed."""
    require(can_complete_task, page.actor)
    await page.check_csrf()
    task = visible_task(page.session, page.actor, task_id)
    schema = page.services.forms.schema(task.form) if task.form else {"type": "object", "properties": {}}
    form = await page.request.form()
    data = parse_submission(schema, form)
    limit = page.settings.max_attachment_bytes
    files = [
        EvidenceFile(upload.filename, upload.content_type, await upload.read(limit + 1), protected=protected)
        for field, protected in (("evidence", False), ("protected_evidence", True))  # protected: shows an identity
        for upload in form.getlist(field)
        if isinstance(upload, UploadFile) and upload.filename
    ]
    try:
        complete_task_with_evidence(
            page.session, page.services, page.actor, task_id, data, files=files, max_bytes=limit
        )
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
