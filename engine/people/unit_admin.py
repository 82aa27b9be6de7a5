"""The unit tree as the admin manages it: create, rename, move (the subtree's paths follow) and retire units."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.cases.enums import CaseStatus
from engine.core.errors import Conflict, DomainError, FieldError, InvalidFormData, NotFound
from engine.core.models import Case, Unit, User, UserUnit
from engine.people.admin_log import AdminAction, record_admin_event
from engine.people.auth import Actor
from engine.people.permissions import can_administer, require
from engine.people.units import create_unit, unit_by_code

UNIT_CODE = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
OPEN_CASE_STATUSES = (CaseStatus.IN_PROGRESS.value, CaseStatus.ERROR.value, CaseStatus.SUSPENDED.value)


class InvalidUnitData(InvalidFormData):
    """A unit code, name or parent that cannot be used (a move that would make a cycle, a retired parent): a 422
    naming the field."""

    def __init__(self, field: str, message: str) -> None:
        DomainError.__init__(self, message)
        self.form = "unit"
        self.errors = [FieldError(field, message)]


class UnitExists(Conflict):
    """The unit code is taken."""


class UnitInUse(Conflict):
    """The unit cannot be retired: it still has open cases, active members or active units below it."""


@dataclass(frozen=True)
class UnitRow:
    """A unit in the admin's tree: its depth, its parent's code and whether it is retired."""

    id: int
    code: str
    name: str
    parent_code: str | None
    depth: int
    retired_at: datetime | None
    remote_area: bool = False


def unit_named(session: Session, code: str) -> Unit:
    """The unit with this code, or ``NotFound``."""
    unit = unit_by_code(session, code)
    if unit is None:
        raise NotFound(f"Không có đơn vị mã '{code}'")
    return unit


def _check_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidUnitData("name", "Tên đơn vị không được để trống")
    if len(cleaned) > 255:
        raise InvalidUnitData("name", "Tên đơn vị dài quá 255 ký tự")
    return cleaned


def _parent(session: Session, code: str | None) -> Unit | None:
    if not code:
        return None
    parent = unit_by_code(session, code)
    if parent is None:
        raise InvalidUnitData("parent", f"Không có đơn vị cấp trên mã '{code[:64]}'")
    if parent.retired_at is not None:
        raise InvalidUnitData("parent", f"Đơn vị cấp trên '{parent.name}' đã giải thể")
    return parent


def all_units(session: Session, actor: Actor) -> list[UnitRow]:
    """Every unit, retired ones included, in tree order."""
    require(can_administer, actor)
    units = list(session.scalars(select(Unit).order_by(Unit.path)))
    codes = {unit.id: unit.code for unit in units}
    return [
        UnitRow(id=u.id, code=u.code, name=u.name, parent_code=codes.get(u.parent_id) if u.parent_id else None,
                depth=u.path.count("/") - 2, retired_at=u.retired_at, remote_area=bool(u.remote_area))
        for u in units
    ]  # fmt: skip


def add_unit(session: Session, actor: Actor, *, code: str, name: str, parent_code: str | None, now: datetime) -> Unit:
    """Add a unit under a parent (or as a root): its code is 1–64 characters a–z, 0–9, '.', '_' or '-'."""
    require(can_administer, actor)
    if not UNIT_CODE.fullmatch(code):
        raise InvalidUnitData(
            "code",
            f"Mã đơn vị '{code[:64]}' không hợp lệ: cần 1–64 ký tự thường a–z, chữ số, dấu chấm, gạch dưới hoặc "
            "gạch ngang, bắt đầu bằng chữ hoặc số",
        )
    name = _check_name(name)
    parent = _parent(session, parent_code)
    if unit_by_code(session, code) is not None:
        raise UnitExists(f"Đã có đơn vị mã '{code}'; chọn mã khác")
    unit = create_unit(session, code=code, name=name, parent=parent)
    record_admin_event(
        session, actor=actor.username, action=AdminAction.UNIT_CREATED, target=code, at=now,
        details={"name": name, "parent": parent.code if parent else None},
    )  # fmt: skip
    return unit


def change_unit(session: Session, actor: Actor, code: str, changes: Mapping[str, object], *, now: datetime) -> Unit:
    """Rename a unit (``name``), move it under another (``parent``: a code, or None for the top of the tree) or
    mark it a remote area (``remote_area``: true or false; the processes then apply the law's longer periods).

    A unit cannot move under itself or a unit below it; the paths of the whole subtree follow the move.
    """
    require(can_administer, actor)
    unknown = sorted(set(changes) - {"name", "parent", "remote_area"})
    if unknown:
        raise InvalidUnitData(unknown[0], f"Không thay đổi được trường: {', '.join(unknown)}")
    unit = unit_named(session, code)
    if unit.retired_at is not None:
        raise InvalidUnitData("code", f"Đơn vị '{unit.name}' đã giải thể; không sửa được")
    changed: dict[str, list] = {}
    if "name" in changes:
        name = _check_name(str(changes["name"] or ""))
        if name != unit.name:
            changed["name"] = [unit.name, name]
            unit.name = name
    if "parent" in changes:
        parent = _parent(session, str(changes["parent"]) if changes["parent"] else None)
        if (parent.id if parent else None) != unit.parent_id:
            old_parent = session.get(Unit, unit.parent_id) if unit.parent_id is not None else None
            _move(session, unit, parent)
            changed["parent"] = [old_parent.code if old_parent else None, parent.code if parent else None]
    if "remote_area" in changes:
        remote = changes["remote_area"]
        if not isinstance(remote, bool):
            raise InvalidUnitData("remote_area", "Vùng sâu, vùng xa: chọn có hoặc không")
        if remote != unit.remote_area:
            changed["remote_area"] = [bool(unit.remote_area), remote]
            unit.remote_area = remote
    if changed:
        session.flush()
        record_admin_event(
            session, actor=actor.username, action=AdminAction.UNIT_CHANGED, target=code, at=now, details=changed
        )
    return unit


def _move(session: Session, unit: Unit, parent: Unit | None) -> None:
    if parent is not None and parent.path.startswith(unit.path):
        where = "chính nó" if parent.id == unit.id else f"đơn vị trực thuộc '{parent.name}'"
        raise InvalidUnitData(
            "parent", f"Không chuyển được đơn vị '{unit.name}' vào {where}: cây đơn vị sẽ bị vòng lặp"
        )
    old_path = unit.path
    new_path = f"{parent.path if parent else '/'}{unit.id}/"
    for member in session.scalars(select(Unit).where(Unit.path.startswith(old_path))):
        member.path = new_path + member.path[len(old_path) :]
    unit.parent_id = parent.id if parent else None


def retire_unit(session: Session, actor: Actor, code: str, *, now: datetime) -> Unit:
    """Retire a unit: it leaves the pickers and the tree, its closed cases stay readable.

    Refused while the unit has open cases, active members or active units below it.
    """
    require(can_administer, actor)
    unit = unit_named(session, code)
    if unit.retired_at is not None:
        raise UnitInUse(f"Đơn vị '{unit.name}' đã giải thể từ trước")
    children = list(
        session.scalars(
            select(Unit.name).where(Unit.parent_id == unit.id, Unit.retired_at.is_(None)).order_by(Unit.name)
        )
    )
    if children:
        raise UnitInUse(
            f"Chưa giải thể được đơn vị '{unit.name}': còn đơn vị trực thuộc đang hoạt động ({', '.join(children)}); "
            "chuyển hoặc giải thể các đơn vị đó trước"
        )
    open_cases = session.scalar(
        select(func.count()).select_from(Case).where(Case.unit_id == unit.id, Case.status.in_(OPEN_CASE_STATUSES))
    )
    if open_cases:
        raise UnitInUse(
            f"Chưa giải thể được đơn vị '{unit.name}': còn {open_cases} hồ sơ đang xử lý; hoàn thành hoặc chuyển "
            "các hồ sơ đó trước"
        )
    members = list(
        session.scalars(
            select(User.full_name).join(UserUnit, UserUnit.user_id == User.id)
            .where(UserUnit.unit_id == unit.id, User.is_active.is_(True)).order_by(User.full_name, User.username)
        )
    )  # fmt: skip
    if members:
        names = ", ".join(name or "—" for name in members[:10]) + ("…" if len(members) > 10 else "")
        raise UnitInUse(
            f"Chưa giải thể được đơn vị '{unit.name}': còn {len(members)} cán bộ đang hoạt động ({names}); "
            "chuyển họ sang đơn vị khác hoặc khóa tài khoản trước"
        )
    unit.retired_at = now
    record_admin_event(session, actor=actor.username, action=AdminAction.UNIT_RETIRED, target=code, at=now)
    session.flush()
    return unit
