"""Migration of running 1374 cases to version 2: the dry run's reasons, moves, recomputed deadlines, failures."""

from datetime import timedelta

from sqlalchemy import select

from engine.cases.audit import verify_chain
from engine.cases.store import CaseStore
from engine.core.db import transaction
from engine.core.errors import Conflict
from engine.core.models import AuditEvent, Case
from engine.core.settings import PROJECT_ROOT
from engine.processes.deployment import deploy_bpmn
from engine.processes.migration_batches import (
    batch_with_items,
    create_batch,
    dry_run,
    migrate_next_case,
    resume_unfinished_batches,
)
from tests.cases import VERIFY, complete, start_report, walk_to_verification
from tests.migration_fixtures import (
    ADDED_TIMER_V2,
    DEADLINE_V2,
    REMOVED_TASK_V2,
    REQUIRED_FIELD_V2,
    deploy_version,
    migrate,
    open_task,
    use_forms_with_v2,
    waiting_timer_rows,
)
from tests.timers import fire_due_timers

OUT_OF_SCOPE = {"screening": "out_of_scope", "reason": "Không thuộc thẩm quyền"}
ARCHIVE = {"disposition": "archive", "reason": "Lưu đơn"}


def _checks(world, to_version, case_ids=None) -> dict:
    with world.factory() as session:
        found = dry_run(session, world.services, process_key="report_1374", to_version=to_version, case_ids=case_ids)
        return {check.case_id: check for check in found}


def _case(world, case_id) -> Case:
    with world.factory() as session:
        return session.get(Case, case_id)


def _events(world, case_id, kind) -> list[AuditEvent]:
    with world.factory() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id, AuditEvent.kind == kind)))


def _chain_ok(world, case_id) -> bool:
    with world.factory() as session:
        return verify_chain(session, case_id).valid


def test_dry_run_refuses_a_case_whose_current_step_version_2_removes(world):
    at_forward = start_report(world)
    complete(world, at_forward, "screen_report", "officer1", OUT_OF_SCOPE)
    at_verification = walk_to_verification(world)
    version = deploy_version(world, REMOVED_TASK_V2)

    checks = _checks(world, version)

    assert checks[at_verification].can_move and checks[at_verification].reasons == []
    assert not checks[at_forward].can_move
    assert checks[at_forward].reasons == [
        "Its current step 'Chuyển hoặc lưu đơn' (forward_or_archive) does not exist in version 2"
    ]


def test_dry_run_refuses_a_case_that_lacks_data_a_version_2_form_requires(world, tmp_path):
    use_forms_with_v2(world, tmp_path / "forms")
    at_screening = start_report(world)
    at_verification = walk_to_verification(world)
    version = deploy_version(world, REQUIRED_FIELD_V2)

    checks = _checks(world, version)

    assert checks[at_screening].can_move
    assert not checks[at_verification].can_move
    (reason,) = checks[at_verification].reasons
    assert "verification_unit" in reason and "assign_verification_v2.schema.json" in reason


def test_completed_cases_are_not_offered_and_are_refused_when_named(world):
    closed = start_report(world)
    complete(world, closed, "screen_report", "officer1", OUT_OF_SCOPE)
    complete(world, closed, "forward_or_archive", "officer1", ARCHIVE)
    version = deploy_version(world, DEADLINE_V2)

    assert closed not in _checks(world, version)
    (check,) = _checks(world, version, [closed]).values()
    assert not check.can_move and "completed" in check.reasons[0]


def test_migrating_a_case_at_verification_applies_the_new_deadline_to_its_task_and_timers(world):
    case_id = walk_to_verification(world, days=10)
    task_before = open_task(world, case_id)
    timers_before = waiting_timer_rows(world, case_id)
    version = deploy_version(world, DEADLINE_V2)
    world.clock.advance(timedelta(days=1))

    batch = migrate(world, version, [case_id])

    assert (batch.status, batch.total, batch.moved, batch.failed) == ("done", 1, 1, 0)
    case = _case(world, case_id)
    assert case.process_version == 2 and case.status == "in_progress"
    task_after, timers_after = open_task(world, case_id), waiting_timer_rows(world, case_id)
    assert task_after.id == task_before.id and task_after.spec_name == "verify_report"
    escalation = timers_after["verification_escalation"]
    assert escalation.fire_at > timers_before["verification_escalation"].fire_at
    assert task_after.due_at == escalation.fire_at != task_before.due_at
    expected = world.services.calendar.add_working_days(world.clock.now(), 15)
    assert escalation.fire_at == expected
    assert timers_after["verification_reminder"].fire_at == timers_before["verification_reminder"].fire_at
    (migrated,) = _events(world, case_id, "case_migrated")
    assert migrated.payload["from_version"] == 1 and migrated.payload["to_version"] == 2
    assert any("verification_escalation" in step for step in migrated.payload["changed_tasks"])
    assert _chain_ok(world, case_id)


def test_a_timer_that_version_2_adds_to_the_current_step_starts_on_the_moved_case(world):
    case_id = walk_to_verification(world, days=10)
    start, timers_before = world.clock.now(), waiting_timer_rows(world, case_id)
    version = deploy_version(world, ADDED_TIMER_V2)

    assert migrate(world, version, [case_id]).moved == 1

    timers_after = waiting_timer_rows(world, case_id)
    assert set(timers_after) == {*timers_before, "verification_second_reminder"}
    deadline = timers_before["verification_escalation"].fire_at
    assert timers_after["verification_second_reminder"].fire_at == start + (deadline - start) * 0.9
    (migrated,) = _events(world, case_id, "case_migrated")
    assert any("verification_second_reminder" in step for step in migrated.payload["changed_tasks"])
    world.clock.set(timers_after["verification_second_reminder"].fire_at + timedelta(minutes=1))
    assert fire_due_timers(world.factory, world.services) == 2  # the 80% reminder, then the new one
    assert set(waiting_timer_rows(world, case_id)) == {"verification_escalation"}
    assert open_task(world, case_id).spec_name == "verify_report"
    assert _chain_ok(world, case_id)


