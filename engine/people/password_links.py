"""One-time password links: an admin issues one (a new account, a forgotten password), the person follows it once
within a day and chooses a password. Only the SHA-256 of the link's token is stored."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.core.errors import NotFound
from engine.core.models import PasswordLink, User
from engine.people.accounts import InvalidAccountData, user_named
from engine.people.admin_log import AdminAction, record_admin_event
from engine.people.auth import Actor, hash_password
from engine.people.permissions import can_administer, require

LINK_LIFETIME = timedelta(hours=24)
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256


class PasswordLinkInvalid(NotFound):
    """The link is unknown, already used, replaced by a newer one, or expired."""

    def __init__(self) -> None:
        super().__init__(
            "Liên kết đặt mật khẩu không hợp lệ, đã được dùng hoặc đã hết hạn; "
            "hãy đề nghị quản trị viên cấp liên kết mới"
        )


@dataclass(frozen=True)
class IssuedLink:
    """A link just issued: the token is shown once, to the admin who hands it over."""

    username: str
    token: str
    expires_at: datetime


@dataclass(frozen=True)
class OpenLink:
    """Whose password a valid link sets, and until when it is valid."""

    username: str
    full_name: str
    expires_at: datetime


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_password_link(session: Session, actor: Actor, username: str, *, now: datetime) -> IssuedLink:
    """A new one-time link for an active account; the account's earlier unused links stop working."""
    require(can_administer, actor)
    user = user_named(session, username)
    if not user.is_active:
        raise InvalidAccountData(
            "username", f"Tài khoản '{username}' đang bị khóa; mở khóa trước khi cấp liên kết đặt mật khẩu"
        )
    session.execute(
        update(PasswordLink).where(PasswordLink.user_id == user.id, PasswordLink.used_at.is_(None)).values(used_at=now)
    )
    token = secrets.token_urlsafe(32)
    expires_at = now + LINK_LIFETIME
    session.add(
        PasswordLink(user_id=user.id, token_hash=_digest(token), created_by=actor.username, created_at=now,
                     expires_at=expires_at)
    )  # fmt: skip
    record_admin_event(
        session, actor=actor.username, action=AdminAction.PASSWORD_LINK_ISSUED, target=username, at=now,
        details={"expires_at": expires_at.isoformat()},
    )  # fmt: skip
    session.flush()
    return IssuedLink(username=username, token=token, expires_at=expires_at)


def _valid_link(session: Session, token: str, now: datetime) -> tuple[PasswordLink, User]:
    found = session.execute(
        select(PasswordLink, User)
        .join(User, User.id == PasswordLink.user_id)
        .where(PasswordLink.token_hash == _digest(token), PasswordLink.used_at.is_(None))
    ).first()
    if found is None:
        raise PasswordLinkInvalid()
    link, user = found
    if link.expires_at <= now or not user.is_active:
        raise PasswordLinkInvalid()
    return link, user


def open_password_link(session: Session, token: str, *, now: datetime) -> OpenLink:
    """Whose password the link sets, or ``PasswordLinkInvalid``."""
    link, user = _valid_link(session, token, now)
    return OpenLink(username=user.username, full_name=user.full_name, expires_at=link.expires_at)


def check_new_password(password: str) -> str:
    """A password long enough (and not absurdly long)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidAccountData("password", f"Mật khẩu cần ít nhất {MIN_PASSWORD_LENGTH} ký tự")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidAccountData("password", f"Mật khẩu dài quá {MAX_PASSWORD_LENGTH} ký tự")
    return password


def set_password_with_link(session: Session, token: str, password: str, *, now: datetime) -> str:
    """Set the password of the link's account and use the link up; returns the username.

    The link is checked first, then the transaction is ended before argon2 runs (slow on purpose), and the link is
    used up with ``UPDATE … WHERE used_at IS NULL``: of two submissions of one link only the first sets a password.
    """
    check_new_password(password)
    link, user = _valid_link(session, token, now)
    link_id, user_id, username = link.id, user.id, user.username
    session.rollback()  # nothing written yet: no transaction is held while the password is hashed
    password_hash = hash_password(password)
    used = session.execute(
        update(PasswordLink)
        .where(PasswordLink.id == link_id, PasswordLink.used_at.is_(None), PasswordLink.expires_at > now)
        .values(used_at=now)
    )
    if used.rowcount != 1:  # type: ignore[attr-defined]
        raise PasswordLinkInvalid()
    session.execute(
        update(User).where(User.id == user_id, User.is_active.is_(True)).values(password_hash=password_hash)
    )
    record_admin_event(session, actor=username, action=AdminAction.PASSWORD_SET, target=username, at=now)
    session.flush()
    return username
