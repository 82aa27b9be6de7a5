"""Helpers that drive complaint (khiếu nại) cases, first and second instance, with valid data (no HTTP)."""

from engine.core.models import Case
from tests.cases import complete
from tests.factories import World
from tests.petitions import petition, start_case

ACCEPT = {"accepted": True, "accepted_on": "2027-02-02", "complex": False}
ACCEPT_COMPLEX = {
    "accepted": True,
    "accepted_on": "2027-02-02",
    "complex": True,
    "complexity_reason": "Liên quan nhiều hộ dân và nhiều thời kỳ quản lý đất đai.",
}
REFUSE = {"accepted": False, "refusal_reason": "Quyết định hành chính đã có bản án của Tòa án."}
VERIFY = {"findings": "Quyết định thu hồi đất ban hành đúng trình tự một phần."}
DIALOGUE = {"dialogue_on": "2027-02-20", "participants_count": 5, "minutes_summary": "Các bên trình bày ý kiến."}
DECIDE = {
    "decision_number": "45/QĐ-UBND",
    "decided_on": "2027-02-25",
    "decision_result": "partly_correct",
    "summary": "Khiếu nại đúng một phần; điều chỉnh mức bồi thường.",
}
PUBLISH = {"channels": ["writing"], "published_on": "2027-02-26", "summary": "Đã gửi quyết định cho các bên."}
REQUEST = {"requested_on": "2027-03-10", "request_reason": "Không đồng ý với mức bồi thường."}


def start_complaint(world: World, **changes) -> int:
    """A first-instance complaint registered by officer1; returns the case id."""
    return start_case(world, "complaint", petition(kind="complaint", **changes))


def accept(world: World, case_id: int, data: dict | None = None) -> Case:
    """Accept the complaint (not complex unless ``data`` says so)."""
    return complete(world, case_id, "accept_complaint", "officer1", data or ACCEPT)


def resolve(world: World, case_id: int) -> Case:
    """Verification, dialogue, decision and publication to the parties."""
    complete(world, case_id, "verify_complaint", "officer1", VERIFY)
    complete(world, case_id, "hold_dialogue", "officer1", DIALOGUE)
    complete(world, case_id, "decide_complaint", "supervisor1", DECIDE)
    return complete(world, case_id, "publish_decision", "officer1", PUBLISH)


def request_second_instance(world: World, case_id: int) -> Case:
    """The complainant disagrees within the window: the second instance opens."""
    return complete(world, case_id, "record_second_instance_request", "officer1", REQUEST)
