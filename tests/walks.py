"""Walk a 1374 report, a complaint and a denunciation to their end through the engine, step by step, as the
person of each step's lane (or its assignee), letting a test look at the pages before and after every step."""

from collections.abc import Callable
from datetime import timedelta

from engine.core.models import Case, HumanTask
from tests import complaints, denunciations
from tests.cases import CONCLUDE, SCREEN_IN, VERIFY, assign_data, complete, start_report
from tests.complaints import start_complaint
from tests.denunciations import start_denunciation
from tests.factories import World
from tests.timers import fire_due_timers

LANE_PEOPLE = {"officer": "officer1", "team_lead": "lead1", "supervisor": "supervisor1"}
"""Who takes an unassigned task of each lane."""

STEP_DATA: dict[str, dict] = {
    "screen_report": SCREEN_IN,
    "assign_verification": assign_data(day_type="calendar"),
    "verify_report": {**VERIFY, "sources_checked": ["Hồ sơ địa chính"]},
    "conclude_verification": CONCLUDE,
    "approve_conclusion": {"decision": "approve", "comment": "Đồng ý"},
    "publicize_result": {"channels": ["writing", "portal"], "published_on": "2027-03-20", "summary": "Đã công khai."},
    "accept_complaint": complaints.ACCEPT,
    "verify_complaint": complaints.VERIFY,
    "hold_dialogue": complaints.DIALOGUE,
    "decide_complaint": complaints.DECIDE,
    "publish_decision": complaints.PUBLISH,
    "check_acceptance": denunciations.CONDITIONS_MET,
    "notify_acceptance": denunciations.NOTIFY,
    "verify_denunciation": denunciations.VERIFY,
    "conclude_denunciation": {
        "conclusion_result": "partly_true", "conclusion": "Tố cáo đúng một phần.",
        **denunciations.CONCLUSIONS["partly_true"],
    },
    "publicize_conclusion": denunciations.PUBLICIZE,
}  # fmt: skip
"""The data each step is completed with (the complaint's second-instance window is left to expire)."""

WAITING_STEPS = frozenset({"record_second_instance_request"})
"""Steps a case may simply wait out: the walk moves the clock past their window instead of completing them."""

Visit = Callable[[str, int, HumanTask | None], None]
"""``visit(username, case_id, task)``: look at the pages as ``username`` (``task`` is the step about to be done)."""

STARTS: dict[str, Callable[[World], int]] = {
    "report_1374": start_report,
    "complaint": start_complaint,
    "denunciation": start_denunciation,
}


def performer(task: HumanTask) -> str:
    """The person who does a step: its assignee, else the person of its lane."""
    return task.assignee or LANE_PEOPLE[task.lane or "officer"]


def walk_to_the_end(world: World, process_key: str, visit: Visit, *, max_steps: int = 20) -> int:
    """Start a case of ``process_key`` and complete every step until it is finished; returns the case id."""
    case_id = STARTS[process_key](world)
    for _ in range(max_steps):
        task = world.ready_task(case_id)
        if task is None:
            break
        if task.spec_name in WAITING_STEPS:
            visit(performer(task), case_id, task)
            world.clock.advance(timedelta(days=60))
            fire_due_timers(world.factory, world.services)
            continue
        username = performer(task)
        visit(username, case_id, task)
        complete(world, case_id, task.spec_name, username, STEP_DATA[task.spec_name])
        visit(username, case_id, None)
    with world.factory() as session:
        status = session.get(Case, case_id).status
    assert status == "completed", f"{process_key} case {case_id} did not finish: {status}"
    return case_id
