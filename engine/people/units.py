"""The unit tree (city → district → ward): creation and subtree visibility (engine/people/unit_admin.py changes it)."""

from collections.abc import Iterable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine.core.models import Unit


def create_unit(session: Session, *, code: str, name: str, parent: Unit | None = None) -> Unit:
    """Add a unit under ``parent`` (or as a root) and set its materialized path."""
    unit = Unit(code=code, name=name, parent_id=parent.id if parent else None, path="/")
    session.add(unit)
    session.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    session.flush()
    return unit


def subtree_unit_ids(session: Session, units: list[Unit]) -> set[int]:
    """Ids of the given units and every unit below them."""
    if not units:
        return set()
    conditions = [Unit.path.startswith(unit.path) for unit in units]
    return set(session.scalars(select(Unit.id).where(or_(*conditions))))


def unit_by_code(session: Session, code: str) -> Unit | None:
    """The unit with this code (e.g. ``q1``), or None."""
    return session.scalars(select(Unit).where(Unit.code == code)).first()


def units_by_ids(session: Session, unit_ids: Iterable[int], *, include_retired: bool = True) -> list[Unit]:
    """The units with these ids, in tree order (each parent before its children); pickers leave retired ones out."""
    ids = set(unit_ids)
    if not ids:
        return []
    query = select(Unit).where(Unit.id.in_(ids)).order_by(Unit.path)
    if not include_retired:
        query = query.where(Unit.retired_at.is_(None))
    return list(session.scalars(query))
