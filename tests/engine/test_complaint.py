"""Complaints (Luật Khiếu nại 2011): acceptance, the complex 45-day branch, dialogue, decision, publication, and the
30-day window in which the complainant can open the second instance (45 / 60 days).

The clock starts on Monday 1 February 2027, 09:00 in Hồ Chí Minh City, before Tết 2027 (4-10 February): complaint
periods are plain "ngày", counted as calendar days, so Tết does not move them.
"""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from engine.cases.runtime import CaseRuntime
from engine.core.db import transaction
from engine.core.errors import Conflict, InvalidFormData
from engine.core.models import AuditEvent, Case, ProtectedIdentity
from tests import complaints as k
from tests.petitions import MONDAY_BEFORE_TET, case_data, case_row, local, waiting_timers
from tests.timers import fire_due_timers

TUESDAY_BEFORE_TET = datetime(2027, 2, 2, 2, 0, tzinfo=UTC)


def cases_of(world, process_key: str) -> list[Case]:
    with world.factory() as session:
        return list(session.scalars(select(Case).where(Case.process_key == process_key)))


def published_complaint(world) -> int:
    world.clock.set(MONDAY_BEFORE_TET)
    case_id = k.start_complaint(world)
    world.clock.set(TUESDAY_BEFORE_TET)
    k.accept(world, case_id)
    world.clock.set(datetime(2027, 2, 26, 2, 0, tzinfo=UTC))
    k.resolve(world, case_id)
    return case_id


def test_acceptance_is_due_10_calendar_days_after_receipt_through_tet(world):
    world.clock.set(MONDAY_BEFORE_TET)
    case_id = k.start_complaint(world)
    task = world.ready_task(case_id, "accept_complaint")
    assert task.due_at == local(2027, 2, 11)
    timers = waiting_timers(world, case_id)
    assert timers["accept_complaint_escalation"].fire_at == local(2027, 2, 11)
    assert timers["accept_complaint_reminder"].fire_at == local(2027, 2, 9)  # 80% of 10 days
    assert case_row(world, case_id).tracking_code.startswith("KN-2027-")


@pytest.mark.parametrize("step", ["verify_complaint", "hold_dialogue", "decide_complaint"])
def test_each_resolution_step_is_due_30_days_after_acceptance(world, step):
    world.clock.set(MONDAY_BEFORE_TET)
    case_id = k.start_complaint(world)
    world.clock.set(TUESDAY_BEFORE_TET)
    k.accept(world, case_id)
    order = ["verify_complaint", "hold_dialogue", "decide_complaint"]
    for earlier in order[: order.index(step)]:
        data = {"verify_complaint": k.VERIFY, "hold_dialogue": k.DIALOGUE}[earlier]
        k.complete(world, case_id, earlier, "officer1", data)
    assert world.ready_task(case_id, step).due_at == local(2027, 3, 4)
    timers = waiting_timers(world, case_id)
    assert timers[f"{step}_escalation"].fire_at == local(2027, 3, 4)
    assert timers[f"{step}_reminder"].fire_at == TUESDAY_BEFORE_TET + (local(2027, 3, 4) - TUESDAY_BEFORE_TET) * 0.8


def test_a_complex_complaint_gets_45_days_and_keeps_the_reason(world):
    world.clock.set(TUESDAY_BEFORE_TET)
    case_id = k.start_complaint(world)
    k.accept(world, case_id, k.ACCEPT_COMPLEX)
    assert world.ready_task(case_id, "verify_complaint").due_at == local(2027, 3, 19)
    data = case_data(world, case_id)
    assert data["complex"] is True and data["resolution_days"] == 45
    assert data["complexity_reason"] == k.ACCEPT_COMPLEX["complexity_reason"]


def test_complex_without_a_reason_is_refused(world):
    case_id = k.start_complaint(world)
    with pytest.raises(InvalidFormData) as refused:
        k.accept(world, case_id, {"accepted": True, "accepted_on": "2027-02-02", "complex": True})
    assert "complexity_reason" in str(refused.value.errors)


def test_a_refused_complaint_closes_with_its_reason(world):
    case_id = k.start_complaint(world)
    k.accept(world, case_id, k.REFUSE)
    case = case_row(world, case_id)
    assert case.status == "completed" and case.screening == "out_of_scope"
    assert case_data(world, case_id)["refusal_reason"] == k.REFUSE["refusal_reason"]


def test_the_decision_is_published_and_the_second_instance_window_is_30_days(world):
    case_id = published_complaint(world)
    case = case_row(world, case_id)
    assert case.status == "in_progress" and case.published_writing is True
    request = world.ready_task(case_id, "record_second_instance_request")
    assert request is not None
    window = waiting_timers(world, case_id)["second_instance_window_closed"]
    assert window.fire_at == local(2027, 3, 28)
    data = case_data(world, case_id)
    assert data["decision_result"] == "partly_correct" and data["minutes_summary"] == k.DIALOGUE["minutes_summary"]


