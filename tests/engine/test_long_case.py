"""A long case (a checklist looped 200 times) keeps a bounded stored state and still completes, migrates,
recovers from an error and shows its whole history; pruning keeps what every feature reads of the workflow."""

import json

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import func, select

from engine.cases.audit import verify_chain
from engine.cases.compaction import prune_superseded
from engine.cases.recovery import retry_case
from engine.cases.runtime import CaseRuntime
from engine.core.db import transaction
from engine.core.models import AuditEvent, Case
from engine.core.settings import PROJECT_ROOT
from engine.processes.case_migration import CaseMigrator
from engine.processes.deployment import deploy_bpmn, latest_definition
from tests.cases import CONCLUDE, VERIFY, complete, start_report, walk_to_verification
from tests.engine.test_runtime import deploy_fixture

FIXTURE = PROJECT_ROOT / "tests" / "fixtures" / "long_checklist.bpmn"
ROUNDS = 200
STATE_BOUND = 8_000  # bytes; the unpruned state of round 200 is ~220 KB (bench/bench_long_case.py --compare)
TASKS_BOUND = 16


def _start(world, rounds: int = ROUNDS) -> int:
    deploy_fixture(world, FIXTURE.name)
    return start_report(world, data={"title": "Danh mục dài", "rounds": rounds}, process_key="long_checklist")


def _state(world, case_id: int) -> tuple[str, dict]:
    with world.factory() as session:
        case = session.get(Case, case_id)
        return case.status, json.loads(case.state)


def _count(world, case_id: int, kind: str) -> int:
    with world.factory() as session:
        query = select(func.count()).where(AuditEvent.case_id == case_id, AuditEvent.kind == kind)
        return session.scalar(query)


def _check(world, case_id: int, rounds: range) -> None:
    """Complete ``rounds`` items; the stored state stays under the bound after every one."""
    for done in rounds:
        case = complete(world, case_id, "check_item", "officer1", {"remark": f"mục {done}"})
        status, state = _state(world, case_id)
        assert len(json.dumps(state)) < STATE_BOUND and len(state["tasks"]) <= TASKS_BOUND, done
        assert status == case.status


def test_a_200_round_case_keeps_a_bounded_state_completes_and_keeps_its_audit_trail(world, web):
    case_id = _start(world)
    _check(world, case_id, range(1, ROUNDS))
    status, state = _state(world, case_id)
    assert status == "in_progress"
    with world.factory() as session:
        case = session.get(Case, case_id)
        runtime = CaseRuntime(session, world.services)
        data = runtime.current_data(case)
        completed, current = runtime.steps_taken(case)
    assert data["items_done"] == ROUNDS - 1 and data["remark"] == f"mục {ROUNDS - 1}"
    assert completed == {"start", "open_checklist", "check_item", "count_item", "more_items"} - {"check_item"}
    assert current == {"check_item"}

    case = complete(world, case_id, "check_item", "officer1", {"remark": "mục cuối"})

    assert case.status == "completed"
    with world.factory() as session:
        assert CaseRuntime(session, world.services).current_data(session.get(Case, case_id))["items_done"] == ROUNDS
        assert verify_chain(session, case_id).valid
    assert _count(world, case_id, "task_completed") == ROUNDS and _count(world, case_id, "task_ready") == ROUNDS
    assert _count(world, case_id, "case_completed") == 1
    page = web().login("officer1").get(f"/cases/{case_id}")
    assert page.status_code == 200 and "Kiểm tra một mục" in page.text


def test_a_pruned_long_case_migrates_to_a_new_version_and_finishes_there(world):
    case_id = _start(world, rounds=120)
    _check(world, case_id, range(1, 61))
    v2 = FIXTURE.read_text(encoding="utf-8").replace('name="Kiểm tra một mục"', 'name="Kiểm tra một mục (bản 2)"')
    with transaction(world.factory) as session:
        deploy_bpmn(session, content=v2.encode(), filename=FIXTURE.name, forms=world.services.forms)
        target = latest_definition(session, "long_checklist")
        assert target.version == 2
        CaseMigrator(session, world.services).migrate_case(case_id, target, actor="designer1")

    assert world.ready_task(case_id, "check_item").name == "Kiểm tra một mục (bản 2)"
    _check(world, case_id, range(61, 121))
    status, _state_now = _state(world, case_id)
    assert status == "completed"
    assert _count(world, case_id, "case_migrated") == 1 and _count(world, case_id, "task_completed") == 120


