"""Unclaim ("trả lại"): the assignee of a claimed task gives it back to the group."""

import pytest
from sqlalchemy import select

from engine.cases.audit import verify_chain
from engine.cases.runtime import CaseRuntime
from engine.core.db import transaction
from engine.core.errors import Conflict, Forbidden, NotFound
from engine.core.models import AuditEvent, HumanTask
from tests.cases import start_report, walk_to_verification


def claimed_screening(world) -> tuple[int, str]:
    """A case whose screening task officer1 claimed."""
    case_id = start_report(world)
    task_id = world.ready_task(case_id, "screen_report").id
    officer = world.actor("officer1")
    with transaction(world.factory) as session:
        CaseRuntime(session, world.services).claim_task(officer, task_id)
    return case_id, task_id


def test_the_assignee_gives_a_claimed_task_back_to_the_group(world):
    case_id, task_id = claimed_screening(world)
    officer, colleague = world.actor("officer1"), world.actor("officer2")
    with transaction(world.factory) as session:
        task = CaseRuntime(session, world.services).unclaim_task(officer, task_id)
        assert task.assignee is None
    with world.factory() as session:
        assert session.get(HumanTask, task_id).assignee is None
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.seq.desc())
        ).first()
        assert event.kind == "task_unclaimed" and event.actor == "officer1" and event.payload["from"] == "officer1"
        assert verify_chain(session, case_id).valid
    with transaction(world.factory) as session:  # the group sees it again: a colleague claims it
        assert CaseRuntime(session, world.services).claim_task(colleague, task_id).assignee == "officer2"


def test_only_the_assignee_or_an_assigner_of_the_unit_may_give_a_task_back(world):
    _case_id, task_id = claimed_screening(world)
    colleague, lead, other_unit = (world.actor(n) for n in ("officer2", "lead1", "supervisor_d2"))
    with pytest.raises(Forbidden, match="assigned to officer1"), transaction(world.factory) as session:
        CaseRuntime(session, world.services).unclaim_task(colleague, task_id)
    with pytest.raises(NotFound), transaction(world.factory) as session:
        CaseRuntime(session, world.services).unclaim_task(other_unit, task_id)
    with transaction(world.factory) as session:
        assert CaseRuntime(session, world.services).unclaim_task(lead, task_id).assignee is None
    with world.factory() as session:
        assert session.get(HumanTask, task_id).assignee is None


def test_a_task_whose_person_the_process_names_cannot_be_given_back(world):
    case_id = walk_to_verification(world)
    task_id = world.ready_task(case_id, "verify_report").id
    officer = world.actor("officer1")
    with pytest.raises(Conflict, match="only reassigned"), transaction(world.factory) as session:
        CaseRuntime(session, world.services).unclaim_task(officer, task_id)
    with world.factory() as session:
        assert session.get(HumanTask, task_id).assignee == "officer1"


def test_the_assignee_gives_a_task_back_over_rest_and_a_process_named_task_is_refused(api, world):
    _case_id, task_id = claimed_screening(world)
    response = api.post(f"/api/tasks/{task_id}/unclaim", "officer1")
    assert response.status_code == 200 and response.json()["assignee"] is None
    assert api.post(f"/api/tasks/{task_id}/unclaim", "officer_d2").status_code == 404
    verification = world.ready_task(walk_to_verification(world), "verify_report").id
    refused = api.post(f"/api/tasks/{verification}/unclaim", "officer1")
    assert refused.status_code == 409 and "reassigned" in refused.json()["detail"]
