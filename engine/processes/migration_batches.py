"""Batches of case migrations: the dry run over a process's running cases, and a resumable batch worker.

A batch holds one item per case. Workers (the web process's background thread, or ``phananh migrate-cases
--batch ID``) claim one pending item at a time (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several can share
a batch) and move its case in the same transaction that marks the item moved. A case that cannot move is rolled
back alone; its item is marked failed with the reason, and ``case_migration_failed`` goes to its audit trail.
"""

import logging
from collections.abc import Iterable

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from engine.core.db import rows_matched, transaction
from engine.core.errors import BadRequest, DomainError, NotFound
from engine.core.models import Case, MigrationBatch, MigrationBatchItem, ProcessDefinition
from engine.people.auth import Actor
from engine.people.permissions import can_read_migration_batch
from engine.processes.case_migration import CaseMigrator, MigrationCheck
from engine.processes.enums import BatchItemStatus, BatchStatus
from engine.processes.versions import RUNNING_STATUSES, definition_of_version
from engine.services import EngineServices

log = logging.getLogger("phananh.migration")
ITEMS = MigrationBatchItem.__table__
BATCHES = MigrationBatch.__table__


def _cases_to_check(
    session: Session, process_key: str, target: ProcessDefinition, case_ids: list[int] | None, unit_ids
) -> list[Case]:
    query = select(Case).where(Case.process_key == process_key)
    if unit_ids is not None:
        query = query.where(Case.unit_id.in_(list(unit_ids)))
    if case_ids is None:
        query = query.where(Case.status.in_(RUNNING_STATUSES), Case.definition_id != target.id)
        return list(session.scalars(query.order_by(Case.id)))
    found = {case.id: case for case in session.scalars(query.where(Case.id.in_(case_ids)))}
    missing = [str(case_id) for case_id in case_ids if case_id not in found]
    if missing:
        raise NotFound(f"Cases {', '.join(missing)} are not cases of process '{process_key}' in your units")
    return [found[case_id] for case_id in dict.fromkeys(case_ids)]


def dry_run(
    session: Session,
    services: EngineServices,
    *,
    process_key: str,
    to_version: int,
    case_ids: list[int] | None = None,
    unit_ids: Iterable[int] | None = None,
) -> list[MigrationCheck]:
    """Per case, whether it can move to ``to_version`` and why not (all running cases of other versions by default)."""
    target = definition_of_version(session, process_key, to_version)
    migrator = CaseMigrator(session, services)
    return [
        migrator.check_case(case, target) for case in _cases_to_check(session, process_key, target, case_ids, unit_ids)
    ]


def create_batch(
    session: Session,
    services: EngineServices,
    *,
    process_key: str,
    to_version: int,
    requested_by: str,
    case_ids: list[int] | None = None,
    unit_ids: Iterable[int] | None = None,
    unit_id: int | None = None,
) -> MigrationBatch:
    """A pending batch: the given cases, or (``case_ids`` None) every running case that the dry run lets move.

    ``unit_ids`` limits the cases to the requester's units (None: every unit, for the command line); ``unit_id``
    is the requester's unit, recorded on the batch so that only people who see that unit read the batch.
    """
    target = definition_of_version(session, process_key, to_version)
    cases = _cases_to_check(session, process_key, target, case_ids, unit_ids)
    if case_ids is None:
        migrator = CaseMigrator(session, services)
        cases = [case for case in cases if migrator.check_case(case, target).can_move]
    if not cases:
        raise BadRequest(f"No running case of process '{process_key}' can move to version {to_version}")
    batch = MigrationBatch(
        process_key=process_key, to_version=to_version, requested_by=requested_by, unit_id=unit_id,
        created_at=services.clock.now(),
        status=BatchStatus.RUNNING, total=len(cases), done=0, moved=0, failed=0,
    )  # fmt: skip
    session.add(batch)
    session.flush()
    rows = [
        {"batch_id": batch.id, "case_id": c.id, "tracking_code": c.tracking_code, "status": BatchItemStatus.PENDING}
        for c in cases
    ]
    session.execute(ITEMS.insert(), rows)
    return batch


def requester_unit(actor: Actor) -> int | None:
    """The unit a batch requested by ``actor`` is recorded under: their first unit (None for someone of no unit)."""
    return min(actor.unit_ids, default=None)


def batch_with_items(
    session: Session, batch_id: int, *, reader: Actor | None = None
) -> tuple[MigrationBatch, list[MigrationBatchItem]]:
    """A batch and its items (failed first, then by case).

    With a ``reader``, a batch of a unit the reader does not see is NotFound, as cases of other units are.
    """
    batch = session.get(MigrationBatch, batch_id)
    if batch is None or (reader is not None and not can_read_migration_batch(reader, batch)):
        raise NotFound(f"Migration batch {batch_id} does not exist or is not of your units")
    session.refresh(batch)
    items = session.scalars(
        select(MigrationBatchItem)
        .where(MigrationBatchItem.batch_id == batch_id)
        .order_by((MigrationBatchItem.status != BatchItemStatus.FAILED), MigrationBatchItem.case_id)
    )
    return batch, list(items)


