"""Cookie sessions for the web pages: a signed, expiring cookie with the username and a CSRF token."""

import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt
from fastapi import Request
from starlette.responses import Response

from engine.people.sessions import SignedToken, token_expiry

SESSION_COOKIE = "phananh_session"
LANGUAGE_COOKIE = "phananh_lang"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


@dataclass(frozen=True)
class WebSession:
    """Who is signed in, and the token every form post must carry."""

    username: str
    csrf_token: str
    token: SignedToken


# A session cookie is signed for the pages only: it is refused as a bearer token, as a bearer token is as a cookie.
WEB_AUDIENCE = "phananh-web"


def read_session(request: Request, secret: str) -> WebSession | None:
    """The session of the request's cookie, or None when absent, forged or expired."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            audience=WEB_AUDIENCE,
            options={"require": ["exp", "sub", "csrf", "aud", "jti"]},
        )
    except jwt.PyJWTError:
        return None
    token = SignedToken(username=claims["sub"], token_id=claims["jti"], expires_at=token_expiry(claims))
    return WebSession(username=claims["sub"], csrf_token=claims["csrf"], token=token)


def start_session(response: Response, username: str, *, secret: str, minutes: int, secure: bool) -> None:
    """Set a fresh session cookie (a new CSRF token each sign-in)."""
    claims = {
        "sub": username,
        "csrf": secrets.token_urlsafe(24),
        "exp": datetime.now(UTC) + timedelta(minutes=minutes),
        "aud": WEB_AUDIENCE,
        "jti": secrets.token_urlsafe(16),
    }
    response.set_cookie(
        SESSION_COOKIE,
        jwt.encode(claims, secret, algorithm="HS256"),
        max_age=minutes * 60,
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
    )


def end_session(response: Response) -> None:
    """Remove the session cookie."""
    response.delete_cookie(SESSION_COOKIE, path="/")


def csrf_valid(session: WebSession, submitted: str | None) -> bool:
    """True when the submitted token is the session's (compared in constant time)."""
    return bool(submitted) and hmac.compare_digest(session.csrf_token, submitted)


def language_of(request: Request) -> str:
    """The page language: ?lang=, then the language cookie, then Vietnamese."""
    wanted = request.query_params.get("lang") or request.cookies.get(LANGUAGE_COOKIE) or "vi"
    return wanted if wanted in ("vi", "en") else "vi"
