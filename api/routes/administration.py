"""Administration over REST (for scripts and integrations): accounts, one-time password links, the unit tree and
the role overview. The admin pages call the same engine functions."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, ConfigDict, Field

from api.deps import Administrator, DbSession, Services, allowed, commit
from api.schemas import COMMON_RESPONSES, ErrorOut
from engine.core.models import Unit, User
from engine.people.accounts import RoleHolders, create_account, role_overview, update_account
from engine.people.auth import Actor
from engine.people.password_links import IssuedLink, issue_password_link
from engine.people.permissions import can_update_user
from engine.people.unit_admin import add_unit, change_unit, retire_unit

router = APIRouter(prefix="/api", tags=["administration"], responses=COMMON_RESPONSES)
REFUSED = {403: {"model": ErrorOut, "description": "Not an admin (or, on one's own account, a field only admins set)"}}
UNKNOWN = {404: {"model": ErrorOut, "description": "No such user or unit"}}
TAKEN = {409: {"model": ErrorOut, "description": "The username or unit code is taken, or the unit is still in use"}}
AccountEditor = Annotated[Actor, allowed(can_update_user)]
Username = Annotated[str, Path(max_length=64)]
UnitCode = Annotated[str, Path(max_length=64)]


class AccountIn(BaseModel):
    """A new member of staff: no password, the answer carries a one-time link to choose one."""

    model_config = ConfigDict(extra="forbid")

    username: str = Field(max_length=64, examples=["nguyen.van.an"])
    full_name: str = Field(max_length=255, examples=["Nguyễn Văn An"])
    roles: list[str] = Field(max_length=10, examples=[["officer"]])
    units: list[str] = Field(max_length=50, description="unit codes", examples=[["q1"]])
    email: str | None = Field(default=None, max_length=254)


class AccountPatch(BaseModel):
    """The fields to change; a field left out stays as it is. Staff may change their own ``email``,
    ``notification_mode`` and ``digest_hour``; everything else is for admins."""

    model_config = ConfigDict(extra="forbid")

    full_name: str | None = Field(default=None, max_length=255)
    email: str | None = Field(default=None, max_length=254, description="null or empty removes the address")
    roles: list[str] | None = Field(default=None, max_length=10)
    units: list[str] | None = Field(default=None, max_length=50, description="unit codes")
    active: bool | None = None
    notification_mode: str | None = Field(default=None, max_length=16, description="immediate, digest or off")
    digest_hour: int | None = Field(default=None, description="local hour of the daily digest, 0 to 23")


class AccountUnitOut(BaseModel):
    """A unit an account belongs to."""

    code: str
    name: str


class AccountOut(BaseModel):
    """An account as the admin sees it."""

    username: str
    full_name: str
    roles: list[str]
    units: list[AccountUnitOut]
    email: str | None
    active: bool
    notification_mode: str
    digest_hour: int


class PasswordLinkOut(BaseModel):
    """A one-time link to choose a password: hand it to the person; it works once, until ``expires_at``."""

    username: str
    url: str
    expires_at: datetime


class AccountCreatedOut(BaseModel):
    """The new account and its first password link."""

    account: AccountOut
    password_link: PasswordLinkOut


class UnitIn(BaseModel):
    """A new unit under ``parent`` (a unit code), or at the top of the tree without one."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(max_length=64, examples=["q1-da-kao"])
    name: str = Field(max_length=255, examples=["Đảng ủy phường Đa Kao"])
    parent: str | None = Field(default=None, max_length=64)


class UnitPatch(BaseModel):
    """Rename (``name``) or move (``parent``: a unit code, null for the top of the tree); left out stays."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=255)
    parent: str | None = Field(default=None, max_length=64)
    remote_area: bool | None = Field(default=None, description="A remote or difficult area: longer legal periods")


class UnitAdminOut(BaseModel):
    """A unit: its code, name, parent's code and when it was retired (null while active)."""

    code: str
    name: str
    parent: str | None
    retired_at: datetime | None
    remote_area: bool = False


class PersonOut(BaseModel):
    """A person, by username and full name."""

    username: str
    full_name: str


class RoleHoldersOut(BaseModel):
    """The active people holding one role in one unit."""

    role: str
    unit: AccountUnitOut
    people: list[PersonOut]


def account_out(user: User) -> AccountOut:
    """The API view of an account."""
    return AccountOut(
        username=user.username, full_name=user.full_name, roles=list(user.roles), email=user.email,
        units=[AccountUnitOut(code=u.code, name=u.name) for u in user.units], active=user.is_active,
        notification_mode=user.notification_mode, digest_hour=user.digest_hour,
    )  # fmt: skip


