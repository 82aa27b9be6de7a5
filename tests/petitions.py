"""Intake data of a petition (receive_petition form) shared by the complaint and denunciation helpers."""

from engine.db import transaction
from engine.runtime import CaseRuntime
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
    from engine.models import Case

    with world.factory() as session:
        return CaseRuntime(session, world.services).current_data(session.get(Case, case_id))
