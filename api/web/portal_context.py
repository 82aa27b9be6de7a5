"""The page context of the public portal: no sign-in, no staff session, the portal's own texts and form tokens."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import FormData

import api.web.portal_texts  # noqa: F401  (adds the portal's texts to the table)
from api.deps import AppSettings, DbSession, Services, client_address
from api.web.i18n import translate
from api.web.session import LANGUAGE_COOKIE, language_of
from engine.portal.guard import (
    RateLimit,
    SpamGuard,
    TokenRules,
    check_portal_form,
    count_portal_request,
    issue_form_token,
)

TOKEN_FIELD = "form_token"
HONEYPOT_FIELD = "website"


def render_portal(request: Request, template: str, status_code: int = 200, **context: object) -> HTMLResponse:
    """Render a portal template with the language and the portal's texts."""
    lang = language_of(request)
    html = request.app.state.templates.get_template(template).render(
        t=lambda key, **v: translate(key, lang, **v), lang=lang, request=request, token_field=TOKEN_FIELD,
        honeypot_field=HONEYPOT_FIELD, **context,
    )  # fmt: skip
    response = HTMLResponse(html, status_code=status_code)
    if request.query_params.get("lang") in ("vi", "en"):
        response.set_cookie(LANGUAGE_COOKIE, lang, max_age=365 * 86400, samesite="lax", path="/")
    return response


@dataclass
class PortalPage:
    """The request's portal context."""

    request: Request
    session: DbSession
    services: Services
    settings: AppSettings

    @property
    def lang(self) -> str:
        """The page language."""
        return language_of(self.request)

    def t(self, key: str, **values: object) -> str:
        """A portal text in the page's language."""
        return translate(key, self.lang, **values)

    def render(self, template: str, status_code: int = 200, **context: object) -> HTMLResponse:
        """Render a portal template."""
        return render_portal(self.request, template, status_code, **context)

    def form_token(self, purpose: str) -> str:
        """A fresh signed token for a form rendered now."""
        return issue_form_token(self.settings.secret_key, purpose, self.services.clock.now())

    def count_hit(self, rule: RateLimit) -> None:
        """Count this request against the address's limit of ``rule`` (committed at once); 429 when over."""
        count_portal_request(self.session, rule, address=client_address(self.request), now=self.services.clock.now())

    async def spam_guard(self) -> tuple[FormData, SpamGuard]:
        """The posted form and its spam-guard fields (form token and honeypot), for an engine use case to check."""
        form = await self.request.form()
        token = form.get(TOKEN_FIELD)
        return form, SpamGuard(form_token=token if isinstance(token, str) else None, honeypot=form.get(HONEYPOT_FIELD))

    async def check_form(self, purpose: str, *, single_use: bool, min_seconds: float = 0.0) -> FormData:
        """The posted form after the honeypot and token checks (the spent token is saved with the action)."""
        form, guard = await self.spam_guard()
        rules = TokenRules(min_seconds=min_seconds, max_seconds=self.settings.portal_form_max_seconds)
        check_portal_form(
            self.session, self.settings.secret_key, guard, purpose=purpose, now=self.services.clock.now(),
            rules=rules, single_use=single_use,
        )  # fmt: skip
        return form


def portal_page(request: Request, session: DbSession, services: Services, settings: AppSettings) -> PortalPage:
    """The portal context of any visitor (no sign-in)."""
    return PortalPage(request=request, session=session, services=services, settings=settings)


Portal = Annotated[PortalPage, Depends(portal_page)]
