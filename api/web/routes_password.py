"""The public page of a one-time password link (/password/set/{token}): the person chooses their password."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

import api.web.admin_texts  # noqa: F401  (adds the password page's texts to the table)
from api.deps import DbSession, Services, commit
from api.errors import http_status
from api.web.i18n import translate
from api.web.session import language_of
from engine.core.errors import InvalidFormData
from engine.people.password_links import (
    MIN_PASSWORD_LENGTH,
    PasswordLinkInvalid,
    open_password_link,
    set_password_with_link,
)

router = APIRouter(include_in_schema=False)


def _render(request: Request, status: int = 200, **context: object) -> HTMLResponse:
    lang = language_of(request)
    html = request.app.state.templates.get_template("password_set.html").render(
        t=lambda key, **v: translate(key, lang, **v), lang=lang, request=request, min_length=MIN_PASSWORD_LENGTH,
        **context,
    )  # fmt: skip
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})


@router.get("/password/set/{token}", response_class=HTMLResponse)
def password_form(token: str, request: Request, session: DbSession, services: Services) -> HTMLResponse:
    """The form to choose a password, or why the link no longer works."""
    try:
        link = open_password_link(session, token, now=services.clock.now())
    except PasswordLinkInvalid as invalid:
        return _render(request, http_status(invalid), invalid=invalid.message)
    return _render(request, link=link)


@router.post("/password/set/{token}", response_class=HTMLResponse)
async def set_password(token: str, request: Request, session: DbSession, services: Services) -> HTMLResponse:
    """Set the password (typed twice) and use the link up; then the way to the sign-in page."""
    now = services.clock.now()
    try:
        link = open_password_link(session, token, now=now)
    except PasswordLinkInvalid as invalid:
        return _render(request, http_status(invalid), invalid=invalid.message)
    form = await request.form()
    password, again = form.get("password"), form.get("password_again")
    password = password if isinstance(password, str) else ""
    if password != again:
        message = translate("password.mismatch", language_of(request))
        return _render(request, 422, link=link, error=message)
    try:
        set_password_with_link(session, token, password, now=now)
    except (InvalidFormData, PasswordLinkInvalid) as refused:
        session.rollback()
        status = http_status(refused)
        return (
            _render(request, status, link=link, error=refused.message)
            if status == 422
            else _render(request, status, invalid=refused.message)
        )
    commit(session)
    return _render(request, done=True, link=link)
