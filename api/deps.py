"""Request dependencies: the database session, the engine services and the acting user."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from engine.core.errors import Conflict
from engine.core.models import User
from engine.core.settings import Settings
from engine.people.auth import Actor, active_user, actor_for, username_from_token
from engine.people.sign_in import SignInLimits
from engine.services import EngineServices

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)


def client_address(request: Request) -> str:
    """The client's address as the server sees it; forwarded headers count only from the trusted proxies setting."""
    return request.client.host if request.client else "unknown"


def sign_in_limits(settings: Settings) -> SignInLimits:
    """The sign-in throttle of the settings."""
    return SignInLimits(
        per_username=settings.sign_in_failures_per_username,
        per_address=settings.sign_in_failures_per_address,
        window_seconds=settings.sign_in_window_seconds,
    )


def get_settings(request: Request) -> Settings:
    """The app's settings."""
    return request.app.state.settings


def get_services(request: Request) -> EngineServices:
    """The app's engine services."""
    return request.app.state.services


def get_session(request: Request) -> Iterator[Session]:
    """A session for one request; routes commit explicitly, anything uncommitted is rolled back."""
    session = request.app.state.session_factory()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


def commit(session: Session) -> None:
    """Commit, turning a lost write race on SQLite into a clear 409."""
    try:
        session.commit()
    except OperationalError as exc:
        session.rollback()
        if "locked" in str(exc.orig):
            raise Conflict("The database was busy with a concurrent change; retry the action") from exc
        raise


DbSession = Annotated[Session, Depends(get_session)]
Services = Annotated[EngineServices, Depends(get_services)]
AppSettings = Annotated[Settings, Depends(get_settings)]

_UNAUTHORIZED = HTTPException(
    status_code=status.HTTP_401_UNAUTHORIZED,
    detail="Not signed in or the token has expired; get a token from POST /api/auth/token",
    headers={"WWW-Authenticate": "Bearer"},
)


def current_user(
    session: DbSession, settings: AppSettings, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> User:
    """The signed-in user of the bearer token, or 401."""
    if not token:
        raise _UNAUTHORIZED
    user = active_user(session, username_from_token(token, secret=settings.secret_key))
    if user is None:
        raise _UNAUTHORIZED
    return user


def current_actor(session: DbSession, user: Annotated[User, Depends(current_user)]) -> Actor:
    """The acting person with roles and visible units resolved."""
    return actor_for(session, user)


CurrentUser = Annotated[User, Depends(current_user)]
CurrentActor = Annotated[Actor, Depends(current_actor)]


def staff_actor(actor: CurrentActor) -> Actor:
    """An officer, team lead or supervisor: the people who handle cases."""
    actor.require_role("officer", "team_lead", "supervisor")
    return actor


def designer_actor(actor: CurrentActor) -> Actor:
    """A process designer or admin."""
    actor.require_role("designer", "admin")
    return actor


StaffActor = Annotated[Actor, Depends(staff_actor)]
DesignerActor = Annotated[Actor, Depends(designer_actor)]
