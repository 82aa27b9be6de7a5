"""Denunciations (Luật Tố cáo 2018): acceptance conditions, anonymous petitions, extensions, conclusions, deadlines.

The clock starts on Monday 1 February 2027, 09:00 in Hồ Chí Minh City; Tết Nguyên Đán 2027 closes offices from
Thursday 4 to Wednesday 10 February (holidays VN), so 7 and 5 working days skip it, while the 30-day calendar
periods of resolution and extension run through it.
"""

from datetime import UTC, datetime, timedelta

import pytest

from engine.core.errors import InvalidFormData
from engine.core.models import Case, CaseStatistic
from tests import denunciations as d
from tests.petitions import MONDAY_BEFORE_TET, case_data, case_row, local, waiting_timers
from tests.timers import fire_due_timers

WEDNESDAY_BEFORE_TET = datetime(2027, 2, 3, 2, 0, tzinfo=UTC)


def assert_resolution_due(world, case_id: int, start: datetime, deadline: datetime) -> None:
    """verify_denunciation is due at ``deadline``; its reminder fires at 80% of the way from ``start``."""
    task = world.ready_task(case_id, "verify_denunciation")
    assert task.due_at == deadline
    timers = waiting_timers(world, case_id)
    assert timers["verify_denunciation_escalation"].fire_at == deadline
    assert timers["verify_denunciation_reminder"].fire_at == start + (deadline - start) * 0.8


def test_acceptance_check_takes_7_working_days_and_skips_tet(world):
    world.clock.set(MONDAY_BEFORE_TET)
    case_id = d.start_denunciation(world)
    task = world.ready_task(case_id, "check_acceptance")
    # Tue 2, Wed 3, (Tết 4-10), Thu 11, Fri 12, Mon 15, Tue 16, Wed 17
    assert task.due_at == local(2027, 2, 17)
    timers = waiting_timers(world, case_id)
    assert timers["check_acceptance_escalation"].fire_at == local(2027, 2, 17)
    period = local(2027, 2, 17) - MONDAY_BEFORE_TET
    assert timers["check_acceptance_reminder"].fire_at == MONDAY_BEFORE_TET + period * 0.8
    assert timers["check_acceptance_reminder"].role == "reminder"
    assert timers["check_acceptance_escalation"].role == "escalation"


def test_acceptance_notice_takes_5_working_days_and_resolution_30_calendar_days_through_tet(world):
    world.clock.set(MONDAY_BEFORE_TET)
    case_id = d.start_denunciation(world)
    world.clock.set(WEDNESDAY_BEFORE_TET)
    d.accept(world, case_id)
    # Thu 11, Fri 12, Mon 15, Tue 16, Wed 17
    assert world.ready_task(case_id, "notify_acceptance").due_at == local(2027, 2, 17)
    data = case_data(world, case_id)
    assert data["accepted"] is True and data["screening"] == "in_scope"
    assert datetime.fromisoformat(data["resolution_deadline"]) == local(2027, 3, 5)
    world.clock.set(datetime(2027, 2, 11, 2, 0, tzinfo=UTC))
    d.notify(world, case_id)
    # 30 days counted from acceptance (3 Feb), not from the notice
    assert_resolution_due(world, case_id, WEDNESDAY_BEFORE_TET, local(2027, 3, 5))


def test_overdue_acceptance_check_reminds_then_escalates_to_the_supervisor(world):
    world.clock.set(MONDAY_BEFORE_TET)
    case_id = d.start_denunciation(world)
    world.clock.set(local(2027, 2, 17) + timedelta(minutes=1))
    assert fire_due_timers(world.factory, world.services) == 2
    task = world.ready_task(case_id, "check_acceptance")
    assert task.escalated is True and task.reminded_at is not None
    follow_up = world.ready_task(case_id, "follow_up_overdue_step")
    assert follow_up is not None and follow_up.lane == "supervisor"


