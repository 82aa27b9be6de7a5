"""Users and units over REST (read only): the staff of my units and the unit tree (changes: administration.py)."""

from fastapi import APIRouter
from pydantic import BaseModel

from api.deps import DbSession, DirectoryReader, UnitTreeReader
from api.schemas import COMMON_RESPONSES, ErrorOut
from engine.people.accounts import list_accounts
from engine.people.directory import UnitNode, staff_of_units, unit_tree
from engine.people.permissions import can_administer

router = APIRouter(prefix="/api", tags=["people"], responses={**COMMON_RESPONSES, 403: {"model": ErrorOut}})


class UserUnitOut(BaseModel):
    """A unit a user belongs to."""

    id: int
    code: str
    name: str


class UserOut(BaseModel):
    """A member of staff."""

    username: str
    full_name: str
    roles: list[str]
    units: list[UserUnitOut]
    active: bool
    email: str | None = None
    notification_mode: str
    digest_hour: int


class UnitOut(BaseModel):
    """A unit with the units below it."""

    id: int
    code: str
    name: str
    parent_id: int | None
    children: list["UnitOut"]


def _unit_out(node: UnitNode) -> UnitOut:
    return UnitOut(
        id=node.id, code=node.code, name=node.name, parent_id=node.parent_id,
        children=[_unit_out(child) for child in node.children],
    )  # fmt: skip


@router.get("/users", response_model=list[UserOut])
def read_users(session: DbSession, actor: DirectoryReader) -> list[UserOut]:
    """The staff of my units and the units below them (team leads, supervisors), by username; admins see everyone."""
    return [
        UserOut(
            username=user.username,
            full_name=user.full_name,
            roles=list(user.roles),
            active=user.is_active,
            units=[UserUnitOut(id=u.id, code=u.code, name=u.name) for u in user.units],
            email=user.email,
            notification_mode=user.notification_mode,
            digest_hour=user.digest_hour,
        )  # fmt: skip
        for user in (
            list_accounts(session, actor) if can_administer(actor) else staff_of_units(session, actor.visible_unit_ids)
        )
    ]


@router.get("/units", response_model=list[UnitOut])
def read_units(session: DbSession, actor: UnitTreeReader) -> list[UnitOut]:
    """My units and every unit below them, as a tree."""
    return [_unit_out(root) for root in unit_tree(session, actor.visible_unit_ids)]
