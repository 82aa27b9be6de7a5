"""REST: POST /api/cases/{id}/suspend, /resume, /terminate, /withdraw, each with a reason and the decision's date."""

from datetime import UTC, datetime

import pytest

from tests import complaints as k
from tests.petitions import waiting_timers

MONDAY_25_JANUARY = datetime(2027, 1, 25, 2, 0, tzinfo=UTC)
MONDAY_1_FEBRUARY = datetime(2027, 2, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def complaint(world) -> int:
    world.clock.set(MONDAY_25_JANUARY)
    case_id = k.start_complaint(world, received_on="2027-01-25")
    world.clock.set(MONDAY_1_FEBRUARY)
    return case_id


def decision(day: str, reason: str = "Chờ kết quả giám định đất đai") -> dict:
    return {"reason": reason, "decided_on": day}


def test_suspend_then_resume_over_rest_moves_the_deadlines(api, world, complaint):
    suspended = api.post(f"/api/cases/{complaint}/suspend", "lead1", json=decision("2027-02-01"))
    assert suspended.status_code == 200, suspended.text
    assert suspended.json()["status"] == "suspended"
    task = world.ready_task(complaint, "accept_complaint")
    refused = api.post(f"/api/tasks/{task.id}/complete", "officer1", json={"data": k.ACCEPT})
    assert refused.status_code == 409 and "suspended" in refused.json()["detail"]
    world.clock.set(datetime(2027, 2, 13, 2, 0, tzinfo=UTC))
    resumed = api.post(f"/api/cases/{complaint}/resume", "supervisor1", json=decision("2027-02-13", "Đã có kết quả"))
    assert resumed.status_code == 200, resumed.text
    assert resumed.json()["status"] == "in_progress"
    fire_at = waiting_timers(world, complaint)["accept_complaint_escalation"].fire_at
    assert fire_at.astimezone(UTC) == datetime(2027, 2, 16, 2, 0, tzinfo=UTC)
    kinds = [e["kind"] for e in api.get(f"/api/cases/{complaint}/events", "lead1").json()]
    assert kinds[-2:] == ["case_suspended", "case_resumed"]


@pytest.mark.parametrize(("action", "status"), [("withdraw", "withdrawn"), ("terminate", "terminated")])
def test_withdraw_or_terminate_over_rest_leaves_no_open_task(api, complaint, action, status):
    body = decision("2027-01-30", "Người khiếu nại rút đơn")
    ended = api.post(f"/api/cases/{complaint}/{action}", "lead1", json=body)
    assert ended.status_code == 200, ended.text
    assert ended.json()["status"] == status and ended.json()["open_tasks"] == []
    again = api.post(f"/api/cases/{complaint}/suspend", "lead1", json=decision("2027-02-01"))
    assert again.status_code == 409 and status in again.json()["detail"]


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        (decision("2027-02-02"), 400, "in the future"),
        (decision("2027-01-20"), 400, "before the case was received"),
        (decision("2027-02-01", reason="   "), 400, "reason"),
        ({"reason": "x", "decided_on": "mai"}, 422, "decided_on"),
    ],
)
def test_a_bad_decision_gets_a_4xx_naming_the_problem(api, complaint, body, status, words):
    answer = api.post(f"/api/cases/{complaint}/suspend", "lead1", json=body)
    assert answer.status_code == status
    assert words in answer.text


def test_an_officer_may_not_suspend_and_another_unit_does_not_see_the_case(api, complaint):
    assert api.post(f"/api/cases/{complaint}/suspend", "officer1", json=decision("2027-02-01")).status_code == 403
    assert api.post(f"/api/cases/{complaint}/suspend", "supervisor_d2", json=decision("2027-02-01")).status_code == 404
