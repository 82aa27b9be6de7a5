"""Request dependencies: the database session, the engine services and the acting user."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from engine.core.db import READ_ONLY
from engine.core.errors import Conflict
from engine.core.models import User
from engine.core.settings import Settings
from engine.people.auth import Actor, read_token, signed_in_actor
from engine.people.permissions import (
    Rule,
    can_administer,
    can_assign_task,
    can_claim_task,
    can_comment_on_case,
    can_complete_task,
    can_deploy,
    can_design,
    can_manage_absence,
    can_migrate_cases,
    can_read_attachment,
    can_read_case,
    can_read_identity,
    can_read_matter,
    can_read_migration_batch,
    can_read_own_notifications,
    can_read_processes,
    can_read_reports,
    can_read_staff_directory,
    can_read_task,
    can_read_unit_tree,
    can_read_visits_register,
    can_receive_petitions,
    can_recover_cases,
    can_register_case,
    can_unclaim_task,
    can_view_overview,
    require,
)
from engine.people.sessions import SignedToken, is_revoked
from engine.people.sign_in import SignInLimits
from engine.people.signed_in import signed_in_user
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


# The dependencies that do no I/O are ``async``: FastAPI runs a plain ``def`` dependency in the thread pool, and
# each such hop costs more than the look-up itself.


async def get_settings(request: Request) -> Settings:
    """The app's settings."""
    return request.app.state.settings


async def get_services(request: Request) -> EngineServices:
    """The app's engine services."""
    return request.app.state.services


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A session for one request; routes commit explicitly, anything uncommitted is rolled back.

    Making the session does no I/O; ending it does only when a transaction is still open (then in the thread pool).
    """
    session = request.app.state.session_factory()
    try:
        yield session
    finally:
        if session.in_transaction():
            await run_in_threadpool(_discard, session)
        else:
            session.close()


def _discard(session: Session) -> None:
    session.rollback()
    session.close()


def read_without_write_lock(session: Session) -> None:
    """Begin the session's next transaction as a plain read (on SQLite: no write lock, other writers go on)."""
    session.connection(execution_options={READ_ONLY: True})


def end_reads(session: Session) -> None:
    """End a read transaction on SQLite, so that the route's writes begin their own (short) one.

    On PostgreSQL the transaction stays: reads take no lock there, and a new checkout would cost a round trip.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.rollback()


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
    """The signed-in user of the bearer token, or 401: the user and the token's revocation in one statement."""
    signed = _signed_token(settings, token)
    user = signed_in_user(session, username=signed.username, token_id=signed.token_id)
    if user is None:
        raise _UNAUTHORIZED
    return user


def _signed_token(settings: Settings, token: str | None) -> SignedToken:
    """What the request's bearer token says when it is valid and unexpired (not yet whether it was revoked), or 401."""
    signed = read_token(token, secret=settings.secret_key) if token else None
    if signed is None:
        raise _UNAUTHORIZED
    return signed


def bearer_token(session: Session, settings: Settings, token: str | None) -> SignedToken:
    """The request's valid, unrevoked bearer token, or 401."""
    signed = _signed_token(settings, token)
    if is_revoked(session, signed):
        raise _UNAUTHORIZED
    return signed


def current_actor(
    session: DbSession, settings: AppSettings, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> Actor:
    """The acting person with roles and visible units resolved, or 401.

    The look-up is one statement (``signed_in_actor``) in a read transaction, ended before the route runs
    (see ``end_reads``).
    """
    signed = _signed_token(settings, token)
    began = not session.in_transaction()
    if began:
        read_without_write_lock(session)
    actor = signed_in_actor(session, username=signed.username, token_id=signed.token_id)
    if began:  # a transaction some other dependency began is left to it
        end_reads(session)
    if actor is None:
        raise _UNAUTHORIZED
    return actor


def current_bearer_token(
    session: DbSession, settings: AppSettings, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> SignedToken:
    """The request's valid, unrevoked bearer token, or 401."""
    return bearer_token(session, settings, token)


CurrentUser = Annotated[User, Depends(current_user)]
CurrentBearerToken = Annotated[SignedToken, Depends(current_bearer_token)]
CurrentActor = Annotated[Actor, Depends(current_actor)]


def allowed(rule: Rule):
    """A dependency: the signed-in actor when the policy's ``rule`` lets their roles do it, else 403.

    It runs before the body is validated, so a refused caller gets 403 and never a 422 about the body.
    """

    async def actor_allowed(actor: CurrentActor) -> Actor:  # no I/O: no thread-pool hop
        require(rule, actor)
        return actor

    actor_allowed.__name__ = f"actor_{rule.name}"
    return Depends(actor_allowed)


CaseReader = Annotated[Actor, allowed(can_read_case)]
CaseCommenter = Annotated[Actor, allowed(can_comment_on_case)]
CaseRegistrar = Annotated[Actor, allowed(can_register_case)]
CaseRecoverer = Annotated[Actor, allowed(can_recover_cases)]
TaskReader = Annotated[Actor, allowed(can_read_task)]
TaskClaimer = Annotated[Actor, allowed(can_claim_task)]
TaskCompleter = Annotated[Actor, allowed(can_complete_task)]
TaskAssigner = Annotated[Actor, allowed(can_assign_task)]
TaskUnclaimer = Annotated[Actor, allowed(can_unclaim_task)]
MatterReader = Annotated[Actor, allowed(can_read_matter)]
IdentityReader = Annotated[Actor, allowed(can_read_identity)]
ReportReader = Annotated[Actor, allowed(can_read_reports)]
OverviewReader = Annotated[Actor, allowed(can_view_overview)]
ProcessReader = Annotated[Actor, allowed(can_read_processes)]
Designer = Annotated[Actor, allowed(can_design)]
Deployer = Annotated[Actor, allowed(can_deploy)]
Migrator = Annotated[Actor, allowed(can_migrate_cases)]
MigrationBatchReader = Annotated[Actor, allowed(can_read_migration_batch)]
AttachmentReader = Annotated[Actor, allowed(can_read_attachment)]
ReceptionDesk = Annotated[Actor, allowed(can_receive_petitions)]
RegisterReader = Annotated[Actor, allowed(can_read_visits_register)]
DirectoryReader = Annotated[Actor, allowed(can_read_staff_directory)]
UnitTreeReader = Annotated[Actor, allowed(can_read_unit_tree)]
AbsenceManager = Annotated[Actor, allowed(can_manage_absence)]
NotificationReader = Annotated[Actor, allowed(can_read_own_notifications)]
Administrator = Annotated[Actor, allowed(can_administer)]
