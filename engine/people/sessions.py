"""Signed tokens that end before their expiry: signing out revokes the session cookie or bearer token server-side.

Every token carries an id (``jti``). Signing out records it in ``revoked_tokens`` until the token would have expired
anyway, and every request checks its token's id against that table, so a copied cookie stops working at sign-out.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine.core.models import RevokedToken


@dataclass(frozen=True)
class SignedToken:
    """What a valid token says: who, its id, and when it expires."""

    username: str
    token_id: str
    expires_at: datetime


def token_expiry(claims: dict) -> datetime:
    """The ``exp`` claim of a decoded token as an aware datetime."""
    return datetime.fromtimestamp(int(claims["exp"]), tz=UTC)


def revoke_token(session: Session, token: SignedToken, now: datetime) -> None:
    """Refuse the token from now on (the caller commits); expired revocations are dropped on the way."""
    session.execute(delete(RevokedToken).where(RevokedToken.expires_at < now))
    if session.get(RevokedToken, token.token_id) is None:
        session.add(RevokedToken(token_id=token.token_id, expires_at=token.expires_at))
    session.flush()


def is_revoked(session: Session, token: SignedToken) -> bool:
    """Whether the token was revoked by signing out."""
    return session.scalar(select(RevokedToken.token_id).where(RevokedToken.token_id == token.token_id)) is not None
