"""My notifications over REST: the list (newest first), marking them read, my delivery preferences."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field, model_validator

from api.deps import DbSession, NotificationReader, Services, commit
from api.schemas import COMMON_RESPONSES, ErrorOut
from engine.notifications.enums import DeliveryMode, NotificationKind
from engine.notifications.inbox import MAX_PAGE, mark_mine_read, my_notifications, my_unread_count
from engine.notifications.preferences import Preferences, preferences_of, update_preferences

router = APIRouter(
    prefix="/api/notifications", tags=["notifications"], responses={**COMMON_RESPONSES, 403: {"model": ErrorOut}}
)
NotificationId = Annotated[int, Field(ge=1, le=2**31 - 1)]


class NotificationOut(BaseModel):
    """One notification: what happened, where to look, and whether it was read."""

    id: int
    kind: NotificationKind
    text: str
    link: str = Field(description="the page of the task or case it is about ('' when none)")
    case_id: int | None
    created_at: datetime
    unread: bool


class NotificationList(BaseModel):
    """My notifications, newest first, and how many are unread in all."""

    unread_count: int
    items: list[NotificationOut]


class MarkReadIn(BaseModel):
    """Which notifications to mark read: the listed ones, or all."""

    ids: list[NotificationId] | None = Field(default=None, max_length=500)
    all: bool = False

    @model_validator(mode="after")
    def _one_of(self) -> "MarkReadIn":
        if (self.ids is None) == (not self.all):
            raise ValueError('give either "ids" (a list of notification ids) or "all": true')
        return self


class MarkReadOut(BaseModel):
    """How many notifications became read, and how many are still unread."""

    marked: int
    unread_count: int


class PreferencesIn(BaseModel):
    """How I want to receive e-mail about my notifications."""

    email: str | None = Field(default=None, max_length=254, description="my e-mail address; empty or null for none")
    mode: DeliveryMode = Field(description="immediate: one e-mail each; digest: one a day; off: none")
    digest_hour: int = Field(default=7, ge=0, le=23, description="the local hour of the daily digest")


class PreferencesOut(BaseModel):
    """My delivery preferences."""

    email: str | None
    mode: DeliveryMode
    digest_hour: int


def _preferences_out(preferences: Preferences) -> PreferencesOut:
    return PreferencesOut(email=preferences.email, mode=preferences.mode, digest_hour=preferences.digest_hour)


@router.get("", response_model=NotificationList)
def read_my_notifications(
    session: DbSession,
    actor: NotificationReader,
    unread: bool = False,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
) -> NotificationList:
    """My notifications, newest first (only the unread ones with ``?unread=true``)."""
    items = [
        NotificationOut(
            id=n.id,
            kind=NotificationKind(n.kind),
            text=n.text,
            link=n.link,
            case_id=n.case_id,
            created_at=n.created_at,
            unread=n.read_at is None,
        )  # fmt: skip
        for n in my_notifications(session, actor, unread_only=unread, limit=limit)
    ]
    return NotificationList(unread_count=my_unread_count(session, actor), items=items)


@router.post("/read", response_model=MarkReadOut)
def mark_my_notifications_read(
    body: MarkReadIn, session: DbSession, services: Services, actor: NotificationReader
) -> MarkReadOut:
    """Mark my notifications read: ``{"ids": [...]}`` (ids that are not mine are ignored) or ``{"all": true}``."""
    marked = mark_mine_read(session, actor, services.clock.now(), None if body.all else body.ids)
    commit(session)
    return MarkReadOut(marked=marked, unread_count=my_unread_count(session, actor))


@router.get("/preferences", response_model=PreferencesOut)
def read_my_preferences(session: DbSession, actor: NotificationReader) -> PreferencesOut:
    """My e-mail address, delivery mode and digest hour."""
    return _preferences_out(preferences_of(session, actor))


@router.put("/preferences", response_model=PreferencesOut)
def change_my_preferences(body: PreferencesIn, session: DbSession, actor: NotificationReader) -> PreferencesOut:
    """Change my e-mail address (400 when it is not one), delivery mode and digest hour."""
    changed = update_preferences(session, actor, email=body.email, mode=body.mode, digest_hour=body.digest_hour)
    commit(session)
    return _preferences_out(changed)