def password_link_url(request: Request, token: str) -> str:
    """The absolute address of a password link's page."""
    return f"{str(request.base_url).rstrip('/')}/password/set/{token}"


def _link_out(request: Request, link: IssuedLink) -> PasswordLinkOut:
    return PasswordLinkOut(
        username=link.username, url=password_link_url(request, link.token), expires_at=link.expires_at
    )


def _unit_out(session: DbSession, unit: Unit) -> UnitAdminOut:
    parent = session.get(Unit, unit.parent_id) if unit.parent_id is not None else None
    return UnitAdminOut(
        code=unit.code,
        name=unit.name,
        parent=parent.code if parent else None,
        retired_at=unit.retired_at,
        remote_area=bool(unit.remote_area),
    )


@router.post("/users", response_model=AccountCreatedOut, status_code=201, responses={**REFUSED, **TAKEN})
def create_user_account(
    body: AccountIn, request: Request, session: DbSession, services: Services, actor: Administrator
) -> AccountCreatedOut:
    """Add a member of staff (admins); the answer's one-time link lets them choose their password."""
    now = services.clock.now()
    user = create_account(
        session, actor, username=body.username, full_name=body.full_name, roles=body.roles, unit_codes=body.units,
        email=body.email, now=now,
    )  # fmt: skip
    link = issue_password_link(session, actor, user.username, now=now)
    created = AccountCreatedOut(account=account_out(user), password_link=_link_out(request, link))
    commit(session)
    return created


@router.patch("/users/{username}", response_model=AccountOut, responses={**REFUSED, **UNKNOWN})
def update_user_account(
    username: Username, body: AccountPatch, session: DbSession, services: Services, actor: AccountEditor
) -> AccountOut:
    """Change an account: admins any field (an admin can neither disable nor un-admin themselves); anyone their
    own e-mail and notification preferences. A disabled account's sessions and tokens stop working at once."""
    changes = body.model_dump(exclude_unset=True)
    user = update_account(session, actor, username, changes, now=services.clock.now())
    out = account_out(user)
    commit(session)
    return out


@router.post(
    "/users/{username}/password-reset", response_model=PasswordLinkOut, status_code=201,
    responses={**REFUSED, **UNKNOWN},
)  # fmt: skip
def reset_password(
    username: Username, request: Request, session: DbSession, services: Services, actor: Administrator
) -> PasswordLinkOut:
    """A new one-time link to choose a password (valid 24 hours; earlier links stop working). The current password
    keeps working until the link is used."""
    link = issue_password_link(session, actor, username, now=services.clock.now())
    out = _link_out(request, link)
    commit(session)
    return out


@router.post("/units", response_model=UnitAdminOut, status_code=201, responses={**REFUSED, **TAKEN})
def create_unit_from_api(body: UnitIn, session: DbSession, services: Services, actor: Administrator) -> UnitAdminOut:
    """Add a unit to the tree (admins)."""
    unit = add_unit(session, actor, code=body.code, name=body.name, parent_code=body.parent, now=services.clock.now())
    out = _unit_out(session, unit)
    commit(session)
    return out


@router.patch("/units/{code}", response_model=UnitAdminOut, responses={**REFUSED, **UNKNOWN})
def update_unit(
    code: UnitCode, body: UnitPatch, session: DbSession, services: Services, actor: Administrator
) -> UnitAdminOut:
    """Rename or move a unit (admins); a move under itself or a unit below it is refused."""
    unit = change_unit(session, actor, code, body.model_dump(exclude_unset=True), now=services.clock.now())
    out = _unit_out(session, unit)
    commit(session)
    return out


@router.post("/units/{code}/retire", response_model=UnitAdminOut, responses={**REFUSED, **UNKNOWN, **TAKEN})
def retire_unit_from_api(code: UnitCode, session: DbSession, services: Services, actor: Administrator) -> UnitAdminOut:
    """Retire a unit (admins): refused (409) while it has open cases, active members or active units below it."""
    unit = retire_unit(session, actor, code, now=services.clock.now())
    out = _unit_out(session, unit)
    commit(session)
    return out


def _holders_out(group: RoleHolders) -> RoleHoldersOut:
    return RoleHoldersOut(
        role=group.role, unit=AccountUnitOut(code=group.unit_code, name=group.unit_name),
        people=[PersonOut(username=p.username, full_name=p.full_name) for p in group.people],
    )  # fmt: skip


@router.get("/roles/overview", response_model=list[RoleHoldersOut], responses=REFUSED)
def read_role_overview(session: DbSession, actor: Administrator) -> list[RoleHoldersOut]:
    """Who holds which role in which unit (active accounts), by role then unit tree (admins)."""
    return [_holders_out(group) for group in role_overview(session, actor)]
