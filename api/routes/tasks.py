"""The inbox and the task actions: claim, assign, complete."""

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import DbSession, Services, TaskAssigner, TaskClaimer, TaskCompleter, TaskReader, commit
from api.routes.cases import ERRORS, case_detail, task_out
from api.schemas import (
    COMMON_RESPONSES,
    AssignIn,
    CaseDetail,
    CompleteIn,
    ErrorOut,
    JsonSchemaDocument,
    TaskOut,
    TaskPage,
    ValidationErrorOut,
)
from engine.cases.queries import inbox, visible_task
from engine.cases.runtime import CaseRuntime
from engine.core.errors import NotFound
from engine.core.models import Case

router = APIRouter(prefix="/api/tasks", tags=["tasks"], responses=COMMON_RESPONSES)
ACTION_ERRORS = {**ERRORS, 409: {"model": ErrorOut}, 422: {"model": ValidationErrorOut}}


@router.get("", response_model=TaskPage, responses=ERRORS)
def my_inbox(
    session: DbSession,
    services: Services,
    actor: TaskReader,
    assigned: Annotated[str | None, Query(pattern="^(me|group)$")] = None,
    overdue: bool = False,
    process: str | None = None,
    case_id: int | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> TaskPage:
    """Open tasks assigned to the caller, or to their role in their units."""
    found = inbox(
        session,
        actor,
        now=services.clock.now(),
        assigned=assigned,
        overdue=overdue,
        process=process,
        case_id=case_id,
        page=page,
        page_size=page_size,
    )
    codes = {c.id: c.tracking_code for c in session.query(Case).filter(Case.id.in_({t.case_id for t in found.items}))}
    return TaskPage(
        items=[task_out(t, codes.get(t.case_id)) for t in found.items],
        total=found.total,
        page=found.page,
        page_size=found.page_size,
    )


@router.get("/{task_id}", response_model=TaskOut, responses=ERRORS)
def read_task(task_id: str, session: DbSession, actor: TaskReader) -> TaskOut:
    """One task."""
    task = visible_task(session, actor, task_id)
    return task_out(task, session.get(Case, task.case_id).tracking_code)


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
    return task_out(task, session.get(Case, task.case_id).tracking_code)


@router.post("/{task_id}/assign", response_model=TaskOut, responses=ACTION_ERRORS)
def assign_task(task_id: str, body: AssignIn, session: DbSession, services: Services, actor: TaskAssigner) -> TaskOut:
    """Team leads and supervisors give a task to a named person."""
    task = CaseRuntime(session, services).assign_task(actor, task_id, body.username)
    commit(session)
    return task_out(task, session.get(Case, task.case_id).tracking_code)


@router.post("/{task_id}/complete", response_model=CaseDetail, responses=ACTION_ERRORS)
def complete_task(
    task_id: str, body: CompleteIn, session: DbSession, services: Services, actor: TaskCompleter
) -> CaseDetail:
    """Submit the task's form; the case moves on to its next step."""
    case = CaseRuntime(session, services).complete_task(actor, task_id, body.data)
    commit(session)
    return case_detail(session, services, case)