def test_no_request_within_30_days_closes_the_case_and_opens_no_second_instance(world):
    case_id = published_complaint(world)
    request_id = world.ready_task(case_id, "record_second_instance_request").id
    world.clock.set(local(2027, 3, 28) - timedelta(minutes=1))
    assert fire_due_timers(world.factory, world.services) == 0
    world.clock.set(local(2027, 3, 28) + timedelta(minutes=1))
    assert fire_due_timers(world.factory, world.services) == 1
    assert case_row(world, case_id).status == "completed"
    assert world.ready_task(case_id) is None
    with pytest.raises(Conflict, match="no longer open"), transaction(world.factory) as session:
        CaseRuntime(session, world.services).complete_task(world.actor("officer1"), request_id, k.REQUEST)
    assert cases_of(world, "complaint_second_instance") == []


def test_a_request_within_30_days_opens_the_second_instance_with_the_sealed_identity(world):
    case_id = published_complaint(world)
    world.clock.set(datetime(2027, 3, 10, 2, 0, tzinfo=UTC))
    k.request_second_instance(world, case_id)
    first = case_row(world, case_id)
    assert first.status == "completed"
    [second] = cases_of(world, "complaint_second_instance")
    assert second.tracking_code.startswith("KN2-2027-") and second.unit_id == first.unit_id
    assert case_data(world, case_id)["second_instance"]["tracking_code"] == second.tracking_code
    second_data = case_data(world, second.id)
    assert second_data["first_instance_case"] == first.tracking_code
    assert second_data["first_instance_decision"]["decision_result"] == "partly_correct"
    assert second_data["second_instance_request"] == k.REQUEST
    assert second_data["petitioner"] == "(được bảo vệ)" and second_data["title"] == k.petition(kind="x")["title"]
    with world.factory() as session:
        rows = {r.case_id: r.ciphertext for r in session.scalars(select(ProtectedIdentity))}
        assert rows[second.id] == rows[case_id]
        assert (
            world.services.identities.open(session, session.get(Case, second.id))["petitioner"]["name"] == "Trần Thị Y"
        )
        kinds = list(session.scalars(select(AuditEvent.kind).where(AuditEvent.case_id == case_id)))
        started = session.scalars(
            select(AuditEvent).where(AuditEvent.case_id == second.id, AuditEvent.kind == "case_started")
        ).one()
    assert "second_instance_started" in kinds
    assert started.payload["identity_protected"] is True
    assert started.payload["data"]["first_instance_case"] == first.tracking_code
    assert fire_due_timers(world.factory, world.services) == 0


def test_the_second_instance_resolves_within_45_days_or_60_when_complex(world):
    case_id = published_complaint(world)
    world.clock.set(datetime(2027, 3, 10, 2, 0, tzinfo=UTC))
    k.request_second_instance(world, case_id)
    [second] = cases_of(world, "complaint_second_instance")
    assert world.ready_task(second.id, "accept_complaint").due_at == local(2027, 3, 20)
    k.accept(world, second.id, {**k.ACCEPT, "accepted_on": "2027-03-10"})
    assert world.ready_task(second.id, "verify_complaint").due_at == local(2027, 4, 24)
    k.resolve(world, second.id)
    assert case_row(world, second.id).status == "completed"

    other = published_complaint(world)
    world.clock.set(datetime(2027, 3, 10, 2, 0, tzinfo=UTC))
    k.request_second_instance(world, other)
    newest = max(cases_of(world, "complaint_second_instance"), key=lambda c: c.id)
    k.accept(world, newest.id, {**k.ACCEPT_COMPLEX, "accepted_on": "2027-03-10"})
    assert world.ready_task(newest.id, "verify_complaint").due_at == local(2027, 5, 9)


def test_complaint_over_the_rest_api(api, world):
    world.clock.set(MONDAY_BEFORE_TET)
    created = api.post("/api/cases", "officer1", json={"process": "complaint", "data": k.petition(kind="complaint")})
    assert created.status_code == 201, created.text
    case_id = created.json()["id"]
    task = world.ready_task(case_id, "accept_complaint")
    missing_reason = api.post(
        f"/api/tasks/{task.id}/complete", "officer1", json={"data": {"accepted": True, "complex": True}}
    )
    assert missing_reason.status_code == 422 and "complexity_reason" in missing_reason.text
    early = api.post(f"/api/tasks/{task.id}/complete", "officer1", json={"data": k.ACCEPT_COMPLEX})
    assert early.status_code == 400 and "accepted_on" in early.text and "in the future" in early.text
    world.clock.set(TUESDAY_BEFORE_TET)
    done = api.post(f"/api/tasks/{task.id}/complete", "officer1", json={"data": k.ACCEPT_COMPLEX})
    assert done.status_code == 200, done.text
    detail = api.get(f"/api/cases/{case_id}", "officer1").json()
    [verify] = [t for t in detail["open_tasks"] if t["spec_name"] == "verify_complaint"]
    assert datetime.fromisoformat(verify["due_at"]) == local(2027, 3, 19)  # 45 days from the acceptance date
