"""Helpers that drive a denunciation (tố cáo) case step by step with valid data (no HTTP).

Each ``complete_*`` helper completes one step of processes/denunciation.bpmn as the right role; e2e tests chain them:
``case_id = start_denunciation(world)`` → ``accept(world, case_id)`` → ``notify(...)`` → ``extend(...)`` →
``conclude(world, case_id, "partly_true")`` → ``publicize(world, case_id)`` (sets the portal facet).
"""

from engine.core.models import Case
from tests.cases import complete
from tests.factories import World
from tests.petitions import petition, start_case

CONDITIONS_MET = {
    "denunciation_kind": "official_duty",
    "denouncer_identified": True,
    "grounds_stated": True,
    "within_jurisdiction": True,
    "not_resolved_before": True,
    "open_check": False,
}
NOTIFY = {
    "acceptance_decision_number": "12/QĐ-UBND",
    "accepted_on": "2027-02-03",
    "notified_on": "2027-02-05",
    "notified_parties": ["denouncer", "accused"],
}
VERIFY = {"findings": "Có biên nhận tiền do người tố cáo cung cấp.", "next_step": "conclude"}
CONCLUSIONS = {
    "true": {"violation": True, "party_sanction": "reprimand", "state_sanction": "warning"},
    "partly_true": {"violation": True, "party_sanction": "reminder", "state_sanction": "reprimand"},
    "false": {"violation": False, "party_sanction": "none", "state_sanction": "none"},
}
PUBLICIZE = {
    "channels": ["writing", "portal"],
    "published_on": "2027-03-20",
    "summary": "Kết luận: nội dung tố cáo đúng một phần; đã kiến nghị xử lý.",
}


def start_denunciation(world: World, *, anonymous: bool = False, **changes) -> int:
    """A denunciation registered by officer1 from intake data; returns the case id."""
    return start_case(world, "denunciation", petition(kind="denunciation", anonymous=anonymous, **changes))


def check_acceptance(world: World, case_id: int, **conditions) -> Case:
    """Classify and check the 4 acceptance conditions (all met unless overridden)."""
    return complete(world, case_id, "check_acceptance", "officer1", {**CONDITIONS_MET, **conditions})


def accept(world: World, case_id: int) -> Case:
    """Check the conditions, all met: the denunciation is accepted and waits for the acceptance notice."""
    return check_acceptance(world, case_id)


def notify(world: World, case_id: int) -> Case:
    """Notify the denouncer and the accused of the acceptance."""
    return complete(world, case_id, "notify_acceptance", "officer1", NOTIFY)


def request_extension(world: World, case_id: int) -> Case:
    """Finish a verification round asking for more time."""
    data = {"findings": "Cần xác minh thêm tại ngân hàng.", "next_step": "request_extension"}
    return complete(world, case_id, "verify_denunciation", "officer1", data)


def decide_extension(world: World, case_id: int, complexity: str = "complex", number: int = 1) -> Case:
    """The supervisor's extension decision (recorded even when the bound refuses it)."""
    data = {
        "extension_decision_number": f"{number}/QĐ-GH",
        "extension_decided_on": "2027-03-01",
        "complexity": complexity,
        "extension_reason": "Vụ việc có nhiều tình tiết, cần xác minh tại nhiều nơi.",
    }
    return complete(world, case_id, "extend_deadline", "supervisor1", data)


def extend(world: World, case_id: int, complexity: str = "complex", number: int = 1) -> Case:
    """Request an extension and decide it: the resolution deadline moves by 30 days (when allowed)."""
    request_extension(world, case_id)
    return decide_extension(world, case_id, complexity, number)


def verify(world: World, case_id: int) -> Case:
    """Finish verification, ready to conclude."""
    return complete(world, case_id, "verify_denunciation", "officer1", VERIFY)


def conclude(world: World, case_id: int, result: str = "partly_true") -> Case:
    """Verify (if still open) and conclude with ``result`` (true / false / partly_true)."""
    if world.ready_task(case_id, "verify_denunciation") is not None:
        verify(world, case_id)
    data = {"conclusion_result": result, "conclusion": f"Tố cáo {result}.", **CONCLUSIONS[result]}
    return complete(world, case_id, "conclude_denunciation", "officer1", data)


def publicize(world: World, case_id: int, **changes) -> Case:
    """Publish the conclusion (in writing and on the portal by default): the case completes."""
    return complete(world, case_id, "publicize_conclusion", "officer1", {**PUBLICIZE, **changes})


def walk_to_resolution(world: World, **changes) -> int:
    """A denunciation accepted and notified, waiting in verification."""
    case_id = start_denunciation(world, **changes)
    accept(world, case_id)
    notify(world, case_id)
    return case_id
