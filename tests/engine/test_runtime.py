"""Case runtime: script errors stop the case without losing data, stale writes are refused, rework is capped."""

import threading

import pytest
from sqlalchemy import select

from engine.cases.runtime import CaseRuntime
from engine.cases.store import CaseStore
from engine.core.db import transaction
from engine.core.errors import Conflict
from engine.core.models import AuditEvent, Case, HumanTask
from engine.processes.deployment import deploy_bpmn
from tests.cases import CONCLUDE, SCREEN_IN, VERIFY, complete, start_report, walk_to_verification
from tests.factories import FIXTURES


def deploy_fixture(world, name: str) -> None:
    with transaction(world.factory) as session:
        content = (FIXTURES / name).read_bytes()
        deploy_bpmn(session, content=content, filename=name, forms=world.services.forms)


def test_a_script_error_puts_the_case_into_error_with_message_and_line_and_keeps_the_data(world):
    deploy_fixture(world, "script_error.bpmn")
    case_id = start_report(world, data={}, process_key="script_error_demo")
    case = complete(world, case_id, "fill_in", "officer1", {"findings": "Dữ liệu không được mất"})

    assert case.status == "error"
    assert case.error_line == 3 and case.error_task == "divide_by_zero"
    assert "ZeroDivisionError" in case.error_message
    with world.factory() as session:
        stored = session.get(Case, case_id)
        assert stored.status == "error"
        data = CaseRuntime(session, world.services).current_data(stored)
        assert data["findings"] == "Dữ liệu không được mất"
        fill_in = session.scalars(select(HumanTask).where(HumanTask.case_id == case_id)).one()
        assert fill_in.state == "completed" and fill_in.completed_by == "officer1"
        kinds = list(session.scalars(select(AuditEvent.kind).where(AuditEvent.case_id == case_id)))
        assert kinds[-1] == "case_error"


def test_the_api_reports_a_script_error_on_the_case(api, world):
    deploy_fixture(world, "script_error.bpmn")
    case_id = start_report(world, data={}, process_key="script_error_demo")
    task_id = world.ready_task(case_id, "fill_in").id
    response = api.post(f"/api/tasks/{task_id}/complete", "officer1", json={"data": {"findings": "x"}})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "error"
    assert body["error"]["line"] == 3 and "ZeroDivisionError" in body["error"]["message"]


def test_a_write_based_on_a_stale_case_version_is_refused_with_409(world, monkeypatch):
    case_id = start_report(world)
    task_id = world.ready_task(case_id, "screen_report").id
    with world.factory() as session:
        stale = CaseStore(session).task_with_case(task_id)  # what a slower process read
    with transaction(world.factory) as session:
        CaseRuntime(session, world.services).claim_task(world.actor("officer1"), task_id)  # a faster one wins
    monkeypatch.setattr(CaseStore, "task_with_case", lambda _self, _task_id: stale)
    with pytest.raises(Conflict, match="changed by someone else"), transaction(world.factory) as session:
        CaseRuntime(session, world.services).complete_task(world.actor("officer1"), task_id, SCREEN_IN)
    with world.factory() as session:
        assert session.get(Case, case_id).version == stale[1].version + 1
        assert session.get(HumanTask, task_id).state == "ready"


def test_two_people_completing_the_same_task_at_once_one_wins_and_one_gets_409(world):
    case_id = start_report(world)
    task_id = world.ready_task(case_id, "screen_report").id
    actors = [world.actor("officer1"), world.actor("officer2")]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    messages: list[str] = []

    def attempt(actor) -> None:
        barrier.wait()
        try:
            with transaction(world.factory) as session:
                CaseRuntime(session, world.services).complete_task(actor, task_id, SCREEN_IN)
            outcomes.append(f"completed by {actor.username}")
        except Conflict as exc:
            outcomes.append("conflict")
            messages.append(exc.message)

    threads = [threading.Thread(target=attempt, args=(actor,)) for actor in actors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(o.split(" by ")[0] for o in outcomes) == ["completed", "conflict"]
    winner = next(o for o in outcomes if o.startswith("completed")).split(" by ")[1]
    assert f"already completed by {winner}" in messages[0]
    with world.factory() as session:
        kinds = list(session.scalars(select(AuditEvent.kind).where(AuditEvent.case_id == case_id)))
    assert kinds.count("task_completed") == 1


def test_every_action_bumps_the_case_version(world):
    case_id = start_report(world)
    with world.factory() as session:
        before = session.get(Case, case_id).version
    complete(world, case_id, "screen_report", "officer1", SCREEN_IN)
    with world.factory() as session:
        assert session.get(Case, case_id).version == before + 1


def test_send_back_is_capped_at_three_rounds_then_the_supervisor_concludes(world):
    case_id = walk_to_verification(world)
    for _ in range(3):
        complete(world, case_id, "verify_report", "officer1", VERIFY)
        complete(world, case_id, "conclude_verification", "officer1", CONCLUDE)
        complete(world, case_id, "approve_conclusion", "supervisor1", {"decision": "send_back", "comment": "Bổ sung"})
    complete(world, case_id, "verify_report", "officer1", VERIFY)
    complete(world, case_id, "conclude_verification", "officer1", CONCLUDE)
    complete(world, case_id, "approve_conclusion", "supervisor1", {"decision": "send_back", "comment": "Lần 4"})
    assert world.ready_task(case_id, "verify_report") is None
    final_conclusion = world.ready_task(case_id, "conclude_by_supervisor")
    assert final_conclusion is not None and final_conclusion.lane == "supervisor"


def test_a_send_back_returns_the_case_to_verification_assigned_to_the_same_officer(world):
    case_id = walk_to_verification(world)
    complete(world, case_id, "verify_report", "officer1", VERIFY)
    complete(world, case_id, "conclude_verification", "officer1", CONCLUDE)
    complete(world, case_id, "approve_conclusion", "supervisor1", {"decision": "send_back", "comment": "Bổ sung"})
    again = world.ready_task(case_id, "verify_report")
    assert again is not None and again.assignee == "officer1"


def test_the_reporter_identity_is_stored_encrypted_apart_from_the_case(world):
    from engine.core.models import ProtectedIdentity

    case_id = start_report(world)
    with world.factory() as session:
        case = session.get(Case, case_id)
        assert "Trần Thị Y" not in case.state
        sealed = session.get(ProtectedIdentity, case_id)
        assert "Trần Thị Y".encode() not in sealed.ciphertext and b"0900000000" not in sealed.ciphertext
        assert world.services.identities.open(session, case)["reporter"]["name"] == "Trần Thị Y"


def test_reassigning_the_verification_hands_the_conclusion_to_the_new_officer_too(world, api):
    case_id = walk_to_verification(world)
    verify = world.ready_task(case_id, "verify_report")
    assert verify.assignee == "officer1"
    moved = api.post(f"/api/tasks/{verify.id}/assign", "lead1", json={"username": "officer2"})
    assert moved.status_code == 200, moved.text
    complete(world, case_id, "verify_report", "officer2", VERIFY)
    conclude = world.ready_task(case_id, "conclude_verification")
    assert conclude is not None and conclude.assignee == "officer2"
    with world.factory() as session:
        data = CaseRuntime(session, world.services).current_data(session.get(Case, case_id))
    assert data["verifying_officer"] == "officer2"
