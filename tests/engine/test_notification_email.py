"""Staff e-mail through the outbox and an SMTP sink: one message per notification, or one digest a day; none
lost or doubled while SMTP is down; failed ones reported by the doctor and on the admins' notifications page."""

import email
import email.policy
from datetime import datetime, timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from engine.cases.scheduler import send_staff_digests
from engine.core.db import transaction
from engine.core.models import CaseTimer, HumanTask, Notification
from engine.doctor import check_outbox
from engine.notifications.enums import NotificationKind as Kind
from engine.portal.notifications import send_pending_messages
from tests.cases import SCREEN_IN, assign_data, complete, start_report
from tests.notifications import kinds_of, notifications_of, outbox, set_preferences
from tests.processes import free_port
from tests.timers import fire_due_timers

SECOND = timedelta(seconds=1)
OFFICER1 = "officer1@donvi.gov.vn"


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, _server, _session, envelope) -> str:
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        """The messages received for one address, in order."""
        return [m for m in self.messages if m["To"] == address]


class SmtpSink:
    """A local SMTP server on a fixed free port that can be stopped (SMTP down) and started again."""

    def __init__(self) -> None:
        self.inbox, self.port = Inbox(), free_port()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def sink():
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


def _smtp(world, sink: SmtpSink, **changes):
    return world.settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": sink.port, **changes})


def _send(world, settings) -> int:
    return send_pending_messages(world.factory, settings, world.clock.now())


def _timers(world, case_id: int) -> dict[str, CaseTimer]:
    with world.factory() as session:
        return {t.role: t for t in session.scalars(select(CaseTimer).where(CaseTimer.case_id == case_id))}


def _screened_case(world) -> int:
    """A screened case waiting for the team lead to assign its verification."""
    case_id = start_report(world)
    complete(world, case_id, "screen_report", "officer1", SCREEN_IN)
    return case_id


def _assign(world, case_id: int, days: int = 10, day_type: str = "working") -> None:
    complete(world, case_id, "assign_verification", "lead1", assign_data(days, day_type))


def _fire(world, case_id: int, role: str) -> None:
    world.clock.set(max(world.clock.now(), _timers(world, case_id)[role].fire_at + SECOND))
    assert fire_due_timers(world.factory, world.services) == 1


def test_immediate_mode_mails_the_assignment_the_reminder_and_the_escalation_once_each(world, sink):
    case_id = _screened_case(world)
    set_preferences(world, "officer1", email=OFFICER1)
    _assign(world, case_id)
    _fire(world, case_id, "reminder")
    _fire(world, case_id, "escalation")
    settings = _smtp(world, sink)
    assert _send(world, settings) == len(outbox(world))
    assert _send(world, settings) == 0, "nothing sent twice"
    received = sink.inbox.to(OFFICER1)
    subjects = [m["Subject"] for m in received]
    assert [s.split(" – ")[0] for s in subjects] == [
        "Phản Ánh: Được giao việc", "Phản Ánh: Nhắc hạn", "Phản Ánh: Quá hạn",
    ]  # fmt: skip
    bodies = [m.get_content() for m in received]
    task_id = world.ready_task(case_id, "verify_report").id
    assert all("«Xác minh»" in body for body in bodies)
    assert f"http://127.0.0.1:8000/tasks/{task_id}" in bodies[0]
    assert {n.email_status for n in notifications_of(world, "officer1") if n.kind != Kind.NEW_TASK} == {"queued"}


def test_without_an_address_or_with_mode_off_nothing_is_mailed_but_the_app_keeps_everything(world, sink):
    case_id = _screened_case(world)
    set_preferences(world, "officer1", email=OFFICER1, mode="off")
    _assign(world, case_id)
    _fire(world, case_id, "reminder")
    assert outbox(world) == []
    assert kinds_of(world, "officer1")[-2:] == [Kind.TASK_ASSIGNED, Kind.REMINDER]
    assert [n.email_status for n in notifications_of(world, "officer2")] == ["skipped"], "no address"


