"""Staff are told about new, assigned, sent-back, nearly due and overdue steps: once each, in Vietnamese, with
the step's name, the tracking code and the deadline, and never a protected identity."""

from datetime import timedelta

from sqlalchemy import event, select

from engine.cases.runtime import CaseRuntime
from engine.core.db import transaction
from engine.core.models import Case, CaseTimer, EmailOutbox, HumanTask, Notification
from engine.notifications.enums import NotificationKind as Kind
from engine.notifications.events import steps_done
from engine.notifications.inbox import notify_group
from engine.presentation.labels import step_phrase
from tests import denunciations as d
from tests.cases import CONCLUDE, SCREEN_IN, VERIFY, complete, start_report, walk_to_verification
from tests.engine.test_runtime import deploy_fixture
from tests.notifications import kinds_of, notifications_of, set_preferences
from tests.timers import fire_due_timers

SECOND = timedelta(seconds=1)


def _code(world, case_id: int) -> str:
    with world.factory() as session:
        return session.get(Case, case_id).tracking_code


def _timers(world, case_id: int) -> dict[str, CaseTimer]:
    with world.factory() as session:
        return {t.role: t for t in session.scalars(select(CaseTimer).where(CaseTimer.case_id == case_id))}


def test_a_new_group_task_notifies_everyone_who_could_claim_it_and_nobody_else(world):
    case_id = start_report(world)
    code, task = _code(world, case_id), world.ready_task(case_id, "screen_report")
    [for_officer1] = notifications_of(world, "officer1")
    assert for_officer1.kind == Kind.NEW_TASK and for_officer1.link == f"/tasks/{task.id}"
    assert "«Phân loại, sàng lọc»" in for_officer1.text and code in for_officer1.text
    assert "screen_report" not in for_officer1.text
    assert kinds_of(world, "officer2") == [Kind.NEW_TASK]
    for outsider in ("lead1", "supervisor1", "officer_d2", "admin1"):
        assert kinds_of(world, outsider) == [], outsider


def test_a_task_opened_for_a_named_person_tells_them_with_its_deadline(world):
    start = world.clock.now()
    case_id = walk_to_verification(world, days=10)
    deadline = world.services.calendar.add_working_days(start, 10).astimezone(world.services.calendar.zone)
    assigned = notifications_of(world, "officer1")[-1]
    assert assigned.kind == Kind.TASK_ASSIGNED
    assert "«Xác minh»" in assigned.text and _code(world, case_id) in assigned.text
    assert f"{deadline:%d/%m/%Y}" in assigned.text
    assert Kind.TASK_ASSIGNED not in kinds_of(world, "officer2")
    assert kinds_of(world, "lead1") == [Kind.NEW_TASK], "the lead's group task: Phân công xác minh"


def test_reassigning_a_task_tells_the_new_assignee_once(world):
    case_id = start_report(world)
    complete(world, case_id, "screen_report", "officer1", SCREEN_IN)
    task = world.ready_task(case_id, "assign_verification")
    set_preferences(world, "lead1", email=None)
    with transaction(world.factory) as session:
        runtime = CaseRuntime(session, world.services)
        runtime.assign_task(world.actor("supervisor1"), task.id, "lead1")
    with transaction(world.factory) as session:
        CaseRuntime(session, world.services).assign_task(world.actor("supervisor1"), task.id, "lead1")
    assert kinds_of(world, "lead1") == [Kind.NEW_TASK, Kind.TASK_ASSIGNED]


def test_reminder_overdue_and_escalation_each_notify_once_when_their_timers_fire(world):
    case_id = walk_to_verification(world, days=10)
    timers, code = _timers(world, case_id), _code(world, case_id)
    world.clock.set(timers["reminder"].fire_at + SECOND)
    assert fire_due_timers(world.factory, world.services) == 1
    reminder = notifications_of(world, "officer1")[-1]
    assert reminder.kind == Kind.REMINDER and "80%" in reminder.text and code in reminder.text
    world.clock.set(timers["escalation"].fire_at + SECOND)
    assert fire_due_timers(world.factory, world.services) == 1
    assert fire_due_timers(world.factory, world.services) == 0
    assert kinds_of(world, "officer1")[-3:] == [Kind.TASK_ASSIGNED, Kind.REMINDER, Kind.OVERDUE]
    [escalation] = notifications_of(world, "supervisor1")
    assert escalation.kind == Kind.ESCALATION and "«Xác minh»" in escalation.text and code in escalation.text
    assert escalation.link == f"/cases/{case_id}"
    assert kinds_of(world, "officer2") == [Kind.NEW_TASK], "only the screening's group task"
    assert kinds_of(world, "supervisor_d2") == []


