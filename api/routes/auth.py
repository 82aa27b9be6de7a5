"""Sign-in (OAuth2 password flow) and the signed-in user."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.security import OAuth2PasswordRequestForm

from api.deps import AppSettings, CurrentUser, DbSession
from api.schemas import COMMON_RESPONSES, ErrorOut, MeOut, TokenOut, UnitOut
from engine.people.auth import authenticate, issue_token

router = APIRouter(prefix="/api/auth", tags=["auth"], responses=COMMON_RESPONSES)


@router.post("/token", response_model=TokenOut, responses={401: {"model": ErrorOut}})
def sign_in(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], session: DbSession, settings: AppSettings
) -> TokenOut:
    """Exchange a username and password for a bearer token."""
    user = authenticate(session, form.username, form.password)
    if user is None:
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="Wrong username or password",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return TokenOut(access_token=issue_token(user, secret=settings.secret_key, minutes=settings.token_minutes))


@router.get("/me", response_model=MeOut, responses={401: {"model": ErrorOut}})
def who_am_i(user: CurrentUser) -> MeOut:
    """The signed-in user, their roles and units."""
    return MeOut(
        username=user.username,
        full_name=user.full_name,
        roles=list(user.roles),
        units=[UnitOut.model_validate(u) for u in user.units],
    )
