"""Reception sessions held (buổi tiếp): recorded against the schedule, with visits, people, matters and groups.

Visits (lượt) and people (người) are counted apart: a group of many people (đoàn đông người) is one visit of
several people. The level (ward, district, city) comes from the unit's depth in the unit tree, so that ward-level
sessions are counted apart in the figures.
"""

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine.cases.audit import AuditTrail
from engine.core.errors import BadRequest, NotFound
from engine.core.models import Case, ReceptionSession, ReceptionSessionCase, Unit
from engine.people.auth import Actor
from engine.people.permissions import can_read_reception, can_record_reception, require
from engine.reception.schedule import partner_unit, reception_kind, required_text, visible_day

MIN_GROUP = 5
"""A group of many people (đoàn đông người) has at least five people."""


class ReceptionLevel(StrEnum):
    """The level of the receiving unit: city (cấp tỉnh), district (cấp huyện), ward (cấp xã)."""

    CITY = "city"
    DISTRICT = "district"
    WARD = "ward"


def unit_level(unit: Unit) -> ReceptionLevel:
    """The level of a unit from its depth: the root is the city, its children districts, below them wards."""
    depth = len([part for part in unit.path.strip("/").split("/") if part])
    return (ReceptionLevel.CITY, ReceptionLevel.DISTRICT)[depth - 1] if depth <= 2 else ReceptionLevel.WARD


@dataclass(frozen=True)
class SessionCounts:
    """What a session counted: visits, people, matters raised and the size of each group of many people."""

    visits: int
    people: int
    matters: int
    group_sizes: tuple[int, ...] = ()

    def check(self) -> None:
        """Refuse counts that cannot be: negative, more visits than people, groups larger than the people."""
        if min(self.visits, self.people, self.matters) < 0:
            raise BadRequest("Số lượt, số người và số vụ việc không được âm")
        if self.people < self.visits:
            raise BadRequest(f"Số người ({self.people}) ít hơn số lượt ({self.visits}): mỗi lượt có ít nhất một người")
        if any(size < MIN_GROUP for size in self.group_sizes):
            raise BadRequest(f"Đoàn đông người có từ {MIN_GROUP} người trở lên")
        if len(self.group_sizes) > self.visits or sum(self.group_sizes) > self.people:
            raise BadRequest("Các đoàn đông người có nhiều lượt hoặc nhiều người hơn cả buổi tiếp")


def _linked_cases(session: Session, actor: Actor, tracking_codes: list[str]) -> list[Case]:
    codes = [code.strip() for code in tracking_codes if code.strip()]
    if not codes:
        return []
    cases = {c.tracking_code: c for c in session.scalars(select(Case).where(Case.tracking_code.in_(codes)))}
    missing = [code for code in codes if code not in cases or not actor.sees_unit(cases[code].unit_id)]
    if missing:
        raise NotFound(f"Không có hồ sơ {', '.join(missing)} trong đơn vị của bạn")
    return list(cases.values())


def record_session(
    session: Session, actor: Actor, *, unit_id: int, held_on: date, kind: str, received_by: str,
    counts: SessionCounts, day_id: int | None = None, online: bool = False, partner_unit_id: int | None = None,
    tracking_codes: list[str] | None = None, at: datetime,
) -> ReceptionSession:  # fmt: skip
    """Record a session held in a unit (on a scheduled day or not) with its counts and the petitions it registered."""
    require(can_record_reception, actor, unit_id)
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFound(f"Đơn vị {unit_id} không có")
    if day_id is not None:
        day = visible_day(session, actor, day_id)
        if day.unit_id != unit_id:
            raise BadRequest(f"Ngày tiếp {day_id} thuộc đơn vị khác")
    counts.check()
    record = ReceptionSession(
        day_id=day_id, unit_id=unit_id, held_on=held_on, kind=reception_kind(kind).value,
        level=unit_level(unit).value, online=online,
        partner_unit_id=partner_unit(session, unit_id, partner_unit_id, online=online),
        received_by=required_text(received_by, "người chủ trì tiếp", 200), visits=counts.visits,
        people=counts.people, matters=counts.matters, group_sizes=list(counts.group_sizes),
        created_by=actor.username, created_at=at,
    )  # fmt: skip
    session.add(record)
    session.flush()
    for case in _linked_cases(session, actor, tracking_codes or []):
        session.add(ReceptionSessionCase(session_id=record.id, case_id=case.id))
        trail = AuditTrail(session, case)  # the petition's history says which session it was received at
        payload = {"session_id": record.id, "held_on": held_on.isoformat(), "received_by": record.received_by}
        trail.append(kind="reception_session_linked", actor=actor.username, at=at, payload=payload)
        session.flush()
        trail.write()
    session.flush()
    return record


def sessions_between(
    session: Session, unit_ids: set[int], *, start: date, end: date, with_partners: bool = False
) -> list[ReceptionSession]:
    """The sessions of the units held in [start, end], oldest first (and those connected to them online)."""
    where = ReceptionSession.unit_id.in_(unit_ids)
    if with_partners:
        where = or_(where, ReceptionSession.partner_unit_id.in_(unit_ids))  # type: ignore[assignment]
    query = select(ReceptionSession).where(where, ReceptionSession.held_on >= start, ReceptionSession.held_on <= end)
    return list(session.scalars(query.order_by(ReceptionSession.held_on, ReceptionSession.id)))


def reception_sessions(session: Session, actor: Actor, *, start: date, end: date) -> list[ReceptionSession]:
    """The sessions of the actor's units in [start, end], including online ones another unit held with them."""
    require(can_read_reception, actor)
    if end < start:
        raise BadRequest("Ngày kết thúc trước ngày bắt đầu")
    return sessions_between(session, set(actor.visible_unit_ids), start=start, end=end, with_partners=True)


def session_tracking_codes(session: Session, session_ids: list[int]) -> dict[int, list[str]]:
    """The tracking codes of the petitions registered during each session."""
    if not session_ids:
        return {}
    rows = session.execute(
        select(ReceptionSessionCase.session_id, Case.tracking_code)
        .join(Case, Case.id == ReceptionSessionCase.case_id)
        .where(ReceptionSessionCase.session_id.in_(session_ids))
        .order_by(Case.id)
    )
    found: dict[int, list[str]] = {}
    for session_id, code in rows:
        found.setdefault(session_id, []).append(code)
    return found
