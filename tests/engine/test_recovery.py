"""Stuck cases: listing the cases stopped by an error, retrying them and cancelling them."""

import pytest
from sqlalchemy import select

from engine.cases.audit import verify_chain
from engine.cases.recovery import cancel_case, retry_case, stuck_cases
from engine.core.db import transaction
from engine.core.errors import BadRequest, Conflict, Forbidden, NotFound
from engine.core.models import AuditEvent, Case, HumanTask
from engine.doctor import check_cases
from tests.cases import complete, start_report
from tests.engine.test_runtime import deploy_fixture


def stuck_case(world) -> int:
    """A case of unit d1 stopped by the fixture's division by zero."""
    deploy_fixture(world, "script_error.bpmn")
    case_id = start_report(world, data={}, process_key="script_error_demo")
    case = complete(world, case_id, "fill_in", "officer1", {"findings": "Đã xác minh"})
    assert case.status == "error"
    return case_id


def kinds(world, case_id: int) -> list[str]:
    with world.factory() as session:
        query = select(AuditEvent.kind).where(AuditEvent.case_id == case_id).order_by(AuditEvent.seq)
        return list(session.scalars(query))


def test_the_supervisor_sees_the_stuck_case_with_its_error_and_other_units_do_not(world):
    case_id = stuck_case(world)
    supervisor, designer, other_unit = (world.actor(n) for n in ("supervisor1", "designer1", "supervisor_d2"))
    officer = world.actor("officer1")
    with world.factory() as session:
        listed = stuck_cases(session, supervisor)
        assert [s.case_id for s in listed] == [case_id]
        stuck = listed[0]
        assert stuck.process_key == "script_error_demo" and stuck.process_version == 1
        assert stuck.error_task == "divide_by_zero" and stuck.error_line == 3
        assert "ZeroDivisionError" in (stuck.error_message or "")
        assert stuck.since is not None and stuck.tracking_code
        assert [s.case_id for s in stuck_cases(session, designer)] == [case_id]
        assert stuck_cases(session, other_unit) == []
        with pytest.raises(Forbidden, match="retry or cancel"):
            stuck_cases(session, officer)


def test_retrying_as_is_runs_the_failing_step_again_and_the_case_stays_in_error(world):
    case_id = stuck_case(world)
    supervisor = world.actor("supervisor1")
    with transaction(world.factory) as session:
        case = retry_case(session, world.services, supervisor, case_id, "Thử lại")
        assert case.status == "error" and case.error_task == "divide_by_zero"
    assert kinds(world, case_id)[-2:] == ["case_retried", "case_error"]
    with world.factory() as session:
        assert verify_chain(session, case_id).valid


def test_retrying_after_the_step_was_fixed_finishes_the_case(world):
    case_id = stuck_case(world)
    with world.factory() as session:
        definition_id = session.get(Case, case_id).definition_id
        spec = world.services.specs.get(session, definition_id).spec
    spec.task_specs["divide_by_zero"].script = "c = 1"  # what the failing step depended on works again
    designer = world.actor("designer1")
    with transaction(world.factory) as session:
        case = retry_case(session, world.services, designer, case_id, "Đã sửa")
        assert case.status == "completed"
        assert case.error_message is None and case.error_task is None
    with world.factory() as session:
        assert session.get(Case, case_id).status == "completed"
        assert verify_chain(session, case_id).valid
    assert kinds(world, case_id)[-2:] == ["case_retried", "case_completed"]


def test_cancelling_ends_the_case_with_the_reason_and_no_open_task(world):
    case_id = stuck_case(world)
    supervisor = world.actor("supervisor1")
    with transaction(world.factory) as session:
        case = cancel_case(session, world.services, supervisor, case_id, " Quy trình sai, hủy ")
        assert case.status == "cancelled"
    with world.factory() as session:
        assert session.get(Case, case_id).status == "cancelled"
        states = session.scalars(select(HumanTask.state).where(HumanTask.case_id == case_id)).all()
        assert "ready" not in states
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.seq.desc())
        ).first()
        assert event.kind == "case_cancelled" and event.actor == "supervisor1"
        assert event.payload["reason"] == "Quy trình sai, hủy"
        assert verify_chain(session, case_id).valid
        assert stuck_cases(session, supervisor) == []
    with pytest.raises(Conflict, match="not stopped by an error"), transaction(world.factory) as session:
        retry_case(session, world.services, supervisor, case_id, "lại")


def test_recovery_needs_a_reason_the_role_and_the_unit(world):
    case_id = stuck_case(world)
    supervisor, officer, other_unit = (world.actor(n) for n in ("supervisor1", "officer1", "supervisor_d2"))
    with pytest.raises(BadRequest, match="reason"), transaction(world.factory) as session:
        cancel_case(session, world.services, supervisor, case_id, "  ")
    with pytest.raises(Forbidden), transaction(world.factory) as session:
        retry_case(session, world.services, officer, case_id, "lý do")
    with pytest.raises(NotFound), transaction(world.factory) as session:
        cancel_case(session, world.services, other_unit, case_id, "lý do")
    with world.factory() as session:
        assert session.get(Case, case_id).status == "error"


def test_the_doctor_names_the_stuck_case_and_where_to_recover_it(world):
    case_id = stuck_case(world)
    with world.factory() as session:
        code = session.get(Case, case_id).tracking_code
        [finding] = check_cases(session)
    assert not finding.ok and code in finding.message and "/cases/stuck" in finding.message


def test_a_cancelled_case_reads_as_stopped_on_the_portal_never_as_in_progress(world):
    from engine.portal.service import public_status

    case_id = stuck_case(world)
    with world.factory() as session:
        assert public_status(session, session.get(Case, case_id)).status == "in_progress"  # an error stays internal
    with transaction(world.factory) as session:
        cancel_case(session, world.services, world.actor("supervisor1"), case_id, "Quy trình sai")
    with world.factory() as session:
        assert public_status(session, session.get(Case, case_id)).status == "cancelled"