def test_one_extension_for_a_complex_case_moves_the_deadline_30_days_and_a_second_is_refused(world):
    world.clock.set(WEDNESDAY_BEFORE_TET)
    case_id = d.walk_to_resolution(world)
    world.clock.set(datetime(2027, 3, 1, 2, 0, tzinfo=UTC))
    d.extend(world, case_id, "complex", number=1)
    assert_resolution_due(world, case_id, world.clock.now(), local(2027, 4, 4))
    data = case_data(world, case_id)
    assert data["extension_count"] == 1 and data["extension_refused"] is False
    assert data["extension_decisions"][0]["decision_number"] == "1/QĐ-GH"
    assert data["extension_decisions"][0]["resolution_deadline"] == local(2027, 4, 4).isoformat()

    d.extend(world, case_id, "complex", number=2)
    data = case_data(world, case_id)
    assert data["extension_count"] == 1 and data["extension_refused"] is True
    assert "chỉ được gia hạn 1 lần" in data["extension_refusal"]
    assert world.ready_task(case_id, "verify_denunciation").due_at == local(2027, 4, 4)


def test_two_extensions_for_a_very_complex_case_and_the_third_is_refused(world):
    world.clock.set(WEDNESDAY_BEFORE_TET)
    case_id = d.walk_to_resolution(world)
    world.clock.set(datetime(2027, 3, 1, 2, 0, tzinfo=UTC))
    d.extend(world, case_id, "very_complex", number=1)
    assert world.ready_task(case_id, "verify_denunciation").due_at == local(2027, 4, 4)
    world.clock.set(datetime(2027, 3, 30, 2, 0, tzinfo=UTC))
    d.extend(world, case_id, "very_complex", number=2)
    assert_resolution_due(world, case_id, world.clock.now(), local(2027, 5, 4))
    d.extend(world, case_id, "very_complex", number=3)
    data = case_data(world, case_id)
    assert data["extension_count"] == 2 and data["extension_refused"] is True
    assert [e["decision_number"] for e in data["extension_decisions"]] == ["1/QĐ-GH", "2/QĐ-GH"]
    assert_resolution_due(world, case_id, world.clock.now(), local(2027, 5, 4))


def test_an_extension_re_arms_an_escalation_that_already_fired(world):
    world.clock.set(WEDNESDAY_BEFORE_TET)
    case_id = d.walk_to_resolution(world)
    world.clock.set(local(2027, 3, 5) + timedelta(hours=1))
    assert fire_due_timers(world.factory, world.services) == 2
    assert world.ready_task(case_id, "verify_denunciation").escalated is True
    d.extend(world, case_id, "complex")
    renewed = world.ready_task(case_id, "verify_denunciation")
    assert renewed.due_at == local(2027, 4, 4) and renewed.escalated is False


@pytest.mark.parametrize("result", ["true", "false", "partly_true"])
def test_conclusion_is_published_and_sets_the_report_facets(world, result):
    world.clock.set(WEDNESDAY_BEFORE_TET)
    case_id = d.walk_to_resolution(world)
    d.conclude(world, case_id, result)
    d.publicize(world, case_id)
    case = case_row(world, case_id)
    assert case.status == "completed" and case.tracking_code.startswith("TC-2027-")
    assert case.published_portal is True and case.published_writing is True and case.published_media is False
    assert case.violation is (result != "false")
    assert case.party_sanction == d.CONCLUSIONS[result]["party_sanction"]
    assert case.screening == "in_scope"
    with world.factory() as session:
        record = session.get(CaseStatistic, case_id).record
    assert record["conclusion_result"] == result and record["channels"] == ["writing", "portal"]
    assert case_data(world, case_id)["summary"] == d.PUBLICIZE["summary"]


def test_a_false_denunciation_cannot_carry_a_violation(world):
    case_id = d.walk_to_resolution(world)
    d.verify(world, case_id)
    data = {"conclusion_result": "false", "conclusion": "Sai", "violation": True, "party_sanction": "none",
            "state_sanction": "none"}  # fmt: skip
    with pytest.raises(InvalidFormData):
        d.complete(world, case_id, "conclude_denunciation", "officer1", data)


