"""Follow-up of decisions and conclusions (theo dõi, đôn đốc thi hành): started when a decision takes effect,
with its own deadline, reminder and escalation, and a result the reports count."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from engine.core.models import Case, CaseStatistic, HumanTask
from tests import complaints as k
from tests import denunciations as d
from tests.cases import complete
from tests.petitions import MONDAY_BEFORE_TET, case_data, case_row, local, waiting_timers
from tests.timers import fire_due_timers

RESULT = {"follow_up_result": "partly_done", "checked_on": "2027-04-10", "actions_taken": "Đã thu hồi một phần."}


def follow_ups(world) -> list[Case]:
    with world.factory() as session:
        query = select(Case).where(Case.process_key == "decision_follow_up").order_by(Case.id)
        return list(session.scalars(query))


def concluded_denunciation(world) -> int:
    world.clock.set(MONDAY_BEFORE_TET)
    case_id = d.walk_to_resolution(world)
    d.verify(world, case_id)
    d.conclude(world, case_id)
    d.publicize(world, case_id)
    return case_id


def test_a_denunciation_conclusion_in_force_starts_its_follow_up_in_the_same_unit(world):
    case_id = concluded_denunciation(world)
    origin = case_row(world, case_id)
    assert origin.status == "completed"
    [follow_up] = follow_ups(world)
    assert follow_up.unit_id == origin.unit_id and follow_up.status == "in_progress"
    data = case_data(world, follow_up.id)
    assert data["origin_case"] == origin.tracking_code and data["origin_process"] == "denunciation"
    assert data["conclusion_result"] == "partly_true"
    task = world.ready_task(follow_up.id, "record_follow_up_result")
    assert task is not None and task.lane == "officer"


def test_the_follow_up_is_due_in_30_days_reminds_at_80_percent_and_escalates_when_overdue(world):
    concluded_denunciation(world)
    [follow_up] = follow_ups(world)
    started = world.clock.now()
    timers = waiting_timers(world, follow_up.id)
    deadline = timers["follow_up_escalation"].fire_at
    assert deadline.astimezone(UTC) == (started + timedelta(days=30)).astimezone(UTC)
    assert timers["follow_up_reminder"].fire_at < deadline
    world.clock.set(deadline - timedelta(minutes=1))
    assert fire_due_timers(world.factory, world.services) == 1  # the reminder only
    assert world.ready_task(follow_up.id, "direct_overdue_follow_up") is None
    world.clock.set(deadline + timedelta(minutes=1))
    assert fire_due_timers(world.factory, world.services) == 1
    escalated = world.ready_task(follow_up.id, "direct_overdue_follow_up")
    assert escalated is not None and escalated.lane == "supervisor"
    with world.factory() as session:
        step = session.scalars(
            select(HumanTask).where(HumanTask.case_id == follow_up.id, HumanTask.spec_name == "record_follow_up_result")
        ).one()
        assert step.escalated is True and step.state == "ready"


def test_the_recorded_result_closes_the_follow_up_and_is_kept_for_the_reports(world):
    concluded_denunciation(world)
    [follow_up] = follow_ups(world)
    complete(world, follow_up.id, "record_follow_up_result", "officer1", RESULT)
    assert case_row(world, follow_up.id).status == "completed"
    with world.factory() as session:
        record = session.get(CaseStatistic, follow_up.id).record
    assert record["follow_up_result"] == "partly_done" and record["origin_process"] == "denunciation"


def test_a_complaint_decision_is_followed_up_only_once_the_second_instance_window_has_passed(world):
    world.clock.set(MONDAY_BEFORE_TET)
    case_id = k.start_complaint(world)
    world.clock.set(datetime(2027, 2, 2, 2, 0, tzinfo=UTC))
    k.accept(world, case_id)
    k.resolve(world, case_id)
    assert follow_ups(world) == []
    world.clock.set(local(2027, 3, 28) + timedelta(minutes=1))
    fire_due_timers(world.factory, world.services)
    [follow_up] = follow_ups(world)
    assert case_data(world, follow_up.id)["decision_result"] == "partly_correct"


def test_a_complaint_sent_to_the_second_instance_starts_no_follow_up(world):
    world.clock.set(MONDAY_BEFORE_TET)
    case_id = k.start_complaint(world)
    world.clock.set(datetime(2027, 2, 2, 2, 0, tzinfo=UTC))
    k.accept(world, case_id)
    k.resolve(world, case_id)
    world.clock.set(datetime(2027, 3, 10, 2, 0, tzinfo=UTC))
    k.request_second_instance(world, case_id)
    assert follow_ups(world) == []


def test_a_1374_conclusion_with_a_violation_is_followed_up_and_one_without_is_not(world):
    from tests.cases import CONCLUDE, walk_to_publication

    case_id = walk_to_publication(world, ["writing"], "Đã công khai kết luận.")
    [follow_up] = follow_ups(world)
    data = case_data(world, follow_up.id)
    assert data["origin_case"] == case_row(world, case_id).tracking_code and data["violation"] is True
    assert CONCLUDE["violation"] is True
    clean = walk_to_verification_without_violation(world)
    assert case_row(world, clean).status == "completed" and len(follow_ups(world)) == 1


def walk_to_verification_without_violation(world) -> int:
    from tests.cases import VERIFY, walk_to_verification

    case_id = walk_to_verification(world)
    complete(world, case_id, "verify_report", "officer1", VERIFY)
    conclusion = {"violation": False, "party_sanction": "none", "state_sanction": "none", "conclusion": "Không vi phạm"}
    complete(world, case_id, "conclude_verification", "officer1", conclusion)
    complete(world, case_id, "approve_conclusion", "supervisor1", {"decision": "approve"})
    complete(world, case_id, "publicize_result", "officer1", {"channels": ["writing"], "published_on": "2027-01-15",
                                                             "summary": "Không có vi phạm."})  # fmt: skip
    return case_id
