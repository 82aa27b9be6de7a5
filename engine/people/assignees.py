"""Who may take a task: the person named for it must be active, hold the task's role and belong to its unit."""

from collections.abc import Iterable

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from engine.core.errors import FieldError, InvalidFormData
from engine.core.models import Unit, User, UserUnit


def find_user(session: Session, username: str) -> User | None:
    """An active user by username."""
    user = session.scalars(select(User).where(User.username == username)).first()
    return user if user is not None and user.is_active else None


def user_sees_unit(session: Session, user: User, unit_id: int) -> bool:
    """True when ``unit_id`` is one of the user's units or below them."""
    unit = session.get(Unit, unit_id)
    return unit is not None and any(unit.path.startswith(u.path) for u in user.units)


def check_candidate(session: Session, *, field: str, username: str, role: str | None, unit_id: int) -> User:
    """The user named in ``field``, or a 422 naming that field and why they cannot take the task."""
    user = find_user(session, username)
    if user is None:
        raise InvalidFormData("assign", [FieldError(field, f"Không tìm thấy người dùng '{username}'")])
    if role and role not in user.roles:
        raise InvalidFormData("assign", [FieldError(field, f"'{username}' không có vai trò '{role}'")])
    if not user_sees_unit(session, user, unit_id):
        raise InvalidFormData("assign", [FieldError(field, f"'{username}' không thuộc đơn vị của hồ sơ")])
    return user


def check_assignee_fields(session: Session, catalog: dict, data: dict, unit_id: int) -> None:
    """A form field that names the person for a later task (``assigneeVariable``) must name a valid candidate."""
    for element_id, variable in catalog.get("assignees", {}).items():
        if variable in data:
            role = catalog.get("lanes", {}).get(element_id)
            check_candidate(session, field=variable, username=data[variable], role=role, unit_id=unit_id)


# Built once: SQLAlchemy reuses their compiled form (the candidates are read on every completion that opens a task).
# A user sees the task's unit when one of their units' paths begins its path (``user_sees_unit`` in SQL, so no
# user is loaded to be filtered). Written on the tables (Core), so reading the ids skips the ORM's statement handling.
USERS, UNITS, USER_UNITS = User.__table__, Unit.__table__, UserUnit.__table__
TASK_UNIT = UNITS.alias("task_unit")
SEES_TASK_UNIT = (
    select(USER_UNITS.c.user_id)
    .join(UNITS, UNITS.c.id == USER_UNITS.c.unit_id)
    .join(TASK_UNIT, TASK_UNIT.c.id == bindparam("unit_id"))
    .where(
        USER_UNITS.c.user_id == USERS.c.id,
        func.substr(TASK_UNIT.c.path, 1, func.length(UNITS.c.path)) == UNITS.c.path,
    )
    .exists()
)
MAY_TAKE = (USERS.c.is_active.is_(True), SEES_TASK_UNIT)
"""Who may take a task of the unit bound as ``unit_id``, whatever its role: active, and seeing the unit."""
CANDIDATES = select(User).where(*MAY_TAKE).order_by(User.username)
CANDIDATE_IDS = select(USERS.c.id, USERS.c.roles).where(*MAY_TAKE).order_by(USERS.c.username)


def holding_role(role: str | None, people: Iterable) -> list:
    """The people (users or rows with ``roles``) holding ``role``; all of them when the task names no role."""
    return [person for person in people if role is None or role in person.roles]


def candidates_for(session: Session, *, role: str | None, unit_id: int) -> list[User]:
    """Active users who may take a task of ``role`` in ``unit_id``, by username."""
    return holding_role(role, session.scalars(CANDIDATES, {"unit_id": unit_id}))


def candidate_ids(session: Session, *, role: str | None, unit_id: int) -> list[int]:
    """The ids of ``candidates_for`` (same people, same order), read in one statement without loading the users."""
    return [row.id for row in holding_role(role, session.execute(CANDIDATE_IDS, {"unit_id": unit_id}))]


PERSON_WIDGET = "user"
"""``"x-widget": "user"`` on a string field of a form: the field names a person (with ``"x-role"``, the role needed)."""


def person_fields(schema: dict) -> dict[str, str | None]:
    """The top-level fields of a form that name a person (``x-widget: user``), with the role each needs."""
    properties = schema.get("properties") if isinstance(schema, dict) else None
    if not isinstance(properties, dict):
        return {}
    return {
        name: (prop.get("x-role") if isinstance(prop.get("x-role"), str) else None)
        for name, prop in properties.items()
        if isinstance(prop, dict) and prop.get("x-widget") == PERSON_WIDGET
    }


def check_person_fields(session: Session, schema: dict, data: dict, unit_id: int) -> None:
    """A person field (``x-widget: user``) must name an active user of the case's unit holding its ``x-role``."""
    for name, role in person_fields(schema).items():
        if isinstance(data.get(name), str):
            check_candidate(session, field=name, username=data[name], role=role, unit_id=unit_id)
