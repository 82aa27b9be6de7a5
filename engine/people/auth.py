"""Users, passwords (argon2), bearer tokens (signed JWT) and the acting person of every request."""

import secrets
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core.errors import BadRequest, Forbidden
from engine.core.models import Unit, User, UserUnit
from engine.people.roles import ROLES
from engine.people.sessions import SignedToken, token_expiry
from engine.people.signed_in import signed_in_person, units_and_subtree

_hasher = PasswordHasher()
_hashing = threading.BoundedSemaphore(1)


@dataclass(frozen=True)
class Actor:
    """Who is asking: their roles, their own units and every unit they can see."""

    username: str
    roles: frozenset[str]
    unit_ids: frozenset[int]
    visible_unit_ids: frozenset[int] = field(default_factory=frozenset)

    def has_role(self, *roles: str) -> bool:
        """True when the actor holds any of ``roles``."""
        return bool(self.roles.intersection(roles))

    def require_role(self, *roles: str) -> None:
        """Raise ``Forbidden`` unless the actor holds one of ``roles``."""
        if not self.has_role(*roles):
            raise Forbidden(f"User '{self.username}' needs one of the roles {', '.join(roles)}")

    def sees_unit(self, unit_id: int) -> bool:
        """True when ``unit_id`` is one of the actor's units or below them."""
        return unit_id in self.visible_unit_ids


def use_password_hasher(hasher: PasswordHasher) -> None:
    """Hash new passwords (and the decoy of an unknown name) with ``hasher`` from now on, in this process.

    Verification always reads the parameters stored in each hash, so accounts made with other parameters still
    sign in. The test suite, which creates and signs in thousands of accounts, uses argon2's cheapest parameters.
    """
    global _hasher
    _hasher = hasher


def hash_password(password: str) -> str:
    """An argon2 hash of a password."""
    return _hasher.hash(password)


def create_user(
    session: Session, *, username: str, password: str, roles: Sequence[str], units: list[Unit], full_name: str = ""
) -> User:
    """Add a user with hashed password, roles and units."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise BadRequest(f"Unknown role(s): {', '.join(sorted(unknown))}; known roles: {', '.join(ROLES)}")
    if len(password) < 8:
        raise BadRequest("Password must have at least 8 characters")
    if session.scalars(select(User).where(User.username == username)).first():
        raise BadRequest(f"User '{username}' already exists")
    user = User(username=username, full_name=full_name, password_hash=hash_password(password), roles=list(roles))
    session.add(user)
    session.flush()
    for unit in units:
        session.add(UserUnit(user_id=user.id, unit_id=unit.id))
    session.flush()
    session.refresh(user)
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The user when the password matches, else None.

    The session's transaction is ended before the password is hashed: argon2 is slow on purpose, and a transaction
    held through it (on SQLite, the write lock) would make every other request wait. Hashing runs one at a time per
    process, so a flood of sign-ins leaves the other requests a core.
    """
    user = session.scalars(select(User).where(User.username == username)).first()
    user_id = user.id if user is not None and user.is_active else None
    stored_hash = user.password_hash if user is not None and user_id is not None else None
    session.rollback()  # nothing was written yet
    with _hashing:
        if stored_hash is None:
            _hasher.hash(password)  # same cost either way, so timing does not reveal which usernames exist
            return None
        try:
            _hasher.verify(stored_hash, password)
        except (VerifyMismatchError, InvalidHashError):
            return None
    return session.get(User, user_id)


def actor_for(session: Session, user: User) -> Actor:
    """The Actor of a stored user, with unit visibility resolved in one statement."""
    unit_ids, visible_unit_ids = units_and_subtree(session, user_id=user.id)
    return Actor(
        username=user.username, roles=frozenset(user.roles), unit_ids=unit_ids, visible_unit_ids=visible_unit_ids
    )


def signed_in_actor(session: Session, *, username: str, token_id: str) -> Actor | None:
    """The Actor of the active user ``username`` when the token ``token_id`` was not revoked, else None.

    One statement, no User instance: the person, the token's revocation and their units (``signed_in_person``).
    """
    person = signed_in_person(session, username=username, token_id=token_id)
    if person is None:
        return None
    return Actor(username=person.username, roles=frozenset(person.roles), unit_ids=person.unit_ids,
                 visible_unit_ids=person.visible_unit_ids)  # fmt: skip


# Bearer tokens are signed for the REST API only; the pages' session cookie carries another audience.
API_AUDIENCE = "phananh-api"


def issue_token(user: User, *, secret: str, minutes: int, now: datetime | None = None) -> str:
    """A signed bearer token for a user."""
    issued = now or datetime.now(UTC)
    claims = {
        "sub": user.username, "iat": issued, "exp": issued + timedelta(minutes=minutes), "aud": API_AUDIENCE,
        "jti": secrets.token_urlsafe(16),
    }  # fmt: skip
    return jwt.encode(claims, secret, algorithm="HS256")


VERIFIED_TOKENS_KEPT = 4096
"""How many verified tokens each process remembers (one entry is a few hundred bytes)."""


def read_token(token: str, *, secret: str, now: datetime | None = None) -> SignedToken | None:
    """What a valid API token says, or None when it is bad, expired, without expiry or id, or not an API token.

    A token is verified once per process and then remembered, so each request only checks that it has not
    expired since; whether it was revoked is the database's to say, on every request (``signed_in_actor``).
    """
    try:
        signed = _verified(token, secret)
    except jwt.PyJWTError:
        return None
    if signed.expires_at <= (now or datetime.now(UTC)):  # expired, as PyJWT counts it (no leeway)
        return None
    return signed


@lru_cache(maxsize=VERIFIED_TOKENS_KEPT)
def _verified(token: str, secret: str) -> SignedToken:
    """The claims of a token whose signature, audience and claims PyJWT accepts; raises ``PyJWTError`` (never
    remembered) otherwise. PyJWT's checks were 4 % of a completion's CPU, most of it preparing the key."""
    claims = jwt.decode(
        token, secret, algorithms=["HS256"], audience=API_AUDIENCE,
        options={"require": ["exp", "sub", "aud", "jti"]},
    )  # fmt: skip
    return SignedToken(username=claims["sub"], token_id=claims["jti"], expires_at=token_expiry(claims))
