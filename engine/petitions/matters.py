"""Matters (vụ việc): each petition opens one, duplicates join an existing one; guidance is given once per matter."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from engine.core.errors import Conflict, NotFound
from engine.core.models import Case, Matter, Unit
from engine.people.auth import Actor
from engine.people.permissions import can_read_matter

TRIAGE_PROCESS = "petition_triage"
"""Each triage case is one petition; the complaint or denunciation it leads to shares its matter but is no petition."""
REPORT_PROCESS = "report_1374"
"""1374 reports about the same subject are grouped under one matter too (``engine.petitions.report_matters``)."""


def open_matter(session: Session, case: Case, *, title: str, subject_name: str | None, at: datetime) -> Matter:
    """A new matter holding only ``case``."""
    matter = Matter(unit_id=case.unit_id, title=title[:512], subject_name=(subject_name or None), created_at=at)
    session.add(matter)
    session.flush()
    session.execute(update(Case).where(Case.id == case.id).values(matter_id=matter.id))
    return matter


def joinable_matter(session: Session, case: Case, matter_id: object) -> Matter | None:
    """The matter ``matter_id`` when a petition of ``case``'s unit may join it (same unit, above or below)."""
    target = session.get(Matter, matter_id) if isinstance(matter_id, int) else None
    if target is None:
        return None
    unit, target_unit = session.get_one(Unit, case.unit_id), session.get_one(Unit, target.unit_id)
    related = unit.path.startswith(target_unit.path) or target_unit.path.startswith(unit.path)
    return target if related else None


def join_matter(session: Session, case: Case, matter_id: int) -> Matter:
    """Move a duplicate petition into an existing matter of the same unit subtree; its own matter goes if empty."""
    target = joinable_matter(session, case, matter_id)
    if target is None:
        raise NotFound(f"Matter {matter_id} does not exist in the units of case {case.tracking_code}")
    current_id = session.scalar(select(Case.matter_id).where(Case.id == case.id))
    if current_id == matter_id:
        return target
    session.execute(update(Case).where(Case.id == case.id).values(matter_id=matter_id))
    if current_id is not None and petitions_in(session, current_id, process_key=_grouped_process(case)) == 0:
        session.delete(session.get(Matter, current_id))
    session.flush()
    return target


def visible_matter(session: Session, actor: Actor, matter_id: int) -> Matter:
    """A matter of the actor's units, or NotFound."""
    matter = session.get(Matter, matter_id)
    if matter is None or not can_read_matter(actor, matter):
        raise NotFound(f"Matter {matter_id} does not exist or is not in your units")
    return matter


def tracking_codes_in(session: Session, matter_id: int) -> list[str]:
    """The tracking codes of the petitions of a matter (and of the cases they led to), oldest first."""
    return list(session.scalars(select(Case.tracking_code).where(Case.matter_id == matter_id).order_by(Case.id)))


def _grouped_process(case: Case) -> str:
    """What a matter groups: 1374 reports group reports; every other case is counted by its petitions."""
    return REPORT_PROCESS if case.process_key == REPORT_PROCESS else TRIAGE_PROCESS


def petitions_in(session: Session, matter_id: int, *, process_key: str = TRIAGE_PROCESS) -> int:
    """How many petitions (triage cases, or 1374 reports) a matter holds, counted from the cases themselves."""
    return petitions_per_matter(session, [matter_id], process_key=process_key).get(matter_id, 0)


def petitions_per_matter(
    session: Session, matter_ids: list[int], *, process_key: str = TRIAGE_PROCESS
) -> dict[int, int]:
    """The number of petitions (or of 1374 reports) of each matter, in one query."""
    rows = session.execute(
        select(Case.matter_id, func.count())
        .where(Case.matter_id.in_(matter_ids), Case.process_key == process_key)
        .group_by(Case.matter_id)
    )
    return {matter_id: count for matter_id, count in rows if matter_id is not None}


def matter_of(session: Session, case_id: int) -> Matter | None:
    """The matter a case belongs to."""
    matter_id = session.scalar(select(Case.matter_id).where(Case.id == case_id))
    return session.get(Matter, matter_id) if matter_id is not None else None


def check_guidance_allowed(session: Session, case: Case) -> None:
    """Refuse a second guidance of the sender for the same matter (TT 05/2021: guide once only)."""
    matter = matter_of(session, case.id)
    if matter is not None and matter.guided_at is not None:
        raise Conflict(
            f"Vụ việc {matter.id} đã được hướng dẫn người gửi (hồ sơ {matter.guided_by_case}); "
            "đơn trùng đã được hướng dẫn thì không hướng dẫn lại, hãy chọn lưu đơn hoặc chuyển đơn"
        )


def record_guidance(session: Session, case: Case, at: datetime) -> None:
    """Mark the case's matter as guided (the first and only time)."""
    check_guidance_allowed(session, case)
    matter = matter_of(session, case.id)
    if matter is not None:
        matter.guided_at, matter.guided_by_case = at, case.tracking_code
        session.flush()


@dataclass(frozen=True)
class PetitionCounts:
    """Petitions and matters received in a period: duplicates make more petitions than matters."""

    petitions: int
    matters: int


def petition_counts(session: Session, unit_ids: set[int], start: date, end: date, zone) -> PetitionCounts:
    """Petition triage cases registered in [start, end] (local days) in the units, and the distinct matters."""
    begin = datetime.combine(start, datetime.min.time(), zone)
    finish = datetime.combine(end, datetime.max.time(), zone)
    scope = (
        Case.process_key == TRIAGE_PROCESS,
        Case.unit_id.in_(unit_ids),
        Case.created_at >= begin,
        Case.created_at <= finish,
    )
    petitions = session.scalar(select(func.count()).select_from(Case).where(*scope)) or 0
    matters = session.scalar(select(func.count(func.distinct(Case.matter_id))).where(*scope)) or 0
    return PetitionCounts(petitions=petitions, matters=matters)
