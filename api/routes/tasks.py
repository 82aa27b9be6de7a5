"""The inbox and the task actions: claim, assign, complete."""

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Response, UploadFile
from pydantic import Json

from api.answers import json_answer
from api.delegation_schemas import BulkReassignIn, BulkReassignOut
from api.deps import (
    AppSettings,
    DbSession,
    Services,
    TaskAssigner,
    TaskClaimer,
    TaskCompleter,
    TaskReader,
    TaskUnclaimer,
    commit,
    read_without_write_lock,
)
from api.routes.cases import ERRORS, case_detail, task_out
from api.schemas import (
    COMMON_RESPONSES,
    AssignIn,
    CaseDetail,
    CompleteIn,
    ErrorOut,
    InboxCounts,
    JsonSchemaDocument,
    TaskOut,
    TaskPage,
    ValidationErrorOut,
)
from engine.cases.delegation import reassign_tasks
from engine.cases.evidence import EvidenceFile, complete_task_with_evidence
from engine.cases.queries import (
    INBOX_ORDERS,
    INBOX_SORTS,
    inbox,
    tracking_code_of,
    tracking_codes,
    visible_task,
)
from engine.cases.runtime import CaseRuntime
from engine.core.errors import NotFound

router = APIRouter(prefix="/api/tasks", tags=["tasks"], responses=COMMON_RESPONSES)
ACTION_ERRORS = {**ERRORS, 409: {"model": ErrorOut}, 422: {"model": ValidationErrorOut}}


SORT_PATTERN = f"^({'|'.join(INBOX_SORTS)})$"
ORDER_PATTERN = f"^({'|'.join(INBOX_ORDERS)})$"


