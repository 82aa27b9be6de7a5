"""Cases: registration, lists, details, audit trail and its verification, protected identity."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import CaseReader, CaseRecoverer, CaseRegistrar, DbSession, IdentityReader, Services, commit
from api.schemas import (
    COMMON_RESPONSES,
    CaseCreate,
    CaseCreated,
    CaseDetail,
    CaseErrorOut,
    CasePage,
    CaseSummary,
    ChainVerdictOut,
    DuplicateCandidateOut,
    ErrorOut,
    EventOut,
    HandledElsewhereOut,
    IdentityOut,
    RecoveryIn,
    SearchMatchOut,
    StuckCaseOut,
    TaskOut,
    ValidationErrorOut,
)
from engine.cases.audit import verify_chain
from engine.cases.enums import CaseStatus
from engine.cases.queries import CaseFilters, case_events, list_cases, open_tasks_of_case, visible_case
from engine.cases.recovery import cancel_case, retry_case, stuck_cases
from engine.cases.runtime import CaseRuntime
from engine.core.models import Case, HumanTask
from engine.federation.fingerprints import handled_elsewhere
from engine.petitions.duplicates import duplicate_candidates
from engine.petitions.identity_access import read_identity

router = APIRouter(prefix="/api/cases", tags=["cases"], responses=COMMON_RESPONSES)
ERRORS = {401: {"model": ErrorOut}, 403: {"model": ErrorOut}, 404: {"model": ErrorOut}}


def task_out(task: HumanTask, tracking_code: str | None = None) -> TaskOut:
    """The API view of a human task."""
    return TaskOut(
        id=task.id,
        case_id=task.case_id,
        tracking_code=tracking_code,
        name=task.name,
        spec_name=task.spec_name,
        lane=task.lane,
        assignee=task.assignee,
        state=task.state,
        form=task.form,
        due_at=task.due_at,
        reminded_at=task.reminded_at,
        escalated=task.escalated,
        created_at=task.created_at,
        completed_at=task.completed_at,
        completed_by=task.completed_by,
    )


def case_summary(case: Case) -> CaseSummary:
    """The API view of a case in a list."""
    return CaseSummary(
        id=case.id,
        tracking_code=case.tracking_code,
        process=case.process_key,
        process_version=case.process_version,
        unit_id=case.unit_id,
        status=case.status,
        current_step=case.current_step,
        title=case.title,
        source=case.source,
        field=case.field,
        subject_name=case.subject_name,
        created_by=case.created_by,
        created_at=case.created_at,
        updated_at=case.updated_at,
        completed_at=case.completed_at,
        version=case.version,
        matter_id=case.matter_id,
    )


def case_detail(session, services, case: Case, runtime: CaseRuntime | None = None) -> CaseDetail:
    """The API view of one case, with open tasks and data (from ``runtime`` when it just saved the case)."""
    error = (
        CaseErrorOut(message=case.error_message, line=case.error_line, task=case.error_task)
        if case.status == CaseStatus.ERROR
        else None
    )
    return CaseDetail(
        **case_summary(case).model_dump(),
        open_tasks=[task_out(t, case.tracking_code) for t in open_tasks_of_case(session, case.id)],
        data=(runtime or CaseRuntime(session, services)).current_data(case),
        error=error,
    )


@router.post("", response_model=CaseCreated, status_code=201, responses={**ERRORS, 422: {"model": ValidationErrorOut}})
def register_case(body: CaseCreate, session: DbSession, services: Services, actor: CaseRegistrar) -> CaseCreated:
    """Register a case (a report, petition…) with its intake data; the procedure starts at once."""
    case = CaseRuntime(session, services).start_case(
        actor, process_key=body.process, data=body.data, unit_id=body.unit_id
    )
    commit(session)
    return CaseCreated(id=case.id, tracking_code=case.tracking_code, status=case.status)


@router.get("", response_model=CasePage, responses=ERRORS)
def search_cases(
    session: DbSession,
    services: Services,
    actor: CaseReader,
    status: str | None = None,
    process: str | None = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    unit: int | None = None,
    field: str | None = None,
    source: str | None = None,
    overdue: bool = False,
    received_from: Annotated[date | None, Query(alias="from", description="received on or after")] = None,
    received_to: Annotated[date | None, Query(alias="to", description="received on or before")] = None,
    screening: Annotated[str | None, Query(description="in_scope, out_of_scope, duplicate or pending")] = None,
    party_sanction: str | None = None,
    state_sanction: str | None = None,
    channel: Annotated[str | None, Query(description="publicized: writing, media or portal")] = None,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 20,
) -> CasePage:
    """Cases of the caller's units (and the units below them), newest first.

    With ``q``: a search as people type over tracking code, title, subject and description, without regard to
    case or diacritics ("dat dai" finds "đất đai"); every word must match, the last may be begun ("dat da").
    The best matches come first (code, then title, then subject), each with its matched words marked.
    """
    filters = CaseFilters(
        status, process, q, unit, field, source, overdue, received_from, received_to,
        screening, party_sanction, state_sanction, channel,
    )  # fmt: skip
    found = list_cases(session, actor, filters, now=services.clock.now(), page=page, page_size=page_size)
    items = [case_summary(c) for c in found.items]
    for item in items:
        if (highlight := found.highlights.get(item.id)) is not None:
            item.match = SearchMatchOut(
                title_html=highlight.title_html,
                subject_html=highlight.subject_html,
                snippet_html=highlight.snippet_html,
            )
    return CasePage(items=items, total=found.total, page=found.page, page_size=found.page_size, capped=found.capped)


@router.get("/stuck", response_model=list[StuckCaseOut], responses=ERRORS)
def list_stuck_cases(session: DbSession, actor: CaseRecoverer) -> list[StuckCaseOut]:
    """The cases of my units stopped by an error in a script or engine step (supervisors, designers)."""
    return [
        StuckCaseOut(
            id=stuck.case_id,
            tracking_code=stuck.tracking_code,
            title=stuck.title,
            unit_id=stuck.unit_id,
            process=stuck.process_key,
            process_version=stuck.process_version,
            error=CaseErrorOut(message=stuck.error_message, line=stuck.error_line, task=stuck.error_task),
            since=stuck.since,
        )
        for stuck in stuck_cases(session, actor)
    ]


RECOVERY_ERRORS = {**ERRORS, 400: {"model": ErrorOut}, 409: {"model": ErrorOut}}


@router.post("/{case_id}/retry", response_model=CaseDetail, responses=RECOVERY_ERRORS)
def retry_stuck_case(
    case_id: int, body: RecoveryIn, session: DbSession, services: Services, actor: CaseRecoverer
) -> CaseDetail:
    """Run the failed step of a case in ``error`` again; it stays in ``error`` if the step fails again."""
    case = retry_case(session, services, actor, case_id, body.reason)
    detail = case_detail(session, services, case)
    commit(session)
    return detail


@router.post("/{case_id}/cancel", response_model=CaseDetail, responses=RECOVERY_ERRORS)
def cancel_stuck_case(
    case_id: int, body: RecoveryIn, session: DbSession, services: Services, actor: CaseRecoverer
) -> CaseDetail:
    """End a case in ``error`` for good (status ``cancelled``): its open tasks and timers are closed."""
    case = cancel_case(session, services, actor, case_id, body.reason)
    detail = case_detail(session, services, case)
    commit(session)
    return detail


@router.get("/{case_id}", response_model=CaseDetail, responses=ERRORS)
def read_case(case_id: int, session: DbSession, services: Services, actor: CaseReader) -> CaseDetail:
    """One case with its open tasks, current step and data."""
    return case_detail(session, services, visible_case(session, actor, case_id))


@router.get("/{case_id}/events", response_model=list[EventOut], responses=ERRORS)
def read_case_events(case_id: int, session: DbSession, actor: CaseReader) -> list[EventOut]:
    """The audit trail of a case, oldest first."""
    visible_case(session, actor, case_id)
    return [
        EventOut(
            seq=e.seq,
            kind=e.kind,
            actor=e.actor,
            at=e.at,
            task_id=e.task_id,
            payload=e.payload,
            prev_hash=e.prev_hash,
            hash=e.hash,
        )
        for e in case_events(session, case_id)
    ]


@router.get("/{case_id}/events/verify", response_model=ChainVerdictOut, responses=ERRORS)
def verify_case_events(case_id: int, session: DbSession, actor: CaseReader) -> ChainVerdictOut:
    """Recompute the hash chain of a case's history."""
    visible_case(session, actor, case_id)
    verdict = verify_chain(session, case_id)
    return ChainVerdictOut(valid=verdict.valid, count=verdict.count, broken_at_seq=verdict.broken_at_seq)


