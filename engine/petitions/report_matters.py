"""1374 reports about the same subject grouped under one matter (vụ việc), the way duplicate petitions are.

A report joins the matter of another report of a related unit (same unit, above or below); a report that has no
matter yet opens one first. Likely duplicates are found by the petitions' own ranking (``duplicate_candidates``).
Each grouping is an event in the joining report's audit chain.
"""

from datetime import datetime

from sqlalchemy.orm import Session

from engine.cases.audit import AuditTrail
from engine.cases.queries import visible_case
from engine.core.errors import BadRequest
from engine.core.models import Case, Matter
from engine.people.auth import Actor
from engine.people.permissions import can_group_reports, require
from engine.petitions.duplicates import DuplicateCandidate, duplicate_candidates
from engine.petitions.matters import REPORT_PROCESS, join_matter, open_matter, petitions_in


def _report(session: Session, actor: Actor, case_id: int) -> Case:
    require(can_group_reports, actor)  # the role first: other roles get 403, not a 404 about the case
    case = visible_case(session, actor, case_id)
    require(can_group_reports, actor, case)
    if case.process_key != REPORT_PROCESS:
        raise BadRequest(f"Hồ sơ {case.tracking_code} không phải thông tin phản ánh theo Quy định 1374")
    return case


def _matter_of(session: Session, case: Case, at: datetime) -> Matter:
    if case.matter_id is not None:
        return session.get_one(Matter, case.matter_id)
    return open_matter(session, case, title=case.title, subject_name=case.subject_name, at=at)


def similar_reports(session: Session, actor: Actor, *, case_id: int, limit: int = 5) -> list[DuplicateCandidate]:
    """The 1374 reports most like this one (title and subject), with the matter each belongs to."""
    case = _report(session, actor, case_id)
    return duplicate_candidates(session, case, limit=limit, process_key=REPORT_PROCESS)


def group_reports(session: Session, actor: Actor, *, case_id: int, with_case_id: int, at: datetime) -> Matter:
    """Put report ``case_id`` in the matter of report ``with_case_id`` (opened now if it has none)."""
    case, other = _report(session, actor, case_id), _report(session, actor, with_case_id)
    if case.id == other.id:
        raise BadRequest("Một hồ sơ không gộp với chính nó")
    target = _matter_of(session, other, at)
    session.refresh(case)
    joined = join_matter(session, case, target.id)
    trail = AuditTrail(session, case)
    payload = {"matter_id": joined.id, "with": other.tracking_code}
    trail.append(kind="matter_joined", actor=actor.username, at=at, payload=payload)
    session.flush()
    trail.write()
    return joined


def reports_in(session: Session, matter_id: int) -> int:
    """How many 1374 reports a matter holds."""
    return petitions_in(session, matter_id, process_key=REPORT_PROCESS)