def test_conditions_not_met_close_the_case_unaccepted(world):
    case_id = d.start_denunciation(world)
    d.check_acceptance(world, case_id, within_jurisdiction=False, reason="Thuộc thẩm quyền UBND quận")
    case = case_row(world, case_id)
    assert case.status == "completed" and case.screening == "out_of_scope"
    assert case_data(world, case_id)["accepted"] is False


def test_anonymous_denunciation_is_not_accepted_even_with_every_condition_ticked(world):
    case_id = d.start_denunciation(world, anonymous=True)
    d.check_acceptance(world, case_id)
    data = case_data(world, case_id)
    assert data["anonymous"] is True and data["conditions_met"] is True and data["accepted"] is False
    assert case_row(world, case_id).status == "completed"
    assert world.ready_task(case_id) is None


def test_anonymous_denunciation_with_enough_evidence_opens_a_check(world):
    case_id = d.start_denunciation(world, anonymous=True)
    d.check_acceptance(world, case_id, denouncer_identified=False, open_check=True)
    check = world.ready_task(case_id, "check_content")
    assert check is not None and check.lane == "officer"
    findings = {"findings": "Có dấu hiệu vi phạm rõ ràng.", "check_outcome": "refer_for_handling"}
    d.complete(world, case_id, "check_content", "officer1", findings)
    case = case_row(world, case_id)
    assert case.status == "completed" and case.screening == "out_of_scope"


def test_a_named_denouncer_is_sealed_apart_from_the_case_data(world):
    case_id = d.start_denunciation(world)
    data = case_data(world, case_id)
    assert data["petitioner"] == "(được bảo vệ)" and "anonymous" in data and data["anonymous"] is False
    with world.factory() as session:
        identity = world.services.identities.open(session, session.get(Case, case_id))
    assert identity["petitioner"]["name"] == "Trần Thị Y"


def test_denunciation_over_the_rest_api(api, world):
    world.clock.set(WEDNESDAY_BEFORE_TET)
    intake = d.petition(kind="denunciation")
    created = api.post("/api/cases", "officer1", json={"process": "denunciation", "data": intake})
    assert created.status_code == 201, created.text
    case_id = created.json()["id"]

    def step(spec_name: str, user: str, data: dict) -> dict:
        case = api.get(f"/api/cases/{case_id}", "supervisor1").json()
        task = next(t for t in case["open_tasks"] if t["spec_name"] == spec_name)
        response = api.post(f"/api/tasks/{task['id']}/complete", user, json={"data": data})
        assert response.status_code == 200, response.text
        return response.json()

    step("check_acceptance", "officer1", d.CONDITIONS_MET)
    step("notify_acceptance", "officer1", d.NOTIFY)
    bad = api.post(
        f"/api/tasks/{world.ready_task(case_id, 'verify_denunciation').id}/complete",
        "officer1",
        json={"data": {"findings": "x", "next_step": "later"}},
    )
    assert bad.status_code == 422 and "next_step" in bad.text
    step("verify_denunciation", "officer1", {"findings": "Cần thêm thời gian", "next_step": "request_extension"})
    step("extend_deadline", "supervisor1", {
        "extension_decision_number": "1/QĐ-GH", "extension_decided_on": "2027-03-01", "complexity": "complex",
        "extension_reason": "Phức tạp",
    })  # fmt: skip
    step("verify_denunciation", "officer1", d.VERIFY)
    step("conclude_denunciation", "officer1", {"conclusion_result": "partly_true", "conclusion": "Đúng một phần",
                                               **d.CONCLUSIONS["partly_true"]})  # fmt: skip
    done = step("publicize_conclusion", "officer1", d.PUBLICIZE)
    assert done["status"] == "completed"
    assert case_row(world, case_id).published_portal is True
