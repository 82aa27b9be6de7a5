"""Processes that start on a timer (e.g. the periodic report) always have one instance waiting for that timer."""

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from engine.cases.enums import CaseStatus
from engine.cases.runtime import CaseRuntime
from engine.core.models import Case, ProcessDefinition, Unit
from engine.services import EngineServices

ENDED = (CaseStatus.COMPLETED, CaseStatus.CANCELLED)  # a cancelled run no longer blocks the next one


def ensure_scheduled_cases(session: Session, services: EngineServices) -> list[Case]:
    """Start an instance of each timer-started process that has none open; returns the cases started."""
    latest: dict[str, ProcessDefinition] = {}
    for definition in session.scalars(select(ProcessDefinition).order_by(ProcessDefinition.version)):
        latest[definition.key] = definition
    scheduled = [d for d in latest.values() if d.catalog.get("timer_start")]
    if not scheduled:
        return []
    root = session.scalars(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id)).first()
    if root is None:
        return []
    # one starter at a time across processes (SQLite: BEGIN IMMEDIATE)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(4242001)"))
    started = []
    for definition in scheduled:
        open_case = select(Case.id).where(Case.process_key == definition.key, Case.status.notin_(ENDED)).limit(1)
        if session.scalar(open_case) is None:
            started.append(CaseRuntime(session, services).start_scheduled_case(definition, unit_id=root.id))
    return started
