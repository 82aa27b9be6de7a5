"""A thousand running cases move to version 2 in one batch; the ones whose step is gone are reported, not lost."""

from sqlalchemy import func, select

from engine.cases.audit import verify_chain
from engine.cases.runtime import CaseRuntime
from engine.core.db import transaction
from engine.core.models import AuditEvent, Case, CaseTimer, HumanTask
from engine.processes.migration_batches import batch_with_items, dry_run
from tests.cases import SCREEN_IN, assign_data
from tests.factories import INTAKE, World
from tests.migration_fixtures import REMOVED_TASK_V2, deploy_version, migrate

AT_SCREENING, AT_VERIFICATION, AT_FORWARD = 600, 300, 100
OUT_OF_SCOPE = {"screening": "out_of_scope", "reason": "Không thuộc thẩm quyền"}


def _start_cases(world: World, count: int, steps: list[tuple[str, dict]]) -> list[int]:
    """Start ``count`` cases in one transaction and complete ``steps`` (username, data) on each."""
    officer, lead = world.actor("officer1"), world.actor("lead1")
    people = {"officer1": officer, "lead1": lead}
    ids = []
    with transaction(world.factory) as session:
        runtime = CaseRuntime(session, world.services)
        for _ in range(count):
            case_id = runtime.start_case(officer, process_key="report_1374", data=INTAKE).id
            for username, data in steps:
                task_id = session.scalar(
                    select(HumanTask.id).where(HumanTask.case_id == case_id, HumanTask.state == "ready")
                )
                runtime.complete_task(people[username], task_id, data)
            ids.append(case_id)
    return ids


def test_a_thousand_running_cases_move_except_those_whose_step_is_gone(world):
    at_screening = _start_cases(world, AT_SCREENING, [])
    at_verification = _start_cases(world, AT_VERIFICATION, [("officer1", SCREEN_IN), ("lead1", assign_data())])
    at_forward = set(_start_cases(world, AT_FORWARD, [("officer1", OUT_OF_SCOPE)]))
    everyone = [*at_screening, *at_verification, *sorted(at_forward)]
    version = deploy_version(world, REMOVED_TASK_V2)

    with world.factory() as session:
        checks = dry_run(session, world.services, process_key="report_1374", to_version=version)
    assert len(checks) == 1000
    assert {c.case_id for c in checks if not c.can_move} == at_forward

    batch = migrate(world, version, everyone)

    assert (batch.status, batch.total, batch.done) == ("done", 1000, 1000)
    assert (batch.moved, batch.failed) == (AT_SCREENING + AT_VERIFICATION, AT_FORWARD)
    with world.factory() as session:
        _, items = batch_with_items(session, batch.id)
        failed = {item.case_id: item.reason for item in items if item.status == "failed"}
        versions = dict(session.execute(select(Case.id, Case.process_version)).all())
        migrated_events = session.scalar(select(func.count()).where(AuditEvent.kind == "case_migrated"))
        failure_events = session.scalar(select(func.count()).where(AuditEvent.kind == "case_migration_failed"))
        escalations = list(
            session.scalars(
                select(CaseTimer.fire_at).where(
                    CaseTimer.status == "waiting", CaseTimer.spec_name == "verification_escalation"
                )
            )
        )
        due = set(session.scalars(select(HumanTask.due_at).where(HumanTask.spec_name == "verify_report")))
        broken = [case_id for case_id in everyone if not verify_chain(session, case_id).valid]
    assert set(failed) == at_forward
    assert all("forward_or_archive" in reason for reason in failed.values())
    assert {case_id for case_id, number in versions.items() if number == 1} == at_forward
    assert (migrated_events, failure_events) == (AT_SCREENING + AT_VERIFICATION, AT_FORWARD)
    new_deadline = world.services.calendar.add_working_days(world.clock.now(), 15)  # version 2: days + 5
    assert len(escalations) == AT_VERIFICATION and set(escalations) == due == {new_deadline}
    assert broken == []