@router.get("/{case_id}/identity", response_model=IdentityOut, responses=ERRORS)
def read_protected_identity(case_id: int, session: DbSession, services: Services, actor: IdentityReader) -> IdentityOut:
    """The protected identity (reporter, petitioner, relatives): the case's resolver (a supervisor of its unit or
    of a unit above) and custodians only; every read is audited."""
    case = visible_case(session, actor, case_id)
    identity = read_identity(session, services, actor, case)
    commit(session)
    return IdentityOut(case_id=case.id, anonymous=identity is None, identity=identity)


@router.get("/{case_id}/handled-elsewhere", response_model=list[HandledElsewhereOut], responses=ERRORS)
def read_handled_elsewhere(case_id: int, session: DbSession, actor: CaseReader) -> list[HandledElsewhereOut]:
    """Petitions of other instances about the same matter (their published fingerprints match), oldest first."""
    case = visible_case(session, actor, case_id)
    return [HandledElsewhereOut(**vars(match)) for match in handled_elsewhere(session, case)]


@router.get("/{case_id}/duplicate-candidates", response_model=list[DuplicateCandidateOut], responses=ERRORS)
def read_duplicate_candidates(case_id: int, session: DbSession, actor: CaseReader) -> list[DuplicateCandidateOut]:
    """Petitions of the same unit subtree that look like this one (title similarity, same subject), best first."""
    case = visible_case(session, actor, case_id)
    return [DuplicateCandidateOut(**vars(c)) for c in duplicate_candidates(session, case)]
