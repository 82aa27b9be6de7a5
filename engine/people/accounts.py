"""User accounts as the admin manages them: create (no password: a one-time link instead), change, list, and the
overview of who holds which role in which unit. Every change is written to the administration log."""

import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from engine.core.errors import Conflict, DomainError, FieldError, InvalidFormData, NotFound
from engine.core.models import PasswordLink, Unit, User
from engine.notifications.delivery import end_digest_wait
from engine.notifications.enums import DeliveryMode
from engine.people.admin_log import AdminAction, record_admin_event
from engine.people.auth import Actor
from engine.people.permissions import can_administer, can_update_user, require
from engine.people.roles import ROLES, Role
from engine.people.units import unit_by_code

USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,63}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
STAFF_ROLES: tuple[Role, ...] = tuple(role for role in ROLES if role != Role.CITIZEN)
"""The roles an admin gives (citizens need no account: the public portal has none)."""
EDITABLE_FIELDS = frozenset({"full_name", "email", "roles", "units", "active", "notification_mode", "digest_hour"})


class InvalidAccountData(InvalidFormData):
    """A value of an account (username, name, role, unit, e-mail, preference, password) that cannot be used: a 422
    naming the field, like a form's."""

    def __init__(self, field: str, message: str) -> None:
        DomainError.__init__(self, message)
        self.form = "account"
        self.errors = [FieldError(field, message)]


class AccountExists(Conflict):
    """The username is taken."""


def user_named(session: Session, username: str) -> User:
    """The user with this username, or ``NotFound``."""
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None:
        raise NotFound(f"Không có người dùng '{username}'")
    return user


def check_username(username: str) -> str:
    """The username when it follows the rules: 3–64 characters a–z, 0–9, '.', '_' or '-', starting with a–z or 0–9."""
    if not USERNAME.fullmatch(username):
        raise InvalidAccountData(
            "username",
            f"Tên đăng nhập '{username[:64]}' không hợp lệ: cần 3–64 ký tự thường a–z, chữ số, dấu chấm, gạch dưới "
            "hoặc gạch ngang, bắt đầu bằng chữ hoặc số",
        )
    return username


def check_full_name(full_name: str) -> str:
    """The full name, trimmed; it may not be empty (people are shown by their full name)."""
    name = " ".join(full_name.split())
    if not name:
        raise InvalidAccountData("full_name", "Họ tên không được để trống")
    if len(name) > 255:
        raise InvalidAccountData("full_name", "Họ tên dài quá 255 ký tự")
    return name


def check_email(email: str | None) -> str | None:
    """The e-mail address trimmed, None when empty, or ``InvalidAccountData`` naming the bad address."""
    address = (email or "").strip()
    if not address:
        return None
    if len(address) > 254 or not EMAIL.fullmatch(address):
        raise InvalidAccountData("email", f"Địa chỉ e-mail '{address[:254]}' không hợp lệ")
    return address


def check_roles(roles: Sequence[str]) -> list[str]:
    """At least one staff role, each once, in the order of ``Role``."""
    unknown = sorted(set(roles) - set(STAFF_ROLES))
    if unknown:
        known = ", ".join(STAFF_ROLES)
        raise InvalidAccountData("roles", f"Vai trò không hợp lệ: {', '.join(unknown)}; các vai trò được cấp: {known}")
    if not roles:
        raise InvalidAccountData("roles", "Chọn ít nhất một vai trò")
    return [role.value for role in STAFF_ROLES if role in roles]


def check_units(session: Session, codes: Sequence[str]) -> list[Unit]:
    """The units of these codes: at least one, each existing and not retired."""
    if not codes:
        raise InvalidAccountData("units", "Chọn ít nhất một đơn vị")
    units = []
    for code in dict.fromkeys(codes):
        unit = unit_by_code(session, code)
        if unit is None:
            raise InvalidAccountData("units", f"Không có đơn vị mã '{code[:64]}'")
        if unit.retired_at is not None:
            raise InvalidAccountData("units", f"Đơn vị '{unit.name}' đã giải thể; chọn đơn vị khác")
        units.append(unit)
    return units


def check_notification_mode(mode: str) -> str:
    """A ``DeliveryMode`` value."""
    if mode not in set(DeliveryMode):
        known = ", ".join(DeliveryMode)
        raise InvalidAccountData(
            "notification_mode", f"Cách nhận thông báo '{mode[:32]}' không hợp lệ; chọn một trong: {known}"
        )
    return mode


def check_digest_hour(hour: object) -> int:
    """An hour of the day, 0 to 23."""
    if isinstance(hour, bool) or not isinstance(hour, int) or not 0 <= hour <= 23:
        raise InvalidAccountData("digest_hour", f"Giờ gửi thư tổng hợp phải từ 0 đến 23 (nhận được {hour!r})")
    return hour


def unusable_password_hash() -> str:
    """A stored hash no password matches (argon2 refuses it): the account waits for its one-time link."""
    return "!" + secrets.token_hex(16)


