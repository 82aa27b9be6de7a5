"""Sign-in (OAuth2 password flow) and the signed-in user."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response, status
from fastapi.security import OAuth2PasswordRequestForm

from api.deps import (
    AppSettings,
    CurrentBearerToken,
    CurrentUser,
    DbSession,
    Services,
    client_address,
    commit,
    sign_in_limits,
)
from api.schemas import COMMON_RESPONSES, ErrorOut, MeOut, TokenOut, UnitOut
from engine.people.auth import issue_token
from engine.people.sessions import revoke_token
from engine.people.sign_in import TooManySignIns, retry_after_seconds, sign_in

router = APIRouter(prefix="/api/auth", tags=["auth"], responses=COMMON_RESPONSES)


@router.post("/token", response_model=TokenOut, responses={401: {"model": ErrorOut}, 429: {"model": ErrorOut}})
def issue_bearer_token(
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: DbSession,
    settings: AppSettings,
    services: Services,
) -> TokenOut:
    """Exchange a username and password for a bearer token (failed attempts are throttled: 429 with Retry-After)."""
    now = services.clock.now()
    try:
        user = sign_in(
            session, username=form.username, password=form.password, address=client_address(request), now=now,
            limits=sign_in_limits(settings),
        )  # fmt: skip
    except TooManySignIns as refused:
        retry_after = {"Retry-After": str(retry_after_seconds(refused, now))}
        raise HTTPException(429, refused.message, headers=retry_after) from refused
    commit(session)
    if user is None:
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="Wrong username or password",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return TokenOut(access_token=issue_token(user, secret=settings.secret_key, minutes=settings.token_minutes))


@router.post("/logout", status_code=204, response_class=Response, responses={401: {"model": ErrorOut}})
def sign_out(token: CurrentBearerToken, session: DbSession, services: Services) -> Response:
    """Revoke this bearer token at once (it is refused from now on, though it has not expired)."""
    revoke_token(session, token, services.clock.now())
    commit(session)
    return Response(status_code=204)


@router.get("/me", response_model=MeOut, responses={401: {"model": ErrorOut}})
def who_am_i(user: CurrentUser) -> MeOut:
    """The signed-in user, their roles and units."""
    return MeOut(
        username=user.username,
        full_name=user.full_name,
        roles=list(user.roles),
        units=[UnitOut.model_validate(u) for u in user.units],
    )
