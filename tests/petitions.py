"""Petition intake data and helpers that register, triage and start petitions through the engine (no HTTP).

Shared by the triage, complaint and denunciation tests and the end-to-end tests.
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from engine.cases.runtime import CaseRuntime
from engine.core.db import transaction
from engine.core.models import Case, CaseTimer
from tests.cases import complete
from tests.factories import World

PETITION = {
    "channel": "visit",
    "received_on": "2027-02-01",
    "kind_claimed": "denunciation",
    "field": "land",
    "title": "Tố cáo cán bộ địa chính nhận tiền khi cấp giấy chứng nhận",
    "content": "Ông X yêu cầu nộp thêm 20 triệu đồng ngoài quy định để được cấp giấy chứng nhận.",
    "subject": {"name": "Nguyễn Văn X", "position": "Cán bộ địa chính", "unit": "UBND phường Bến Nghé"},
    "petitioner": {"name": "Trần Thị Y", "address": "12 Lê Lợi, Quận 1", "phone": "0900000000"},
}


def petition(*, kind: str, anonymous: bool = False, **changes) -> dict:
    """Intake data of the receive_petition form; ``anonymous`` leaves the petitioner out."""
    data = {**PETITION, "kind_claimed": kind, **changes}
    if anonymous:
        data.pop("petitioner")
    return data


def start_case(world: World, process_key: str, data: dict, username: str = "officer1") -> int:
    """Register a case of ``process_key`` with intake data; returns its id."""
    with transaction(world.factory) as session:
        runtime = CaseRuntime(session, world.services)
        return runtime.start_case(world.actor(username), process_key=process_key, data=data).id


def case_data(world: World, case_id: int) -> dict:
    """The current workflow data of a case."""
    with world.factory() as session:
        return CaseRuntime(session, world.services).current_data(session.get(Case, case_id))


PETITIONER = {"name": "Lê Thị Tố Cáo", "address": "12 Lý Tự Trọng", "id_number": "079123456789", "phone": "0911222333"}
RELATIVES = [{"name": "Phạm Văn Người Thân", "relationship": "chồng"}]


def petition_data(**overrides) -> dict:
    """Intake data of a petition received at the desk (receive_petition.schema.json)."""
    data = {
        "channel": "visit",
        "received_on": "2027-03-01",
        "kind_claimed": "denunciation",
        "field": "land",
        "title": "Tố cáo cán bộ địa chính nhận tiền khi cấp giấy chứng nhận",
        "content": "Ông X yêu cầu nộp thêm tiền ngoài quy định khi làm thủ tục cấp giấy chứng nhận.",
        "subject": {"name": "Nguyễn Văn X", "position": "Cán bộ địa chính", "unit": "UBND phường Bến Nghé"},
        "petitioner": dict(PETITIONER),
        "relatives": [dict(r) for r in RELATIVES],
        "number_of_people": 1,
    }
    data.update(overrides)
    return data


def register_petition(world: World, data: dict | None = None, username: str = "officer1") -> Case:
    """Register a petition (starts a petition_triage case); returns the case row."""
    with transaction(world.factory) as session:
        case = CaseRuntime(session, world.services).start_case(
            world.actor(username), process_key="petition_triage", data=data if data is not None else petition_data()
        )
        return case


def triage(world: World, case_id: int, classification: str, decision: str | None = None, **extra) -> Case:
    """Classify a petition and, unless it is ineligible, decide jurisdiction (as officer1)."""
    classify = {"classification": classification}
    if classification in ("duplicate", "ineligible"):
        classify["reason"] = extra.pop("reason", "Lý do kiểm thử")
    if "duplicate_of" in extra:
        classify["duplicate_of"] = extra.pop("duplicate_of")
    case = complete(world, case_id, "classify_petition", "officer1", classify)
    if decision is None:
        return case
    decide = {"decision": decision, **extra}
    return complete(world, case_id, "decide_jurisdiction", "officer1", decide)


def case_by_code(world: World, tracking_code: str) -> Case:
    """A case row by its tracking code."""
    with world.factory() as session:
        case = session.scalars(select(Case).where(Case.tracking_code == tracking_code)).one()
        session.expunge(case)
        return case


ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY_BEFORE_TET = datetime(2027, 2, 1, 2, 0, tzinfo=UTC)  # 09:00 local; Tết 2027 is 4–10 February


def local(year: int, month: int, day: int) -> datetime:
    """09:00 on a day in Vietnam."""
    return datetime(year, month, day, 9, 0, tzinfo=ZONE)


def waiting_timers(world: World, case_id: int) -> dict[str, CaseTimer]:
    """The waiting timers of a case by BPMN id."""
    with world.factory() as session:
        query = select(CaseTimer).where(CaseTimer.case_id == case_id, CaseTimer.status == "waiting")
        return {t.spec_name: t for t in session.scalars(query)}


def case_row(world: World, case_id: int) -> Case:
    """The case row as stored now."""
    with world.factory() as session:
        return session.get(Case, case_id)