def create_account(
    session: Session,
    actor: Actor,
    *,
    username: str,
    full_name: str,
    roles: Sequence[str],
    unit_codes: Sequence[str],
    email: str | None = None,
    now: datetime,
) -> User:
    """An admin adds a member of staff, with no password yet (issue a password link for them next)."""
    require(can_administer, actor)
    username = check_username(username)
    values = {
        "full_name": check_full_name(full_name), "roles": check_roles(roles), "email": check_email(email),
    }  # fmt: skip
    units = check_units(session, unit_codes)
    if session.scalars(select(User.id).where(User.username == username)).first() is not None:
        raise AccountExists(f"Tên đăng nhập '{username}' đã được dùng; chọn tên khác")
    user = User(username=username, password_hash=unusable_password_hash(), created_at=now, units=units, **values)
    session.add(user)
    session.flush()
    record_admin_event(
        session, actor=actor.username, action=AdminAction.USER_CREATED, target=username, at=now,
        details={**values, "units": [unit.code for unit in units]},
    )  # fmt: skip
    return user


def _account_value(user: User, name: str) -> object:
    if name == "units":
        return sorted(unit.code for unit in user.units)
    if name == "active":
        return user.is_active
    return getattr(user, name)


def update_account(
    session: Session, actor: Actor, username: str, changes: Mapping[str, object], *, now: datetime
) -> User:
    """Change an account: admins any of ``EDITABLE_FIELDS``; a member of staff their own e-mail and preferences.

    An admin may neither disable their own account nor take away their own admin role. Disabling an account ends
    its access at once: sessions and tokens are checked against ``is_active`` on every request.
    """
    unknown = sorted(set(changes) - EDITABLE_FIELDS)
    if unknown:
        raise InvalidAccountData(unknown[0], f"Không thay đổi được trường: {', '.join(unknown)}")
    require(can_update_user, actor, username, frozenset(changes))
    user = user_named(session, username)
    checked = _checked_changes(session, changes)
    if username == actor.username and checked.get("active") is False:
        raise InvalidAccountData("active", "Bạn không thể tự khóa tài khoản của chính mình")
    roles = checked.get("roles")
    if username == actor.username and isinstance(roles, list) and Role.ADMIN in user.roles and Role.ADMIN not in roles:
        raise InvalidAccountData("roles", "Bạn không thể tự bỏ vai trò quản trị của chính mình")
    changed: dict[str, list[object]] = {}
    for name, value in checked.items():
        before = _account_value(user, name)
        if name == "units":
            assert isinstance(value, list)
            user.units = value
        elif name == "active":
            user.is_active = bool(value)
        else:
            setattr(user, name, value)
        after = _account_value(user, name)
        if before != after:
            changed[name] = [before, after]
    if "notification_mode" in changed and user.notification_mode != DeliveryMode.DIGEST:
        end_digest_wait(session, user.id)
    if changed.get("active") == [True, False]:  # a disabled account's unused password links stop working for good
        unused = update(PasswordLink).where(PasswordLink.user_id == user.id, PasswordLink.used_at.is_(None))
        session.execute(unused.values(used_at=now))
    if changed:
        session.flush()
        record_admin_event(
            session, actor=actor.username, action=AdminAction.USER_UPDATED, target=username, at=now, details=changed
        )
    return user


def _checked_changes(session: Session, changes: Mapping[str, object]) -> dict[str, object]:
    checks = {
        "full_name": lambda v: check_full_name(v if isinstance(v, str) else ""),
        "email": lambda v: check_email(None if v is None else str(v)),
        "roles": lambda v: check_roles(_strings(v, "roles")),
        "units": lambda v: check_units(session, _strings(v, "units")),
        "active": _boolean,
        "notification_mode": lambda v: check_notification_mode(str(v)),
        "digest_hour": check_digest_hour,
    }
    return {name: checks[name](value) for name, value in changes.items()}


def _strings(value: object, name: str) -> list[str]:
    if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
        raise InvalidAccountData(name, f"Trường '{name}' phải là một danh sách mã")
    return list(value)


def _boolean(value: object) -> bool:
    if not isinstance(value, bool):
        raise InvalidAccountData("active", f"Trường 'active' phải là true hoặc false (nhận được {value!r})")
    return value


def list_accounts(session: Session, actor: Actor, search: str = "") -> list[User]:
    """Every account (active or not), by username; ``search`` matches the username, full name or e-mail."""
    require(can_administer, actor)
    query = select(User).order_by(User.username)
    words = search.strip()
    if words:
        pattern = f"%{words}%"
        query = query.where(or_(User.username.ilike(pattern), User.full_name.ilike(pattern), User.email.ilike(pattern)))
    return list(session.scalars(query))


@dataclass
class RoleHolders:
    """The active people holding one role in one unit."""

    role: str
    unit_code: str
    unit_name: str
    people: list[User] = field(default_factory=list)


def role_overview(session: Session, actor: Actor) -> list[RoleHolders]:
    """Who holds which role where: one entry per (role, unit) with its active people, by role then unit tree."""
    require(can_administer, actor)
    groups: dict[tuple[str, int], RoleHolders] = {}
    paths: dict[int, str] = {}
    for user in session.scalars(select(User).where(User.is_active.is_(True)).order_by(User.username)):
        for role in user.roles:
            for unit in user.units:
                paths[unit.id] = unit.path
                key = (role, unit.id)
                groups.setdefault(key, RoleHolders(role, unit.code, unit.name)).people.append(user)
    order = {role.value: index for index, role in enumerate(ROLES)}
    return [groups[key] for key in sorted(groups, key=lambda k: (order.get(k[0], 99), paths[k[1]]))]
