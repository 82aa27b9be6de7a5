"""Process versions for designers: the list with running cases, the XML, the diff, and migrating cases."""

from fastapi import APIRouter, BackgroundTasks, Query, Request, Response

from api.deps import DbSession, Designer, MigrationBatchReader, Migrator, Services, commit
from api.schemas import (
    COMMON_RESPONSES,
    ChangedElementOut,
    DiffElementOut,
    DryRunOut,
    ErrorOut,
    MigrationBatchOut,
    MigrationCheckOut,
    MigrationIn,
    MigrationItemOut,
    ProcessVersionListOut,
    VersionDiffOut,
)
from engine.core.db import Session
from engine.core.models import MigrationBatch
from engine.people.auth import Actor
from engine.processes.diff import diff_versions
from engine.processes.migration_batches import batch_with_items, create_batch, dry_run, requester_unit, run_batch
from engine.processes.versions import definition_of_version, list_versions

router = APIRouter(tags=["process versions"], responses={**COMMON_RESPONSES, 403: {"model": ErrorOut}})
NOT_FOUND = {404: {"model": ErrorOut}}


@router.get("/api/processes/{key}/versions", response_model=list[ProcessVersionListOut], responses=NOT_FOUND)
def process_versions(key: str, session: DbSession, actor: Designer) -> list[ProcessVersionListOut]:
    """Every version of a process, newest first: who deployed which file when, and its running cases."""
    return [
        ProcessVersionListOut(
            version=v.version, filename=v.filename, deployed_at=v.deployed_at, deployed_by=v.deployed_by,
            content_sha256=v.content_sha256, running_cases=v.running_cases,
        )
        for v in list_versions(session, key, actor.visible_unit_ids)
    ]  # fmt: skip


@router.get(
    "/api/processes/{key}/versions/{version}/xml",
    response_class=Response,
    responses={**NOT_FOUND, 200: {"content": {"application/xml": {}}, "description": "The BPMN XML"}},
)
def process_version_xml(key: str, version: int, session: DbSession, _actor: Designer) -> Response:
    """The BPMN XML of one deployed version."""
    return Response(definition_of_version(session, key, version).content, media_type="application/xml")


@router.get("/api/processes/{key}/diff", response_model=VersionDiffOut, responses=NOT_FOUND)
def process_diff(
    key: str,
    session: DbSession,
    _actor: Designer,
    from_version: int = Query(ge=1),
    to_version: int = Query(ge=1),
) -> VersionDiffOut:
    """Elements added, removed and changed from ``from_version`` to ``to_version``."""
    old, new = definition_of_version(session, key, from_version), definition_of_version(session, key, to_version)
    diff = diff_versions(old.content, new.content)
    return VersionDiffOut(
        added=[DiffElementOut(id=e.id, type=e.type, name=e.name) for e in diff.added],
        removed=[DiffElementOut(id=e.id, type=e.type, name=e.name) for e in diff.removed],
        changed=[ChangedElementOut(id=e.id, type=e.type, name=e.name, changes=list(e.changes)) for e in diff.changed],
    )


@router.post("/api/processes/{key}/migrations/dry-run", response_model=DryRunOut, responses=NOT_FOUND)
def migration_dry_run(
    key: str, body: MigrationIn, session: DbSession, services: Services, actor: Migrator
) -> DryRunOut:
    """Per case, whether it can move to ``to_version`` and why not; nothing is changed."""
    checks = dry_run(
        session, services, process_key=key, to_version=body.to_version, case_ids=body.case_ids,
        unit_ids=actor.visible_unit_ids,
    )  # fmt: skip
    return DryRunOut(
        to_version=body.to_version,
        cases=[MigrationCheckOut(**check.__dict__) for check in checks],
    )


def start_migration(
    request: Request, session: Session, services, background: BackgroundTasks, actor: Actor, key: str, body: MigrationIn
) -> MigrationBatch:
    """Create a batch and hand it to a background worker of this process (shared by the API and the web page)."""
    batch = create_batch(
        session, services, process_key=key, to_version=body.to_version, requested_by=actor.username,
        case_ids=body.case_ids, unit_ids=actor.visible_unit_ids, unit_id=requester_unit(actor),
    )  # fmt: skip
    commit(session)
    background.add_task(run_batch, request.app.state.session_factory, services, batch.id)
    return batch


def batch_out(session: Session, batch_id: int, reader: Actor) -> MigrationBatchOut:
    """A batch with its items, as the API shows it (NotFound when the reader does not see the batch's unit)."""
    batch, items = batch_with_items(session, batch_id, reader=reader)
    return MigrationBatchOut(
        batch_id=batch.id, id=batch.id, process_key=batch.process_key, to_version=batch.to_version,
        requested_by=batch.requested_by, created_at=batch.created_at, finished_at=batch.finished_at,
        status=batch.status, total=batch.total, done=batch.done, moved=batch.moved, failed=batch.failed,
        items=[
            MigrationItemOut(case_id=i.case_id, tracking_code=i.tracking_code, status=i.status, reason=i.reason)
            for i in items
        ],
    )  # fmt: skip


@router.post("/api/processes/{key}/migrations", response_model=MigrationBatchOut, status_code=202, responses=NOT_FOUND)
def migrate_cases(
    key: str,
    body: MigrationIn,
    request: Request,
    background: BackgroundTasks,
    session: DbSession,
    services: Services,
    actor: Migrator,
) -> MigrationBatchOut:
    """Start moving the given cases (or all that can move) to ``to_version``; poll the batch for progress."""
    batch = start_migration(request, session, services, background, actor, key, body)
    answer = batch_out(session, batch.id, actor)
    session.rollback()  # end the read before the background worker writes (SQLite has one writer)
    return answer


@router.get("/api/migrations/{batch_id}", response_model=MigrationBatchOut, responses=NOT_FOUND)
def migration_batch(batch_id: int, session: DbSession, actor: MigrationBatchReader) -> MigrationBatchOut:
    """A migration batch: its progress, and each case with its outcome (failures with their reason)."""
    return batch_out(session, batch_id, actor)  # NotFound when it does not exist or is of another unit
