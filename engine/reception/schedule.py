"""The reception schedule (lịch tiếp công dân): regular, periodic and unscheduled days of a unit's leaders.

A day names the unit, the leader (name and title), the date and place, its kind, and whether it is held online
with another unit (a city leader receiving with a district: both units see it). The portal publishes the days
to come of every unit; staff read and plan the days of their units.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine.core.errors import BadRequest, NotFound
from engine.core.models import ReceptionDay, Unit
from engine.people.auth import Actor
from engine.people.permissions import can_plan_reception, can_read_reception, require

PUBLISHED_DAYS = 60
"""How far ahead the portal lists reception days."""


class ReceptionKind(StrEnum):
    """Regular (thường xuyên), periodic (định kỳ) or unscheduled (đột xuất) reception."""

    REGULAR = "regular"
    PERIODIC = "periodic"
    UNSCHEDULED = "unscheduled"


def reception_kind(value: object) -> ReceptionKind:
    """The kind named by ``value``, or BadRequest naming the kinds."""
    try:
        return ReceptionKind(str(value))
    except ValueError:
        kinds = ", ".join(kind.value for kind in ReceptionKind)
        raise BadRequest(f"Loại tiếp công dân '{value}' không có; chọn một trong: {kinds}") from None


def required_text(value: str | None, label: str, limit: int) -> str:
    """A stripped text that must not be empty nor longer than ``limit``."""
    text = (value or "").strip()
    if not text:
        raise BadRequest(f"Thiếu {label}")
    if len(text) > limit:
        raise BadRequest(f"{label[:1].upper()}{label[1:]} dài quá {limit} ký tự")
    return text


def partner_unit(session: Session, unit_id: int, partner_unit_id: int | None, *, online: bool) -> int | None:
    """The other unit of an online session: it must exist, differ from the unit, and only online sessions have one."""
    if partner_unit_id is None:
        return None
    if not online:
        raise BadRequest("Chỉ buổi tiếp trực tuyến mới có đơn vị kết nối")
    if partner_unit_id == unit_id or session.get(Unit, partner_unit_id) is None:
        raise NotFound(f"Đơn vị kết nối {partner_unit_id} không có hoặc trùng đơn vị tiếp")
    return partner_unit_id


def plan_reception_day(
    session: Session, actor: Actor, *, unit_id: int, held_on: date, kind: str, leader_name: str, leader_title: str,
    place: str, online: bool = False, partner_unit_id: int | None = None, at: datetime,
) -> ReceptionDay:  # fmt: skip
    """Add a day to the unit's reception schedule."""
    require(can_plan_reception, actor, unit_id)
    if session.get(Unit, unit_id) is None:
        raise NotFound(f"Đơn vị {unit_id} không có")
    day = ReceptionDay(
        unit_id=unit_id, held_on=held_on, kind=reception_kind(kind).value, online=online,
        partner_unit_id=partner_unit(session, unit_id, partner_unit_id, online=online),
        leader_name=required_text(leader_name, "họ tên lãnh đạo tiếp", 200),
        leader_title=required_text(leader_title, "chức vụ lãnh đạo tiếp", 200),
        place=required_text(place, "địa điểm tiếp", 300), created_by=actor.username, created_at=at,
    )  # fmt: skip
    session.add(day)
    session.flush()
    return day


@dataclass(frozen=True)
class ScheduledDay:
    """A reception day with the names of its unit and of the unit it is connected to online."""

    day: ReceptionDay
    unit_name: str
    partner_unit_name: str | None


def _with_names(session: Session, days: list[ReceptionDay]) -> list[ScheduledDay]:
    ids = {d.unit_id for d in days} | {d.partner_unit_id for d in days if d.partner_unit_id}
    names = {i: n for i, n in session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(ids)))}
    return [
        ScheduledDay(day=d, unit_name=names[d.unit_id], partner_unit_name=names.get(d.partner_unit_id or 0))
        for d in days
    ]


def reception_schedule(session: Session, actor: Actor, *, start: date, end: date) -> list[ScheduledDay]:
    """The days in [start, end] of the actor's units (or connected online to them), by date."""
    require(can_read_reception, actor)
    if end < start:
        raise BadRequest("Ngày kết thúc trước ngày bắt đầu")
    seen = list(actor.visible_unit_ids)
    query = select(ReceptionDay).where(
        ReceptionDay.held_on >= start, ReceptionDay.held_on <= end,
        or_(ReceptionDay.unit_id.in_(seen), ReceptionDay.partner_unit_id.in_(seen)),
    )  # fmt: skip
    return _with_names(session, list(session.scalars(query.order_by(ReceptionDay.held_on, ReceptionDay.id))))


def published_schedule(session: Session, *, today: date) -> list[ScheduledDay]:
    """The reception days of every unit from today on, for the portal (public: leaders' names and titles only)."""
    query = select(ReceptionDay).where(
        ReceptionDay.held_on >= today, ReceptionDay.held_on <= today + timedelta(days=PUBLISHED_DAYS)
    )
    days = list(session.scalars(query.order_by(ReceptionDay.held_on, ReceptionDay.unit_id, ReceptionDay.id)))
    return _with_names(session, days)


def visible_day(session: Session, actor: Actor, day_id: int) -> ReceptionDay:
    """A reception day of the actor's units, or NotFound."""
    day = session.get(ReceptionDay, day_id)
    if day is None or not can_read_reception(actor, day):
        raise NotFound(f"Ngày tiếp {day_id} không có hoặc không thuộc đơn vị của bạn")
    return day