@router.get("", response_model=TaskPage, responses=ERRORS)
def my_inbox(
    session: DbSession,
    services: Services,
    actor: TaskReader,
    assigned: Annotated[str | None, Query(pattern="^(me|group)$")] = None,
    overdue: bool = False,
    due_within_days: Annotated[
        int | None, Query(ge=1, le=366, description="only tasks due within this many days (7: the week tab)")
    ] = None,
    process: str | None = None,
    case_id: int | None = None,
    q: Annotated[
        str | None, Query(max_length=200, description="words of the tracking code, title, subject or step name")
    ] = None,
    sort: Annotated[str, Query(pattern=SORT_PATTERN, description="the column to sort by")] = "deadline",
    order: Annotated[str, Query(pattern=ORDER_PATTERN)] = "asc",
    with_counts: Annotated[bool, Query(description="add the counts of the inbox tabs")] = True,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> TaskPage:
    """Open tasks assigned to the caller, or to their role in their units: searched, sorted, with the tab counts."""
    now = services.clock.now()
    found = inbox(
        session,
        actor,
        now=now,
        assigned=assigned,
        overdue=overdue,
        due_before=now + timedelta(days=due_within_days) if due_within_days else None,
        process=process,
        case_id=case_id,
        q=q,
        sort=sort,
        order=order,
        page=page,
        page_size=page_size,
        with_counts=with_counts,
    )
    codes = tracking_codes(session, {t.case_id for t in found.items})
    counts = InboxCounts(**found.counts) if with_counts else None
    return TaskPage(
        items=[task_out(t, codes.get(t.case_id)) for t in found.items],
        total=found.total,
        page=found.page,
        page_size=found.page_size,
        counts=counts,
    )


@router.get("/{task_id}", response_model=TaskOut, responses=ERRORS)
def read_task(task_id: str, session: DbSession, actor: TaskReader) -> TaskOut:
    """One task."""
    task = visible_task(session, actor, task_id)
    return task_out(task, tracking_code_of(session, task.case_id))


@router.get("/{task_id}/form", response_model=JsonSchemaDocument, responses=ERRORS)
def read_task_form(task_id: str, session: DbSession, services: Services, actor: TaskReader) -> JsonSchemaDocument:
    """The JSON Schema of the task's form."""
    task = visible_task(session, actor, task_id)
    if not task.form:
        raise NotFound(f"Task '{task.name}' has no form")
    return JsonSchemaDocument(services.forms.schema(task.form))


@router.post("/{task_id}/claim", response_model=TaskOut, responses=ACTION_ERRORS)
def claim_task(task_id: str, session: DbSession, services: Services, actor: TaskClaimer) -> TaskOut:
    """Take a group task into one's own inbox."""
    task = CaseRuntime(session, services).claim_task(actor, task_id)
    commit(session)
    return task_out(task, tracking_code_of(session, task.case_id))


@router.post("/{task_id}/unclaim", response_model=TaskOut, responses=ACTION_ERRORS)
def unclaim_task(task_id: str, session: DbSession, services: Services, actor: TaskUnclaimer) -> TaskOut:
    """Give a claimed task back to its group ("trả lại"): the assignee, or a team lead or supervisor."""
    task = CaseRuntime(session, services).unclaim_task(actor, task_id)
    commit(session)
    return task_out(task, tracking_code_of(session, task.case_id))


@router.post("/{task_id}/assign", response_model=TaskOut, responses=ACTION_ERRORS)
def assign_task(task_id: str, body: AssignIn, session: DbSession, services: Services, actor: TaskAssigner) -> TaskOut:
    """Team leads and supervisors give a task to a named person."""
    task = CaseRuntime(session, services).assign_task(actor, task_id, body.username)
    commit(session)
    return task_out(task, tracking_code_of(session, task.case_id))


@router.post("/{task_id}/complete", response_model=CaseDetail, responses=ACTION_ERRORS)
def complete_task(
    task_id: str, body: CompleteIn, session: DbSession, services: Services, actor: TaskCompleter
) -> Response:
    """Submit the task's form; the case moves on to its next step."""
    runtime = CaseRuntime(session, services)
    case = runtime.complete_task(actor, task_id, body.data)
    commit(session)
    read_without_write_lock(session)  # the answer only reads
    return json_answer(case_detail(session, services, case, runtime))  # a CaseDetail, serialized once


async def _evidence(uploads: list[UploadFile] | None, *, protected: bool, limit: int) -> list[EvidenceFile]:
    return [
        EvidenceFile(upload.filename or "file", upload.content_type or "", await upload.read(limit + 1), protected)
        for upload in uploads or []
    ]


@router.post(
    "/{task_id}/complete-with-evidence",
    response_model=CaseDetail,
    responses={
        **ACTION_ERRORS,
        400: {"model": ErrorOut, "description": "An empty file"},
        413: {"model": ErrorOut, "description": "A file is larger than the limit"},
    },
)
async def complete_task_with_files(
    task_id: str,
    session: DbSession,
    services: Services,
    settings: AppSettings,
    actor: TaskCompleter,
    data: Annotated[Json[dict[str, Any]], Form(description="the task's form data, a JSON object")],
    evidence: Annotated[list[UploadFile] | None, File(description="evidence files")] = None,
    protected_evidence: Annotated[
        list[UploadFile] | None, File(description="files that show a protected identity (stored encrypted)")
    ] = None,
) -> CaseDetail:
    """Submit the task's form with evidence files, as the task page does: all of it is kept, or none."""
    limit = settings.max_attachment_bytes
    files = await _evidence(evidence, protected=False, limit=limit)
    files += await _evidence(protected_evidence, protected=True, limit=limit)
    case = complete_task_with_evidence(session, services, actor, task_id, data, files=files, max_bytes=limit)
    commit(session)
    return case_detail(session, services, case)


@router.post("/reassign", response_model=BulkReassignOut, responses=ACTION_ERRORS)
def reassign_several(
    body: BulkReassignIn, session: DbSession, services: Services, actor: TaskAssigner
) -> BulkReassignOut:
    """Team leads and supervisors give several open tasks to one person at once: all of them, or none."""
    tasks = reassign_tasks(session, services, actor, body.task_ids, body.assignee)
    commit(session)
    codes = tracking_codes(session, {t.case_id for t in tasks})
    return BulkReassignOut(items=[task_out(t, codes.get(t.case_id)) for t in tasks])
