"""Case categories: mass (đông người), complex (phức tạp) and prolonged (kéo dài) cases.

A team lead or supervisor flags a case (at triage or later); each change is an event in the case's audit chain.
Supervisors see the flagged cases of their units with their state and nearest deadline, and the counts.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from engine.cases.audit import AuditTrail
from engine.cases.queries import visible_case
from engine.core.errors import BadRequest
from engine.core.models import Case, CaseCategory, HumanTask, Unit
from engine.people.auth import Actor
from engine.people.permissions import can_categorize_case, can_read_case_categories, require


class CaseCategoryKind(StrEnum):
    """Mass (đông người), complex (phức tạp), prolonged (kéo dài)."""

    MASS = "mass"
    COMPLEX = "complex"
    PROLONGED = "prolonged"


def parse_categories(values: list[str]) -> set[CaseCategoryKind]:
    """The categories named, or BadRequest naming the unknown ones."""
    known = {kind.value for kind in CaseCategoryKind}
    unknown = sorted(set(values) - known)
    if unknown:
        raise BadRequest(f"Phân loại không có: {', '.join(unknown)}; chọn trong: {', '.join(sorted(known))}")
    return {CaseCategoryKind(value) for value in values}


def categories_of(session: Session, case_id: int) -> list[CaseCategoryKind]:
    """The categories a case is flagged with, in the order of ``CaseCategoryKind``."""
    held = set(session.scalars(select(CaseCategory.category).where(CaseCategory.case_id == case_id)))
    return [kind for kind in CaseCategoryKind if kind.value in held]


def set_case_categories(
    session: Session, actor: Actor, *, case_id: int, categories: list[str], at: datetime
) -> list[CaseCategoryKind]:
    """Flag a case with exactly these categories; the change (added, removed) goes into the case's audit chain."""
    require(can_categorize_case, actor)  # the role first: other roles get 403, not a 404 about the case
    case = visible_case(session, actor, case_id)
    require(can_categorize_case, actor, case)
    wanted = parse_categories(categories)
    held = set(categories_of(session, case.id))
    added, removed = sorted(wanted - held), sorted(held - wanted)
    if not added and not removed:
        return categories_of(session, case.id)
    if removed:
        session.execute(delete(CaseCategory).where(CaseCategory.case_id == case.id, CaseCategory.category.in_(removed)))
    for kind in added:
        session.add(CaseCategory(case_id=case.id, category=kind.value, set_by=actor.username, set_at=at))
    trail = AuditTrail(session, case)
    payload = {"added": [k.value for k in added], "removed": [k.value for k in removed]}
    trail.append(kind="categories_changed", actor=actor.username, at=at, payload=payload)
    session.flush()
    trail.write()
    return categories_of(session, case.id)


@dataclass(frozen=True)
class CategorizedCase:
    """A flagged case on the supervisors' dashboard."""

    case: Case
    unit_name: str
    categories: list[CaseCategoryKind]
    deadline: datetime | None
    """The nearest due date of its open steps, if any."""


@dataclass(frozen=True)
class CategoryDashboard:
    """The flagged cases of the actor's units, by unit, and how many of each category (open ones apart)."""

    cases: list[CategorizedCase]
    counts: dict[CaseCategoryKind, int]
    open_counts: dict[CaseCategoryKind, int]


def category_dashboard(session: Session, actor: Actor, *, category: str | None = None) -> CategoryDashboard:
    """The mass, complex and prolonged cases of the actor's units (or of one category), by unit then case."""
    require(can_read_case_categories, actor)
    only = parse_categories([category]) if category else set(CaseCategoryKind)
    scope = (Case.unit_id.in_(list(actor.visible_unit_ids)), CaseCategory.category.in_([k.value for k in only]))
    flagged = session.execute(
        select(Case, CaseCategory.category, Unit.name, Unit.path)
        .join(CaseCategory, CaseCategory.case_id == Case.id)
        .join(Unit, Unit.id == Case.unit_id)
        .where(*scope)
        .order_by(Unit.path, Case.id)
    ).all()
    by_case: dict[int, tuple[Case, str, set[str]]] = {}
    for case, kind, unit_name, _path in flagged:
        by_case.setdefault(case.id, (case, unit_name, set()))[2].add(kind)
    deadlines = dict(
        session.execute(
            select(HumanTask.case_id, func.min(HumanTask.due_at))
            .where(HumanTask.case_id.in_(list(by_case)), HumanTask.completed_at.is_(None))
            .group_by(HumanTask.case_id)
        ).all()
    ) if by_case else {}  # fmt: skip
    cases = [
        CategorizedCase(case=case, unit_name=unit_name, deadline=deadlines.get(case.id),
                        categories=[k for k in CaseCategoryKind if k.value in kinds])
        for case, unit_name, kinds in by_case.values()
    ]  # fmt: skip
    counts = {kind: sum(kind in c.categories for c in cases) for kind in CaseCategoryKind if kind in only}
    open_counts = {kind: sum(kind in c.categories and c.case.completed_at is None for c in cases) for kind in counts}
    return CategoryDashboard(cases=cases, counts=counts, open_counts=open_counts)
