"""What every page needs: the signed-in user, their actor, the language, CSRF checks and rendering."""

from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup, escape

from api.deps import DbSession, get_services, get_settings
from api.web.i18n import translate
from api.web.session import CSRF_FIELD, CSRF_HEADER, WebSession, csrf_valid, language_of, read_session
from engine.core.db import Session
from engine.core.models import Case, User
from engine.core.settings import Settings
from engine.notifications.inbox import my_unread_count
from engine.people.auth import Actor, actor_for
from engine.people.permissions import can_read_own_notifications
from engine.people.signed_in import signed_in_user
from engine.presentation.case_view import case_presenter
from engine.presentation.labels import SYSTEM_ACTOR, people_names, roles_label, step_label
from engine.presentation.values import Presenter
from engine.processes.deployment import definition_by_id
from engine.services import EngineServices


class LoginRequired(Exception):
    """The page needs a signed-in user; the handler redirects to the login page."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


class CsrfRejected(Exception):
    """A form post without the session's CSRF token."""


@dataclass
class Page:
    """The request's page context."""

    request: Request
    session: Session
    services: EngineServices
    settings: Settings
    user: User
    actor: Actor
    web_session: WebSession
    lang: str
    _people: dict[str, str] | None = field(default=None, repr=False)

    @property
    def people(self) -> dict[str, str]:
        """Username → full name of everyone who has one (read once per request)."""
        if self._people is None:
            self._people = people_names(self.session)
        return self._people

    def person(self, username: str | None) -> Markup:
        """A person by full name, the username on hover; the system by its name; nobody as "—"."""
        if not username:
            return Markup("—")
        if username == "system":
            return escape(SYSTEM_ACTOR.get(self.lang, SYSTEM_ACTOR["vi"]))
        name = self.people.get(username)
        if not name:
            return escape(username)
        return Markup('<span class="person" title="{}">{}</span>').format(username, name)

    def step(self, name: str | None) -> str:
        """A step's BPMN name in the page's language."""
        return step_label(name, self.lang)

    def roles(self, codes: list[str]) -> str:
        """The names of roles (or lanes), comma-separated."""
        return roles_label(codes, self.lang)

    def presenter(self, case: Case, first: dict[str, Any] | None = None) -> Presenter:
        """The presenter of a case's data: its process's forms, the calendar's zone, the page's language."""
        definition = definition_by_id(self.session, case.definition_id)
        return case_presenter(
            self.session, self.services.forms, definition, zone=self.services.calendar.zone, lang=self.lang,
            first=first,
        )  # fmt: skip

    def t(self, key: str, **values: object) -> str:
        """A UI text in the page's language."""
        return translate(key, self.lang, **values)

    def unread_notifications(self) -> int | None:
        """The bell's figure: how many of the user's notifications are unread (None when they have none to read)."""
        if not can_read_own_notifications(self.actor):
            return None
        return my_unread_count(self.session, self.actor)

    def render(self, template: str, status_code: int = 200, **context: object) -> HTMLResponse:
        """Render a template with the common context."""
        environment = self.request.app.state.templates
        html = environment.get_template(template).render(
            page=self, t=self.t, user=self.user, actor=self.actor, csrf_field=CSRF_FIELD,
            csrf_token=self.web_session.csrf_token, lang=self.lang, request=self.request,
            unread_notifications=self.unread_notifications(), **context,
        )  # fmt: skip
        response = HTMLResponse(html, status_code=status_code)
        if self.request.query_params.get("lang") in ("vi", "en"):
            response.set_cookie("phananh_lang", self.lang, max_age=365 * 86400, samesite="lax", path="/")
        return response

    async def check_csrf(self) -> None:
        """Refuse a form post that lacks this session's CSRF token."""
        submitted = self.request.headers.get(CSRF_HEADER)
        if submitted is None:
            form = await self.request.form()
            submitted = form.get(CSRF_FIELD)
        if not csrf_valid(self.web_session, submitted if isinstance(submitted, str) else None):
            raise CsrfRejected()


def current_page(
    request: Request,
    session: DbSession,
    services: Annotated[EngineServices, Depends(get_services)],
    settings: Annotated[Settings, Depends(get_settings)],
) -> Page:
    """The page context of a signed-in user, or a redirect to the login page."""
    web_session = read_session(request, settings.secret_key)
    user = (  # None when signed out (the cookie was revoked, though it has not expired) or the user was deactivated
        signed_in_user(session, username=web_session.username, token_id=web_session.token.token_id)
        if web_session is not None
        else None
    )
    if web_session is None or user is None:
        raise LoginRequired(quote(str(request.url.path) + (f"?{request.url.query}" if request.url.query else "")))
    return Page(
        request=request, session=session, services=services, settings=settings, user=user,
        actor=actor_for(session, user), web_session=web_session, lang=language_of(request),
    )  # fmt: skip


WebPage = Annotated[Page, Depends(current_page)]
