"""The admin's pages (Quản trị): accounts, one-time password links, the unit tree and who holds which role where.

Each action calls the engine function its REST route calls (engine/people/accounts.py, password_links.py,
unit_admin.py) and asks the same rule, ``can_administer``.
"""

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.datastructures import FormData

import api.web.admin_texts  # noqa: F401  (adds the admin pages' texts to the table)
from api.deps import commit
from api.errors import http_status
from api.routes.administration import password_link_url
from api.web.context import Page, WebPage
from engine.core.errors import Conflict, InvalidFormData
from engine.core.models import User
from engine.notifications.enums import DeliveryMode
from engine.people.accounts import STAFF_ROLES, create_account, list_accounts, role_overview, update_account, user_named
from engine.people.admin_log import admin_events
from engine.people.password_links import LINK_LIFETIME, issue_password_link
from engine.people.permissions import can_administer, require
from engine.people.unit_admin import add_unit, all_units, change_unit, retire_unit

router = APIRouter(include_in_schema=False)
UNIT_DONE = ("created", "changed", "retired")


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _choices(form: FormData, name: str) -> list[str]:
    return [value for value in form.getlist(name) if isinstance(value, str)]


def _account_form(page: Page, *, user: User | None, values: dict, error: str | None = None, status: int = 200):
    units = [row for row in all_units(page.session, page.actor) if row.retired_at is None]
    events = admin_events(page.session, target=user.username, limit=20) if user is not None else []
    return page.render(
        "admin_user_form.html", status_code=status, account=user, values=values, error=error, units=units,
        roles=STAFF_ROLES, modes=list(DeliveryMode), events=events,
    )  # fmt: skip


def _values_of(user: User) -> dict:
    return {
        "username": user.username, "full_name": user.full_name, "email": user.email or "", "roles": list(user.roles),
        "units": [unit.code for unit in user.units], "active": user.is_active,
        "notification_mode": user.notification_mode, "digest_hour": user.digest_hour,
    }  # fmt: skip


