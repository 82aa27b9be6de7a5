"""The deployed versions of a process, each with the number of its cases still running."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.cases.enums import CaseStatus
from engine.core.errors import NotFound
from engine.core.models import Case, ProcessDefinition

RUNNING_STATUSES = (CaseStatus.IN_PROGRESS, CaseStatus.ERROR)


@dataclass(frozen=True)
class ProcessVersion:
    """One deployed version: who deployed which file when, and how many of its cases are still running."""

    id: int
    version: int
    name: str
    filename: str
    deployed_at: datetime
    deployed_by: str
    content_sha256: str
    running_cases: int


def list_versions(session: Session, process_key: str, unit_ids: Iterable[int] | None = None) -> list[ProcessVersion]:
    """Every version of a process, newest first, with its running cases (of ``unit_ids`` when given)."""
    running_per_version = select(Case.definition_id, func.count().label("running")).where(
        Case.process_key == process_key, Case.status.in_(RUNNING_STATUSES)
    )
    if unit_ids is not None:
        running_per_version = running_per_version.where(Case.unit_id.in_(list(unit_ids)))
    running = running_per_version.group_by(Case.definition_id).subquery()
    rows = session.execute(
        select(
            ProcessDefinition.id, ProcessDefinition.version, ProcessDefinition.name, ProcessDefinition.filename,
            ProcessDefinition.deployed_at, ProcessDefinition.deployed_by, ProcessDefinition.content_sha256,
            func.coalesce(running.c.running, 0),
        )
        .outerjoin(running, running.c.definition_id == ProcessDefinition.id)
        .where(ProcessDefinition.key == process_key)
        .order_by(ProcessDefinition.version.desc())
    ).all()  # fmt: skip
    if not rows:
        raise NotFound(f"Process '{process_key}' is not deployed")
    return [ProcessVersion(*row) for row in rows]


def definition_of_version(session: Session, process_key: str, version: int) -> ProcessDefinition:
    """The deployed definition of one version of a process, or NotFound naming what is missing."""
    definition = session.scalars(
        select(ProcessDefinition).where(ProcessDefinition.key == process_key, ProcessDefinition.version == version)
    ).first()
    if definition is None:
        raise NotFound(f"Process '{process_key}' has no version {version}")
    return definition
