"""Sign-in and sign-out pages."""

from typing import Annotated
from urllib.parse import unquote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from api.deps import AppSettings, DbSession, Services, client_address, commit, sign_in_limits
from api.web.context import WebPage
from api.web.i18n import translate
from api.web.session import end_session, language_of, start_session
from engine.people.auth import Actor
from engine.people.permissions import can_administer, can_design, can_read_task, can_read_visits_register
from engine.people.sessions import revoke_token
from engine.people.sign_in import TooManySignIns, retry_after_seconds, sign_in

router = APIRouter(include_in_schema=False)


def _safe_next(next_url: str | None) -> str:
    target = unquote(next_url or "/")
    return target if target.startswith("/") and not target.startswith("//") else "/"


def _login_page(request: Request, *, error: str | None = None, username: str = "", status: int = 200) -> HTMLResponse:
    lang = language_of(request)
    html = request.app.state.templates.get_template("login.html").render(
        t=lambda key, **v: translate(key, lang, **v), lang=lang, error=error, username=username,
        next_url=request.query_params.get("next", ""), request=request,
    )  # fmt: skip
    return HTMLResponse(html, status_code=status)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> HTMLResponse:
    """The sign-in page (the only page reachable without signing in)."""
    return _login_page(request)


@router.post("/login")
def login(
    request: Request,
    session: DbSession,
    settings: AppSettings,
    services: Services,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    next_url: Annotated[str, Form(alias="next")] = "",
):
    """Check the password and start a cookie session (failed attempts are throttled like the API's)."""
    now = services.clock.now()
    try:
        user = sign_in(
            session, username=username, password=password, address=client_address(request), now=now,
            limits=sign_in_limits(settings),
        )  # fmt: skip
    except TooManySignIns as refused:
        wait = retry_after_seconds(refused, now)
        message = translate("login.throttled", language_of(request), minutes=(wait + 59) // 60)
        page = _login_page(request, error=message, username=username, status=429)
        page.headers["Retry-After"] = str(wait)
        return page
    commit(session)
    if user is None:
        message = translate("login.failed", language_of(request))
        return _login_page(request, error=message, username=username, status=401)
    response = RedirectResponse(_safe_next(next_url), status_code=303)
    secure = settings.cookie_secure or request.url.scheme == "https"
    start_session(response, user.username, secret=settings.secret_key, minutes=settings.token_minutes, secure=secure)
    return response


@router.post("/logout")
async def logout(page: WebPage) -> RedirectResponse:
    """End the session (a form post like any other: it carries the CSRF token)."""
    await page.check_csrf()
    revoke_token(page.session, page.web_session.token, page.services.clock.now())
    commit(page.session)
    response = RedirectResponse("/login", status_code=303)
    end_session(response)
    return response


def home_path(actor: Actor) -> str:
    """The first page the policy lets the actor open: the inbox, the admin's pages, the designer, or the visits
    register."""
    if can_read_task(actor):
        return "/inbox"
    if can_administer(actor):
        return "/admin/users"
    if can_design(actor):
        return "/designer"
    if can_read_visits_register(actor):
        return "/reception/register"
    return "/portal"


@router.get("/")
def home(page: WebPage) -> RedirectResponse:
    """The home page of the signed-in person's role (the inbox for those who handle cases)."""
    return RedirectResponse(home_path(page.actor), status_code=303)
