"""The staff directory: who works in which units, and the unit tree, as the actor may see them."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core.models import User, UserUnit
from engine.people.units import units_by_ids


@dataclass
class UnitNode:
    """A unit with the units directly below it."""

    id: int
    code: str
    name: str
    parent_id: int | None
    children: list["UnitNode"] = field(default_factory=list)


def staff_of_units(session: Session, unit_ids: Iterable[int]) -> list[User]:
    """The users (active or not) who belong to at least one of the given units, by username."""
    ids = set(unit_ids)
    if not ids:
        return []
    members = select(UserUnit.user_id).where(UserUnit.unit_id.in_(ids))
    return list(session.scalars(select(User).where(User.id.in_(members)).order_by(User.username)))


def unit_tree(session: Session, unit_ids: Iterable[int]) -> list[UnitNode]:
    """The given units as a forest, retired ones left out: each unit under its parent when the parent is among them,
    else a root."""
    nodes: dict[int, UnitNode] = {}
    roots: list[UnitNode] = []
    for unit in units_by_ids(
        session, unit_ids, include_retired=False
    ):  # tree order: a parent comes before its children
        node = UnitNode(id=unit.id, code=unit.code, name=unit.name, parent_id=unit.parent_id)
        nodes[unit.id] = node
        parent = nodes.get(unit.parent_id) if unit.parent_id is not None else None
        (parent.children if parent is not None else roots).append(node)
    return roots