def test_a_migrated_case_goes_on_in_version_2(world):
    case_id = walk_to_verification(world)
    version = deploy_version(world, DEADLINE_V2)
    migrate(world, version, [case_id])

    complete(world, case_id, "verify_report", "officer1", VERIFY)

    assert open_task(world, case_id).spec_name == "conclude_verification"
    assert waiting_timer_rows(world, case_id) == {}
    assert _chain_ok(world, case_id)


def test_migrating_a_selection_moves_only_the_selected_cases(world):
    selected = [walk_to_verification(world), start_report(world)]
    left_alone = start_report(world)
    version = deploy_version(world, DEADLINE_V2)

    batch = migrate(world, version, selected)

    assert (batch.total, batch.moved, batch.failed) == (2, 2, 0)
    assert [_case(world, case_id).process_version for case_id in selected] == [2, 2]
    assert _case(world, left_alone).process_version == 1


def test_migrating_all_that_can_move_leaves_the_others_untouched(world):
    at_forward = start_report(world)
    complete(world, at_forward, "screen_report", "officer1", OUT_OF_SCOPE)
    at_screening = start_report(world)
    version = deploy_version(world, REMOVED_TASK_V2)

    batch = migrate(world, version)

    assert (batch.total, batch.moved) == (1, 1)
    assert _case(world, at_screening).process_version == 2
    assert _case(world, at_forward).process_version == 1


def test_a_case_that_cannot_move_stays_on_its_version_with_the_reason_recorded(world):
    at_forward = start_report(world)
    complete(world, at_forward, "screen_report", "officer1", OUT_OF_SCOPE)
    task_before = open_task(world, at_forward)
    version = deploy_version(world, REMOVED_TASK_V2)

    batch = migrate(world, version, [at_forward])

    assert (batch.status, batch.moved, batch.failed) == ("done", 0, 1)
    with world.factory() as session:
        _, (item,) = batch_with_items(session, batch.id)
    assert item.status == "failed" and "forward_or_archive" in item.reason
    case = _case(world, at_forward)
    assert case.process_version == 1
    assert open_task(world, at_forward).id == task_before.id
    (failed,) = _events(world, at_forward, "case_migration_failed")
    assert failed.payload["reason"] == item.reason and failed.payload["to_version"] == 2
    assert _chain_ok(world, at_forward)
    complete(world, at_forward, "forward_or_archive", "officer1", ARCHIVE)
    assert _case(world, at_forward).status == "completed"


def test_a_case_changed_during_its_move_is_rolled_back_alone_and_reported(world, monkeypatch):
    raced, other = walk_to_verification(world), walk_to_verification(world)
    timers_before = waiting_timer_rows(world, raced)
    version = deploy_version(world, DEADLINE_V2)
    real_save, races = CaseStore.save_case, []

    def save_losing_the_race(store, case):
        if case.id == raced and not races:
            races.append(case.version)
            raise Conflict(f"Case {case.tracking_code} was changed by someone else while you worked on it")
        real_save(store, case)

    monkeypatch.setattr(CaseStore, "save_case", save_losing_the_race)
    batch = migrate(world, version, [raced, other])
    monkeypatch.undo()

    assert (batch.moved, batch.failed) == (1, 1)
    assert (_case(world, raced).process_version, _case(world, other).process_version) == (1, 2)
    assert waiting_timer_rows(world, raced)["verification_escalation"].fire_at == (
        timers_before["verification_escalation"].fire_at
    )
    assert open_task(world, raced).due_at == timers_before["verification_escalation"].fire_at
    assert _events(world, raced, "case_migrated") == []
    (failed,) = _events(world, raced, "case_migration_failed")
    assert "changed by someone else" in failed.payload["reason"]
    assert _chain_ok(world, raced) and _chain_ok(world, other)


def test_dry_run_refuses_a_case_when_a_condition_ahead_needs_data_nothing_provides(world):
    at_screening = start_report(world)
    v2 = (PROJECT_ROOT / "processes" / "report_1374.bpmn").read_text(encoding="utf-8")
    v2 = v2.replace("decision == 'approve'", "decision == 'approve' and board_reviewed")
    with transaction(world.factory) as session:
        forms = world.services.forms
        version = deploy_bpmn(session, content=v2.encode(), filename="report_1374.bpmn", forms=forms).definition.version

    (check,) = _checks(world, version).values()

    assert check.case_id == at_screening and not check.can_move
    assert check.reasons == [
        "Version 2 needs 'board_reviewed' at Ý kiến phê duyệt?, which the case does not have and no step ahead provides"
    ]


def test_an_interrupted_batch_is_resumed_where_it_stopped(world):
    first, second = walk_to_verification(world), start_report(world)
    version = deploy_version(world, DEADLINE_V2)
    with transaction(world.factory) as session:
        batch_id = create_batch(
            session, world.services, process_key="report_1374", to_version=version, requested_by="designer1"
        ).id
    assert migrate_next_case(world.factory, world.services, batch_id)  # then the process stops

    assert resume_unfinished_batches(world.factory, world.services) == 1

    with world.factory() as session:
        batch, items = batch_with_items(session, batch_id)
    assert (batch.status, batch.moved, [i.status for i in items]) == ("done", 2, ["moved", "moved"])
    assert {_case(world, first).process_version, _case(world, second).process_version} == {2}
    assert resume_unfinished_batches(world.factory, world.services) == 0
