"""Who signed in: a bearer request's acting person in one statement (the user, their token's revocation and their
units); a page's user in two (the user with the revocation, then their units).

Every request asks the database afresh (no cache), so a token revoked, a role changed or a unit moved by another
process is seen on the very next request.
"""

from dataclasses import dataclass

from sqlalchemy import FromClause, ScalarSelect, String, bindparam, cast, exists, func, select
from sqlalchemy.orm import Session, lazyload

from engine.core.models import RevokedToken, Unit, User, UserUnit

USERS, REVOKED_TOKENS, USER_UNITS, UNITS = User.__table__, RevokedToken.__table__, UserUnit.__table__, Unit.__table__
OWN_UNIT, UNIT_BELOW = UNITS.alias("own_unit"), UNITS.alias("unit_below")

# Built once: building a statement costs more than running it from the cache.
_REVOKED = exists().where(REVOKED_TOKENS.c.token_id == bindparam("token_id")).label("revoked")
_ACTIVE_NAMED = (USERS.c.username == bindparam("username"), USERS.c.is_active.is_(True))
_USER_UNLESS_REVOKED = select(User, _REVOKED).where(*_ACTIVE_NAMED).options(lazyload(User.units))
_OWN_UNIT_OF_ROW = OWN_UNIT.c.id == USER_UNITS.c.unit_id
_AT_OR_BELOW = UNIT_BELOW.c.path.startswith(OWN_UNIT.c.path)  # materialized paths


def signed_in_user(session: Session, *, username: str, token_id: str) -> User | None:
    """The active user ``username`` when the token ``token_id`` was not revoked, else None — one statement.

    The user's units are not loaded with it (they load on first use); ``units_and_subtree`` reads them for an Actor.
    """
    row = session.execute(_USER_UNLESS_REVOKED, {"username": username, "token_id": token_id}).first()
    if row is None or row.revoked:
        return None
    return row.User


def _ids_of_user(column, *joins) -> ScalarSelect:
    """The ids of ``column`` over the user's units (and ``joins``), as one text "3,7,12": one value, not a row each."""
    joined: FromClause = USER_UNITS
    for target, condition in joins:
        joined = joined.join(target, condition)
    query = select(func.aggregate_strings(cast(column, String), ",")).select_from(joined)
    return query.where(USER_UNITS.c.user_id == USERS.c.id).scalar_subquery()


_OWN_IDS = _ids_of_user(USER_UNITS.c.unit_id).label("own")
_VISIBLE_IDS = _ids_of_user(UNIT_BELOW.c.id, (OWN_UNIT, _OWN_UNIT_OF_ROW), (UNIT_BELOW, _AT_OR_BELOW)).label("visible")
# The unit ids come as text, one value each: a row per unit (a city's supervisor sees hundreds) cost more than the
# statement it saved when the bearer's look-up became one statement.
_PERSON_WITH_UNITS = select(USERS.c.roles, _REVOKED, _OWN_IDS, _VISIBLE_IDS).where(*_ACTIVE_NAMED)
"""The active user, whether the token was revoked, their own units and the units at or below them: one row. On the
tables, not the mapped classes: the acting person needs no User instance, and loading one (the ORM's result set-up
for its 11 columns) cost more than the statement itself."""
_UNITS_OF_USER = select(_OWN_IDS, _VISIBLE_IDS).where(USERS.c.id == bindparam("user_id"))


def _id_set(text: str | None) -> frozenset[int]:
    return frozenset(int(part) for part in text.split(",")) if text else frozenset()


@dataclass(frozen=True)
class SignedInPerson:
    """Who a valid, unrevoked token belongs to: an active user's username, roles and units (no User instance)."""

    username: str
    roles: tuple[str, ...]
    unit_ids: frozenset[int]
    """Their own units."""
    visible_unit_ids: frozenset[int]
    """Their units and every unit below them."""


def signed_in_person(session: Session, *, username: str, token_id: str) -> SignedInPerson | None:
    """The active user ``username`` with their units when the token ``token_id`` was not revoked, else None — one
    statement, however many units they see."""
    row = session.execute(_PERSON_WITH_UNITS, {"username": username, "token_id": token_id}).first()
    if row is None or row.revoked:
        return None
    return SignedInPerson(username=username, roles=tuple(row.roles), unit_ids=_id_set(row.own),
                          visible_unit_ids=_id_set(row.visible))  # fmt: skip


def units_and_subtree(session: Session, *, user_id: int) -> tuple[frozenset[int], frozenset[int]]:
    """The ids of the user's own units and of every unit at or below them (materialized paths) — one statement, one
    row, as the bearer's look-up reads them."""
    row = session.execute(_UNITS_OF_USER, {"user_id": user_id}).one()
    return _id_set(row.own), _id_set(row.visible)
