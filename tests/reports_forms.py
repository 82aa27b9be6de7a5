"""Petitions handled through the engine for the statutory report forms' tests (no inserted rows, no HTTP)."""

from tests import complaints as k
from tests.factories import World
from tests.petitions import case_by_code, case_data, petition_data, register_petition, triage

GUIDANCE = "Hướng dẫn công dân gửi đơn đến Tòa án nhân dân có thẩm quyền."
COMPETENT_BODY = "Thanh tra tỉnh"


def petition(world: World, **changes) -> int:
    """A petition registered at the desk by officer1; returns its triage case id."""
    return register_petition(world, petition_data(**changes)).id


def out_of_jurisdiction(world: World, how: str) -> int:
    """A petition not within jurisdiction: ``ineligible`` (filed at classification), ``guide`` or ``transfer``."""
    case_id = petition(world)
    if how == "ineligible":
        triage(world, case_id, "ineligible")
    elif how == "guide":
        triage(world, case_id, "proposal", "guide", guidance=GUIDANCE)
    else:
        triage(world, case_id, "complaint", "transfer", competent_body=COMPETENT_BODY)
    return case_id


def answered_proposal(world: World) -> int:
    """A proposal within jurisdiction, answered (resolved) when it is accepted."""
    case_id = petition(world, kind_claimed="proposal")
    triage(world, case_id, "proposal", "accept", reply_note="Đã trả lời bằng văn bản.")
    return case_id


def accepted_complaint(world: World, *, resolved: bool) -> int:
    """A complaint within jurisdiction: its complaint case opens; ``resolved`` walks it to the published decision.
    Returns the complaint case id."""
    case_id = petition(world, kind_claimed="complaint")
    triage(world, case_id, "complaint", "accept")
    complaint_id = case_by_code(world, case_data(world, case_id)["follow_up_case"]).id
    if resolved:
        k.accept(world, complaint_id)
        k.resolve(world, complaint_id)
    return complaint_id


def huong_tra(world: World) -> None:
    """148 petitions received, 100 within jurisdiction, 83 resolved: 30 ineligible, 10 guided, 8 transferred;
    80 proposals answered, 3 complaints decided, 17 complaints still waiting for acceptance.

    The steps issue no documents here (they are counted, not read); issuing them is tested in test_document_*.
    """
    world.services.issue_documents = False
    for how, count in (("ineligible", 30), ("guide", 10), ("transfer", 8)):
        for _ in range(count):
            out_of_jurisdiction(world, how)
    for _ in range(80):
        answered_proposal(world)
    for index in range(20):
        accepted_complaint(world, resolved=index < 3)
