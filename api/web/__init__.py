"""Web pages for officers and supervisors: Jinja2 templates with htmx, bpmn-js and Chart.js served locally."""

from pathlib import Path
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from api.routers import add_routes
from api.web.context import CsrfRejected, LoginRequired
from api.web.error_texts import page_message
from api.web.i18n import translate
from api.web.session import language_of
from api.web.templating import build_environment

WEB_DIR = Path(__file__).resolve().parent
VENDOR = {
    "bpmn-js": WEB_DIR / "node_modules" / "bpmn-js" / "dist",
    "chart.js": WEB_DIR / "node_modules" / "chart.js" / "dist",
    "htmx": WEB_DIR / "node_modules" / "htmx.org" / "dist",
}


def is_page_request(request: Request) -> bool:
    """True for web pages (not the REST API, not health checks)."""
    path = request.url.path
    return not (path.startswith("/api") or path in ("/healthz", "/openapi.json", "/docs", "/redoc"))


def error_page(request: Request, status_code: int, message: str) -> HTMLResponse:
    """A plain error page with the reason and a way back."""
    if request.url.path.startswith("/portal"):  # the public portal has its own look and no staff links
        from api.web.portal_context import render_portal

        return render_portal(request, "portal_message.html", status_code, title_key="error.back", message=message)
    lang = language_of(request)
    title_key = {404: "error.not_found", 403: "error.forbidden", 409: "error.conflict", 400: "error.bad_request"}.get(
        status_code, "error.back"
    )
    shown, detail = page_message(message, status_code, lang)
    html = request.app.state.templates.get_template("error.html").render(
        t=lambda key, **v: translate(key, lang, **v), lang=lang, status_code=status_code,
        title=translate(title_key, lang), message=shown, detail=detail, back=back_link(request),
    )  # fmt: skip
    return HTMLResponse(html, status_code=status_code)


def back_link(request: Request) -> str:
    """Where "back" goes: the page the person came from on this site (not the failing page itself), else their
    home page ("/" sends each role to a page it may open)."""
    referer = urlsplit(request.headers.get("referer") or "")
    if referer.netloc and referer.netloc != request.url.netloc:
        return "/"
    path = referer.path + (f"?{referer.query}" if referer.query else "")
    if not path.startswith("/") or path.startswith("//") or referer.path == request.url.path:
        return "/"
    return path


async def _login_required(_request: Request, exc: LoginRequired) -> RedirectResponse:
    return RedirectResponse(f"/login?next={exc.next_url}", status_code=303)


async def _csrf_rejected(request: Request, _exc: CsrfRejected) -> HTMLResponse:
    return error_page(request, 403, translate("error.csrf", language_of(request)))


def code_labels(forms) -> dict[str, dict[str, str]]:
    """Vietnamese labels of the intake codes (source, field, behaviour group), from the intake forms' schemas.

    A petition's source is its reception channel (visit, post, forwarded, portal), so those labels join "source".
    """
    labels: dict[str, dict[str, str]] = {}
    for form, channel_kind in (("receive_report.schema.json", "source"), ("receive_petition.schema.json", "channel")):
        try:
            form_labels = forms.enum_labels(form)
        except Exception:  # no such intake form: codes are shown as they are
            continue
        for kind, kind_labels in form_labels.items():
            labels.setdefault("source" if kind == channel_kind else kind, {}).update(kind_labels)
    return labels


def install_web(app: FastAPI, zone, forms) -> None:
    """Add the pages, the static files and the page error handlers to the app."""
    from api.web import (
        routes_absences,
        routes_admin,
        routes_auth,
        routes_cases,
        routes_designer,
        routes_documents,
        routes_federation,
        routes_inbox,
        routes_issued_documents,
        routes_leaders,
        routes_legacy_import,
        routes_lifecycle,
        routes_notifications,
        routes_overview,
        routes_password,
        routes_portal,
        routes_reception,
        routes_reports,
        routes_stuck,
        routes_tasks,
        routes_team,
        routes_transfers,
        routes_verification,
        routes_versions,
    )
    from engine.people import permissions
    from engine.portal.guard import FormRefused, RateLimited

    app.state.templates = build_environment(zone)
    app.state.templates.globals["policy"] = permissions  # pages show what the one policy allows
    labels = code_labels(forms)
    app.state.templates.globals["label"] = lambda kind, code: labels.get(kind, {}).get(code, code or "—")
    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")
    for name, directory in VENDOR.items():
        if directory.is_dir():
            app.mount(f"/vendor/{name}", StaticFiles(directory=directory), name=f"vendor-{name}")
    pages = (
        routes_auth, routes_leaders, routes_inbox, routes_tasks, routes_stuck, routes_cases, routes_overview,
        routes_reports,
        routes_reception, routes_versions, routes_designer, routes_portal, routes_notifications, routes_absences,
        routes_team,
        routes_admin, routes_password, routes_documents, routes_issued_documents, routes_verification,
        routes_federation, routes_transfers, routes_legacy_import, routes_lifecycle,
    )  # fmt: skip
    add_routes(app, *(module.router for module in pages))
    app.add_exception_handler(RateLimited, routes_portal.rate_limited_page)
    app.add_exception_handler(FormRefused, routes_portal.form_refused_page)
    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(CsrfRejected, _csrf_rejected)