def _claim_pending(session: Session, batch_id: int) -> MigrationBatchItem | None:
    query = (
        select(MigrationBatchItem)
        .where(MigrationBatchItem.batch_id == batch_id, MigrationBatchItem.status == BatchItemStatus.PENDING)
        .order_by(MigrationBatchItem.case_id)
        .limit(1)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return session.scalars(query).first()


def _finish_item(
    session: Session,
    services: EngineServices,
    item: MigrationBatchItem,
    outcome: BatchItemStatus,
    reason: str | None = None,
) -> bool:
    now = services.clock.now()
    claimed = rows_matched(
        session.execute(
            update(ITEMS)
            .where(
                ITEMS.c.batch_id == item.batch_id,
                ITEMS.c.case_id == item.case_id,
                ITEMS.c.status == BatchItemStatus.PENDING,
            )
            .values(status=outcome, reason=reason, finished_at=now)
        )
    )
    if claimed != 1:
        return False
    counter = BATCHES.c.moved if outcome == BatchItemStatus.MOVED else BATCHES.c.failed
    session.execute(
        update(BATCHES)
        .where(BATCHES.c.id == item.batch_id)
        .values({BATCHES.c.done: BATCHES.c.done + 1, counter: counter + 1})
    )
    return True


def _failure_reason(exc: Exception) -> str:
    if isinstance(exc, DomainError):
        return exc.message
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"


def _record_failed(factory, services, batch: MigrationBatch, target, item_key: tuple[int, int], reason: str) -> None:
    """Mark the item failed and audit the failure on the case, in a fresh transaction."""
    batch_id, case_id = item_key
    item = MigrationBatchItem(batch_id=batch_id, case_id=case_id)
    try:
        with transaction(factory) as session:
            if _finish_item(session, services, item, BatchItemStatus.FAILED, reason):
                CaseMigrator(session, services).record_failure(case_id, target, actor=batch.requested_by, reason=reason)
    except DomainError as exc:  # the case changed meanwhile: keep the reason on the item without the audit event
        log.info("case %s: migration failure not audited: %s", case_id, exc.message)
        with transaction(factory) as session:
            _finish_item(session, services, item, BatchItemStatus.FAILED, reason)


def _batch_and_target(factory: sessionmaker[Session], batch_id: int) -> tuple[MigrationBatch, ProcessDefinition]:
    with factory() as session:
        batch = session.get(MigrationBatch, batch_id)
        if batch is None:
            raise NotFound(f"Migration batch {batch_id} does not exist")
        target = definition_of_version(session, batch.process_key, batch.to_version)
        session.expunge_all()
    return batch, target


def migrate_next_case(factory: sessionmaker[Session], services: EngineServices, batch_id: int) -> bool:
    """Move the next pending case of a batch. Returns False when no pending item is left."""
    return _migrate_next(factory, services, *_batch_and_target(factory, batch_id))


def _migrate_next(factory, services: EngineServices, batch: MigrationBatch, target: ProcessDefinition) -> bool:
    claimed: tuple[int, int] | None = None
    try:
        with transaction(factory) as session:
            item = _claim_pending(session, batch.id)
            if item is None:
                return False
            claimed = (item.batch_id, item.case_id)
            CaseMigrator(session, services).migrate_case(item.case_id, target, actor=batch.requested_by)
            _finish_item(session, services, item, BatchItemStatus.MOVED)
    except Exception as exc:  # noqa: BLE001 - whatever went wrong, this case alone rolls back and is reported
        if claimed is None:
            raise
        reason = _failure_reason(exc)
        if not isinstance(exc, DomainError):
            log.exception("case %s: migration failed", claimed[1])
        _record_failed(factory, services, batch, target, claimed, reason)
    return True


def run_batch(factory: sessionmaker[Session], services: EngineServices, batch_id: int) -> MigrationBatch:
    """Work through a batch's pending cases (resumable; several workers may share it), then close it."""
    batch, target = _batch_and_target(factory, batch_id)
    while _migrate_next(factory, services, batch, target):
        pass
    with transaction(factory) as session:
        pending = session.scalar(
            select(func.count())
            .select_from(MigrationBatchItem)
            .where(MigrationBatchItem.batch_id == batch_id, MigrationBatchItem.status == BatchItemStatus.PENDING)
        )
        if pending == 0:
            session.execute(
                update(BATCHES)
                .where(BATCHES.c.id == batch_id, BATCHES.c.status == BatchStatus.RUNNING)
                .values(status=BatchStatus.DONE, finished_at=services.clock.now())
            )
        batch = session.get_one(MigrationBatch, batch_id)
        session.refresh(batch)
        session.expunge(batch)
    return batch


def unfinished_batches(session: Session) -> list[int]:
    """Ids of batches that still have work (to resume after a restart)."""
    return list(session.scalars(select(MigrationBatch.id).where(MigrationBatch.status == BatchStatus.RUNNING)))


def resume_unfinished_batches(factory: sessionmaker[Session], services: EngineServices) -> int:
    """Run every batch left unfinished (e.g. by a restart of the web process); returns how many were resumed."""
    with factory() as session:
        batch_ids = unfinished_batches(session)
    for batch_id in batch_ids:
        try:
            run_batch(factory, services, batch_id)
        except Exception:  # keep going with the other batches; the CLI can resume this one
            log.exception("migration batch %s could not be resumed", batch_id)
    return len(batch_ids)