def test_the_digest_lists_every_waiting_notification_in_one_email_a_day_at_the_persons_hour(world, sink):
    zone = world.services.calendar.zone
    case_id = _screened_case(world)
    set_preferences(world, "officer1", email=OFFICER1, mode="digest", hour=10)
    _assign(world, case_id, days=1, day_type="calendar")  # Monday 09:00 local: before the digest hour
    assigned_at = world.clock.now().astimezone(zone)
    assert (assigned_at.hour, assigned_at.weekday()) == (9, 0)
    assert send_staff_digests(world.factory, world.services) == 0, "not before the hour"
    assert outbox(world) == []
    _fire(world, case_id, "reminder")
    _fire(world, case_id, "escalation")
    world.clock.set(
        datetime.combine(assigned_at.date() + timedelta(days=1), datetime.min.time(), zone).replace(hour=10)
    )
    assert send_staff_digests(world.factory, world.services) == 1
    world.clock.advance(timedelta(hours=8))
    assert send_staff_digests(world.factory, world.services) == 0, "one a day"
    settings = _smtp(world, sink)
    _send(world, settings)
    [digest] = sink.inbox.to(OFFICER1)
    body = digest.get_content()
    assert (
        "tổng hợp thông báo" in digest["Subject"] and f"{assigned_at + timedelta(days=1):%d/%m/%Y}" in digest["Subject"]
    )
    assert body.count("\n- ") == 3
    assert "được giao" in body and "Nhắc hạn" in body and "Quá hạn" in body
    assert {n.email_status for n in notifications_of(world, "officer1") if n.kind != Kind.NEW_TASK} == {"queued"}
    world.clock.advance(timedelta(days=1))
    assert send_staff_digests(world.factory, world.services) == 0, "nothing new is waiting"


def test_messages_queued_while_smtp_is_down_all_arrive_once_it_is_back(world, sink):
    case_id = _screened_case(world)
    set_preferences(world, "officer1", email=OFFICER1)
    set_preferences(world, "supervisor1", email="supervisor1@donvi.gov.vn")
    _assign(world, case_id)
    _fire(world, case_id, "reminder")
    _fire(world, case_id, "escalation")
    queued = len(outbox(world))
    assert queued == 4, "officer1: assigned, reminder, overdue; supervisor1: escalation"
    sink.stop()
    settings = _smtp(world, sink, smtp_max_attempts=5)
    for _ in range(3):  # down for a while: every attempt fails, each message waits for its next try
        assert _send(world, settings) == 0
        world.clock.advance(timedelta(minutes=10))
    assert {m.status for m in outbox(world)} == {"pending"} and all(m.last_error for m in outbox(world))
    sink.start()
    world.clock.advance(timedelta(hours=1))
    assert _send(world, settings) == queued
    assert _send(world, settings) == 0
    assert len(sink.inbox.to(OFFICER1)) == 3 and len(sink.inbox.to("supervisor1@donvi.gov.vn")) == 1
    assert {m.status for m in outbox(world)} == {"sent"}


def test_a_message_that_failed_for_good_is_reported(world, sink, web):
    case_id = _screened_case(world)
    set_preferences(world, "officer1", email=OFFICER1)
    _assign(world, case_id)
    sink.stop()
    settings = _smtp(world, sink, smtp_max_attempts=1)
    _send(world, settings)
    assert [m.status for m in outbox(world)] == ["failed"]
    with world.factory() as session:
        [finding] = check_outbox(session)
    assert not finding.ok and "1 e-mail(s) failed" in finding.message
    admin_page = web().login("admin1").get("/notifications")
    assert 'id="failed-emails"' in admin_page.text and "1 thư điện tử gửi không thành công" in admin_page.text
    assert 'id="failed-emails"' not in web().login("officer1").get("/notifications").text


def test_a_notification_for_a_digest_without_an_address_is_skipped_not_kept_waiting(world):
    case_id = _screened_case(world)
    set_preferences(world, "officer1", email=None, mode="digest", hour=10)
    _assign(world, case_id)
    with transaction(world.factory) as session:
        waiting = session.scalars(select(Notification).where(Notification.email_status == "pending")).all()
    assert waiting == []
    world.clock.advance(timedelta(days=1))
    assert send_staff_digests(world.factory, world.services) == 0
    assert outbox(world) == []


def test_a_step_without_a_bpmn_name_is_mailed_as_a_processing_step_never_as_its_id(world):
    case_id = _screened_case(world)
    set_preferences(world, "officer1", email=OFFICER1)
    set_preferences(world, "supervisor1", email="supervisor1@donvi.gov.vn")
    _assign(world, case_id)
    with transaction(world.factory) as session:  # what the task index stores for a user task the BPMN left unnamed
        task = session.get(HumanTask, world.ready_task(case_id, "verify_report").id)
        task.name = task.spec_name
    _fire(world, case_id, "reminder")
    _fire(world, case_id, "escalation")
    mailed = outbox(world)[-3:]  # the reminder and the overdue notice to the officer, the escalation
    assert len(mailed) == 3
    for message in mailed:
        assert "một bước xử lý" in message.body and "verify_report" not in message.body + message.subject
    texts = [n.text for n in notifications_of(world, "officer1")[-2:] + notifications_of(world, "supervisor1")]
    assert all("một bước xử lý" in text and "verify_report" not in text for text in texts)