def test_a_pruned_long_case_stopped_by_an_error_is_retried_and_goes_on(world):
    case_id = _start(world, rounds=80)
    _check(world, case_id, range(1, 51))
    with world.factory() as session:
        spec = world.services.specs.get(session, session.get(Case, case_id).definition_id).spec
    script = spec.task_specs["count_item"].script
    spec.task_specs["count_item"].script = "items_done = items_done / 0"
    try:
        assert complete(world, case_id, "check_item", "officer1", {}).status == "error"
    finally:
        spec.task_specs["count_item"].script = script  # the designer fixed the step
    with transaction(world.factory) as session:
        assert retry_case(session, world.services, world.actor("designer1"), case_id, "Đã sửa").status == "in_progress"
    _check(world, case_id, range(52, 81))
    status, _state_now = _state(world, case_id)
    assert status == "completed"
    with world.factory() as session:
        assert CaseRuntime(session, world.services).current_data(session.get(Case, case_id))["items_done"] == 80
        assert verify_chain(session, case_id).valid


def _looped_workflow(world, rounds: int) -> BpmnWorkflow:
    """The fixture's workflow run in memory (no pruning) through ``rounds`` items, the next one open."""
    deploy_fixture(world, FIXTURE.name)
    with world.factory() as session:
        process = world.services.specs.get(session, latest_definition(session, "long_checklist").id)
    workflow = BpmnWorkflow(process.spec, process.subprocess_specs, script_engine=world.services.script_engine())
    workflow.get_tasks(state=TaskState.READY)[0].data.update({"rounds": rounds + 5})
    workflow.do_engine_steps()
    for done in range(rounds):
        (task,) = workflow.get_tasks(state=TaskState.READY)
        task.data["remark"] = f"mục {done}"
        task.run()
        workflow.do_engine_steps()
    return workflow


def _view(workflow: BpmnWorkflow) -> tuple:
    """What the features read of a workflow: completed and open steps, the open task's data, the last task run."""
    completed = {t.task_spec.name for t in workflow.get_tasks(state=TaskState.COMPLETED)}
    (ready,) = workflow.get_tasks(state=TaskState.READY)
    return completed, (ready.id, ready.task_spec.name, dict(ready.data)), workflow.last_task.id


def test_pruning_drops_only_superseded_rounds_and_keeps_what_features_read(world):
    workflow = _looped_workflow(world, rounds=30)
    before, size = _view(workflow), len(workflow.tasks)

    dropped = prune_superseded(workflow)

    assert dropped > 0 and len(workflow.tasks) == size - dropped <= TASKS_BOUND
    assert _view(workflow) == before
    assert prune_superseded(workflow) == 0, "a pruned workflow has nothing more to drop"
    for task in workflow.tasks.values():  # the tree is whole: every parent link and child link agree
        assert task.parent is None or task.id in task.parent._children
        assert all(child.parent is task for child in task.children)
    (ready,) = workflow.get_tasks(state=TaskState.READY)
    ready.run()
    workflow.do_engine_steps()
    assert workflow.get_tasks(state=TaskState.READY)[0].data["items_done"] == 31


def test_a_first_pass_through_a_process_without_loops_is_not_pruned(world):
    case_id = start_report(world)
    with world.factory() as session:
        case = session.get(Case, case_id)
        workflow = CaseRuntime(session, world.services)._load_workflow(case)
    size = len(workflow.tasks)
    assert prune_superseded(workflow) == 0 and len(workflow.tasks) == size


def test_send_back_rounds_of_a_step_with_boundary_timers_are_pruned_and_the_case_still_ends(world):
    case_id = walk_to_verification(world)
    sizes = []
    for _round in range(3):
        complete(world, case_id, "verify_report", "officer1", VERIFY)
        complete(world, case_id, "conclude_verification", "officer1", CONCLUDE)
        complete(world, case_id, "approve_conclusion", "supervisor1", {"decision": "send_back", "comment": "Bổ sung"})
        sizes.append(len(_state(world, case_id)[1]["tasks"]))
    assert sizes[0] == sizes[1] == sizes[2], "each send-back round replaces the previous one in the stored state"
    with world.factory() as session:
        runtime = CaseRuntime(session, world.services)
        case = session.get(Case, case_id)
        completed, current = runtime.steps_taken(case)
        assert {"conclude_verification", "approve_conclusion", "count_rework_round", "screen_report"} <= completed
        assert current == {"verify_report"} and runtime.current_data(case)["rework_round"] == 3
        timers = runtime._load_workflow(case).get_tasks(state=TaskState.WAITING)
        assert {t.task_spec.bpmn_id for t in timers} >= {"verification_reminder", "verification_escalation"}
    complete(world, case_id, "verify_report", "officer1", VERIFY)
    complete(world, case_id, "conclude_verification", "officer1", CONCLUDE)
    complete(world, case_id, "approve_conclusion", "supervisor1", {"decision": "send_back", "comment": "Lần 4"})
    assert world.ready_task(case_id, "conclude_by_supervisor") is not None, "the fourth send-back goes to the lead"
    assert _count(world, case_id, "task_completed") == 2 + 3 * 4
