"""The unit tree (city → district → ward): creation and subtree visibility."""

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