def test_a_conclusion_sent_back_tells_the_officer_who_verified_it(world):
    case_id = walk_to_verification(world)
    complete(world, case_id, "verify_report", "officer1", VERIFY)
    complete(world, case_id, "conclude_verification", "officer1", CONCLUDE)
    complete(world, case_id, "approve_conclusion", "supervisor1", {"decision": "send_back", "comment": "Thiếu"})
    sent_back = notifications_of(world, "officer1")[-1]
    task = world.ready_task(case_id, "verify_report")
    assert sent_back.kind == Kind.SENT_BACK and sent_back.link == f"/tasks/{task.id}"
    assert "trả lại" in sent_back.text and "«Xác minh»" in sent_back.text
    assert kinds_of(world, "officer1").count(Kind.SENT_BACK) == 1


def test_a_notification_rolled_back_with_its_change_never_existed(world):
    case_id = start_report(world)
    task = world.ready_task(case_id, "screen_report")
    with world.factory() as session:
        CaseRuntime(session, world.services).complete_task(world.actor("officer1"), task.id, SCREEN_IN)
        assert session.scalars(select(Notification).where(Notification.kind == Kind.NEW_TASK)).all()
        session.rollback()
    assert kinds_of(world, "lead1") == []


def test_no_notification_or_email_names_a_protected_denouncer(world):
    for username in ("officer1", "supervisor1"):
        set_preferences(world, username, email=f"{username}@donvi.gov.vn")
    case_id = d.start_denunciation(world)
    d.accept(world, case_id)
    d.notify(world, case_id)
    d.extend(world, case_id)
    world.clock.advance(timedelta(days=120))
    fire_due_timers(world.factory, world.services)
    with world.factory() as session:
        texts = [n.text for n in session.scalars(select(Notification).where(Notification.case_id == case_id))]
        mails = [f"{m.subject}\n{m.body}" for m in session.scalars(select(EmailOutbox))]
    assert len(texts) >= 5 and len(mails) >= 5
    assert any(Kind.SENT_BACK in k for k in kinds_of(world, "officer1")), "verification reopened after extension"
    for text in texts + mails:
        for secret in ("Trần Thị Y", "0900000000", "12 Lê Lợi"):
            assert secret not in text, text


def test_a_step_is_named_by_its_bpmn_name_or_as_a_processing_step_never_by_its_id():
    assert step_phrase("Xác minh", "verify_report") == "bước «Xác minh»"
    assert step_phrase("verify_report", "verify_report") == "một bước xử lý"
    assert step_phrase("", "verify_report") == step_phrase(None, None) == "một bước xử lý"
    assert step_phrase(None, "verify_report", "en") == "a processing step"


def _statements_while(world, action) -> list[str]:
    seen: list[str] = []
    engine = world.factory.kw["bind"]

    def record(_conn, _cursor, statement, _params, _context, _many) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def test_a_step_opening_for_the_first_time_does_not_ask_who_completed_it_before(world):
    case_id = start_report(world)
    seen = _statements_while(world, lambda: complete(world, case_id, "screen_report", "officer1", SCREEN_IN))
    assert world.ready_task(case_id, "assign_verification") is not None, "a new task was opened and notified"
    assert kinds_of(world, "lead1") == [Kind.NEW_TASK]
    assert not [s for s in seen if s.lstrip().startswith("SELECT human_tasks.completed_by")]


def test_every_step_with_a_completed_task_row_is_done_in_the_pruned_workflow(world):
    deploy_fixture(world, "long_checklist.bpmn")
    case_id = start_report(world, data={"title": "Danh mục dài", "rounds": 40}, process_key="long_checklist")
    for done in range(1, 30):
        complete(world, case_id, "check_item", "officer1", {"remark": f"mục {done}"})
        with world.factory() as session:
            case = session.get(Case, case_id)
            workflow = CaseRuntime(session, world.services)._load_workflow(case)
            query = select(HumanTask.spec_name).where(HumanTask.case_id == case_id, HumanTask.state == "completed")
            assert set(session.scalars(query)) <= steps_done(workflow), done


def test_a_new_group_task_reads_its_people_with_their_preferences_in_one_statement_and_tells_them_once(world):
    case_id = start_report(world)
    complete(world, case_id, "screen_report", "officer1", SCREEN_IN)
    task = world.ready_task(case_id, "assign_verification")
    with transaction(world.factory) as session:
        again = lambda: notify_group(  # noqa: E731  the same event raised once more
            session, role=task.lane, unit_id=task.unit_id, kind=Kind.NEW_TASK, text="x", now=world.clock.now(),
            case_id=case_id, link="", dedupe_key=f"new_task:{task.id}",
        )  # fmt: skip
        seen = _statements_while(world, again)
    assert len([s for s in seen if "FROM users" in s]) == 1
    assert kinds_of(world, "lead1") == [Kind.NEW_TASK], "told once, with the first notice"
