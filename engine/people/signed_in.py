"""Who signed in, in two statements per request: the user with their token's revocation, then their units.

Every request asks the database afresh (no cache), so a token revoked, a role changed or a unit moved by another
process is seen on the very next request.
"""

from dataclasses import dataclass

from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import Session, aliased, lazyload

from engine.core.models import RevokedToken, Unit, User, UserUnit

USERS, REVOKED_TOKENS = User.__table__, RevokedToken.__table__

# Built once: building a statement (above all an ``aliased`` entity) costs more than running it from the cache.
_REVOKED = exists().where(REVOKED_TOKENS.c.token_id == bindparam("token_id")).label("revoked")
_ACTIVE_NAMED = (USERS.c.username == bindparam("username"), USERS.c.is_active.is_(True))
# On the tables, not the mapped class: the acting person needs no User instance, and loading one (the ORM's
# result set-up for its 11 columns) cost more than the statement itself.
_PERSON_UNLESS_REVOKED = select(USERS.c.id, USERS.c.roles, _REVOKED).where(*_ACTIVE_NAMED)
_USER_UNLESS_REVOKED = select(User, _REVOKED).where(*_ACTIVE_NAMED).options(lazyload(User.units))
_OWN, _BELOW = aliased(Unit), aliased(Unit)
_UNITS_AND_SUBTREE = (
    select(UserUnit.unit_id, _BELOW.id)
    .join(_OWN, _OWN.id == UserUnit.unit_id)
    .join(_BELOW, _BELOW.path.startswith(_OWN.path))
    .where(UserUnit.user_id == bindparam("user_id"))
)


def signed_in_user(session: Session, *, username: str, token_id: str) -> User | None:
    """The active user ``username`` when the token ``token_id`` was not revoked, else None — one statement.

    The user's units are not loaded with it (they load on first use); ``units_and_subtree`` reads them for an Actor.
    """
    row = session.execute(_USER_UNLESS_REVOKED, {"username": username, "token_id": token_id}).first()
    if row is None or row.revoked:
        return None
    return row.User


@dataclass(frozen=True)
class SignedInPerson:
    """Who a valid, unrevoked token belongs to: an active user's id, username and roles (no User instance)."""

    id: int
    username: str
    roles: tuple[str, ...]


def signed_in_person(session: Session, *, username: str, token_id: str) -> SignedInPerson | None:
    """The active user ``username`` when the token ``token_id`` was not revoked, else None — one statement."""
    row = session.execute(_PERSON_UNLESS_REVOKED, {"username": username, "token_id": token_id}).first()
    if row is None or row.revoked:
        return None
    return SignedInPerson(id=row.id, username=username, roles=tuple(row.roles))


def units_and_subtree(session: Session, *, user_id: int) -> tuple[frozenset[int], frozenset[int]]:
    """The ids of the user's own units and of every unit at or below them (materialized paths) — one statement."""
    pairs = session.execute(_UNITS_AND_SUBTREE, {"user_id": user_id}).all()
    return frozenset(unit_id for unit_id, _ in pairs), frozenset(visible for _, visible in pairs)
