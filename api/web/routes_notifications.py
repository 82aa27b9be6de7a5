"""My notifications (Thông báo): the list behind the bell, "mark all read", and how I receive them by e-mail."""

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse

from api.web.context import WebPage
from engine.core.errors import BadRequest
from engine.notifications.delivery import failed_emails
from engine.notifications.enums import DeliveryMode
from engine.notifications.inbox import mark_mine_read, my_notifications
from engine.notifications.preferences import preferences_of, update_preferences
from engine.people.accounts import InvalidAccountData
from engine.people.permissions import can_administer, can_read_own_notifications, require

router = APIRouter(include_in_schema=False)
MODES = tuple(mode.value for mode in DeliveryMode)


@router.get("/notifications", response_class=HTMLResponse)
def notifications_page(page: WebPage, marked: int | None = None) -> HTMLResponse:
    """My notifications, newest first, the unread ones highlighted; admins also see e-mails that failed."""
    require(can_read_own_notifications, page.actor)
    items = my_notifications(page.session, page.actor, limit=100)
    failed = failed_emails(page.session) if can_administer(page.actor) else 0
    return page.render("notifications.html", items=items, failed=failed, marked=marked)


@router.post("/notifications/read")
async def mark_all_read(page: WebPage) -> RedirectResponse:
    """Mark all my notifications read, then back to the list."""
    require(can_read_own_notifications, page.actor)
    await page.check_csrf()
    marked = mark_mine_read(page.session, page.actor, page.services.clock.now())
    page.session.commit()
    return RedirectResponse(f"/notifications?marked={marked}", status_code=303)


@router.get("/notifications/preferences", response_class=HTMLResponse)
def preferences_page(page: WebPage, saved: bool = False) -> HTMLResponse:
    """My e-mail address, delivery mode and digest hour."""
    require(can_read_own_notifications, page.actor)
    preferences = preferences_of(page.session, page.actor)
    return page.render(
        "notification_preferences.html", email=preferences.email or "", mode=preferences.mode.value,
        digest_hour=preferences.digest_hour, modes=MODES, saved=saved, message=None,
    )  # fmt: skip


@router.post("/notifications/preferences", response_class=HTMLResponse)
async def save_preferences(page: WebPage):
    """Save my preferences; a wrong address or hour is shown next to the form, keeping what was typed."""
    require(can_read_own_notifications, page.actor)
    await page.check_csrf()
    form = await page.request.form()
    email, mode, hour = (str(form.get(name) or "").strip() for name in ("email", "mode", "digest_hour"))
    try:
        if not hour.isdigit():
            raise BadRequest(page.t("prefs.bad_hour"))
        update_preferences(page.session, page.actor, email=email, mode=mode, digest_hour=int(hour))
    except (BadRequest, InvalidAccountData) as exc:
        page.session.rollback()
        return page.render(
            "notification_preferences.html", status_code=400, email=email, mode=mode, digest_hour=hour,
            modes=MODES, saved=False, message=exc.message,
        )  # fmt: skip
    page.session.commit()
    return RedirectResponse("/notifications/preferences?saved=true", status_code=303)