def _link_page(page: Page, username: str, token: str, expires_at, *, created: bool) -> HTMLResponse:
    user = user_named(page.session, username)
    url = password_link_url(page.request, token)
    hours = int(LINK_LIFETIME.total_seconds() // 3600)
    response = page.render("admin_password_link.html", account=user, url=url, expires_at=expires_at,
                           created=created, hours=hours)  # fmt: skip
    response.headers["Cache-Control"] = "no-store"  # the link is shown once
    return response


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(page: WebPage) -> HTMLResponse:
    """Every account, searchable by username, full name or e-mail."""
    require(can_administer, page.actor)
    search = page.request.query_params.get("q", "")[:100]
    accounts = list_accounts(page.session, page.actor, search)
    done = page.request.query_params.get("done")
    return page.render("admin_users.html", accounts=accounts, search=search, done=done == "saved")


@router.get("/admin/users/new", response_class=HTMLResponse)
def new_user_page(page: WebPage) -> HTMLResponse:
    """The form of a new account (no password: a one-time link follows)."""
    require(can_administer, page.actor)
    values = {"roles": [], "units": [], "active": True, "notification_mode": "immediate", "digest_hour": 7}
    return _account_form(page, user=None, values=values)


@router.post("/admin/users/new", response_class=HTMLResponse)
async def create_user_from_page(page: WebPage) -> HTMLResponse:
    """Create the account and show its one-time password link."""
    require(can_administer, page.actor)
    await page.check_csrf()
    form = await page.request.form()
    values = {
        "username": _text(form, "username"), "full_name": _text(form, "full_name"), "email": _text(form, "email"),
        "roles": _choices(form, "roles"), "units": _choices(form, "units"),
    }  # fmt: skip
    now = page.services.clock.now()
    try:
        user = create_account(
            page.session, page.actor, username=values["username"], full_name=values["full_name"],
            roles=values["roles"], unit_codes=values["units"], email=values["email"], now=now,
        )  # fmt: skip
        link = issue_password_link(page.session, page.actor, user.username, now=now)
    except (InvalidFormData, Conflict) as refused:
        page.session.rollback()
        return _account_form(page, user=None, values=values, error=refused.message, status=http_status(refused))
    response = _link_page(page, link.username, link.token, link.expires_at, created=True)
    commit(page.session)
    return response


@router.get("/admin/users/{username}", response_class=HTMLResponse)
def edit_user_page(username: str, page: WebPage) -> HTMLResponse:
    """An account's form: name, e-mail, roles, units, active, notification preferences; its recent changes."""
    require(can_administer, page.actor)
    user = user_named(page.session, username)
    return _account_form(page, user=user, values=_values_of(user))


@router.post("/admin/users/{username}", response_model=None)
async def update_user_from_page(username: str, page: WebPage) -> HTMLResponse | RedirectResponse:
    """Save the account's form (every field of it), then back to the list."""
    require(can_administer, page.actor)
    await page.check_csrf()
    user = user_named(page.session, username)
    form = await page.request.form()
    hour = _text(form, "digest_hour")
    changes = {
        "full_name": _text(form, "full_name"), "email": _text(form, "email"), "roles": _choices(form, "roles"),
        "units": _choices(form, "units"), "active": form.get("active") == "on",
        "notification_mode": _text(form, "notification_mode") or user.notification_mode,
        "digest_hour": int(hour) if hour.isascii() and hour.isdigit() and len(hour) <= 2 else hour,
    }  # fmt: skip
    try:
        update_account(page.session, page.actor, username, changes, now=page.services.clock.now())
    except (InvalidFormData, Conflict) as refused:
        page.session.rollback()
        user = user_named(page.session, username)
        values = {**changes, "username": username, "digest_hour": _text(form, "digest_hour")}
        return _account_form(page, user=user, values=values, error=refused.message, status=http_status(refused))
    commit(page.session)
    return RedirectResponse("/admin/users?done=saved", status_code=303)


@router.post("/admin/users/{username}/password-reset", response_class=HTMLResponse)
async def reset_password_from_page(username: str, page: WebPage) -> HTMLResponse:
    """Issue a new one-time password link and show it to hand over."""
    require(can_administer, page.actor)
    await page.check_csrf()
    link = issue_password_link(page.session, page.actor, username, now=page.services.clock.now())
    response = _link_page(page, link.username, link.token, link.expires_at, created=False)
    commit(page.session)
    return response


@router.get("/admin/units", response_class=HTMLResponse)
def units_page(page: WebPage) -> HTMLResponse:
    """The unit tree: add, rename, move and retire units."""
    require(can_administer, page.actor)
    units = all_units(page.session, page.actor)
    names = {row.code: row.name for row in units}
    done = page.request.query_params.get("done")
    return page.render("admin_units.html", units=units, names=names, done=done if done in UNIT_DONE else None)


@router.post("/admin/units")
async def create_unit_from_page(page: WebPage) -> RedirectResponse:
    """Add a unit, then back to the tree."""
    require(can_administer, page.actor)
    await page.check_csrf()
    form = await page.request.form()
    add_unit(
        page.session, page.actor, code=_text(form, "code"), name=_text(form, "name"),
        parent_code=_text(form, "parent") or None, now=page.services.clock.now(),
    )  # fmt: skip
    commit(page.session)
    return RedirectResponse("/admin/units?done=created", status_code=303)


@router.post("/admin/units/{code}")
async def change_unit_from_page(code: str, page: WebPage) -> RedirectResponse:
    """Rename or move a unit (its form sends both), then back to the tree."""
    require(can_administer, page.actor)
    await page.check_csrf()
    form = await page.request.form()
    changes = {"name": _text(form, "name"), "parent": _text(form, "parent") or None,
               "remote_area": form.get("remote_area") == "on"}  # fmt: skip
    change_unit(page.session, page.actor, code, changes, now=page.services.clock.now())
    commit(page.session)
    return RedirectResponse("/admin/units?done=changed", status_code=303)


@router.post("/admin/units/{code}/retire")
async def retire_unit_from_page(code: str, page: WebPage) -> RedirectResponse:
    """Retire a unit (refused with the reason while it is in use), then back to the tree."""
    require(can_administer, page.actor)
    await page.check_csrf()
    retire_unit(page.session, page.actor, code, now=page.services.clock.now())
    commit(page.session)
    return RedirectResponse("/admin/units?done=retired", status_code=303)


@router.get("/admin/roles", response_class=HTMLResponse)
def roles_page(page: WebPage) -> HTMLResponse:
    """Who holds which role in which unit (active accounts)."""
    require(can_administer, page.actor)
    return page.render("admin_roles.html", overview=role_overview(page.session, page.actor))
