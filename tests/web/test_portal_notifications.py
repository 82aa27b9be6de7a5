"""E-mail subscriptions: queued in the outbox with the change, sent over SMTP (an aiosmtpd sink), retried on errors."""

import email
import email.policy
import re
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from engine.cases.runtime import CaseRuntime
from engine.core.models import CaseSubscription, EmailOutbox, RateLimitHit, UsedFormToken
from engine.portal.notifications import portal_housekeeping, send_pending_messages
from tests.cases import SCREEN_IN, complete
from tests.factories import World
from tests.portal import file_on_portal, form_token, look_up, portal_client
from tests.processes import free_port


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, _server, _session, envelope) -> str:
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


@pytest.fixture
def smtp_sink():
    """A local SMTP server on a free port; yields (port, inbox)."""
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, inbox
    controller.stop()


def _subscribed_case(world: World, address: str = "dan@example.org") -> tuple[int, str]:
    """A report filed on the portal in unit d1, with ``address`` subscribed from the status page."""
    with portal_client(world) as client:
        code, secret = file_on_portal(client, world, unit="d1")
        status = look_up(client, code, secret)
        case_id = int(re.search(r'name="case_id" value="(\d+)"', status.text).group(1))
        answer = client.post(
            "/portal/theo-doi", data={"case_id": case_id, "email": address, "form_token": form_token(status.text)}
        )
    assert answer.status_code == 200 and "Đã đăng ký" in answer.text
    return case_id, code


def _outbox(world: World) -> list[EmailOutbox]:
    with world.factory() as session:
        return list(session.scalars(select(EmailOutbox).order_by(EmailOutbox.id)))


def test_a_step_change_queues_a_message_with_code_step_deadline_and_unsubscribe_link(world):
    case_id, code = _subscribed_case(world)
    assert _outbox(world) == []
    complete(world, case_id, "screen_report", "officer1", SCREEN_IN)
    [message] = _outbox(world)
    assert message.recipient == "dan@example.org" and message.status == "pending"
    assert code in message.body and "Phân công xác minh" in message.body and "/portal/huy-dang-ky/" in message.body
    for private in ("officer1", "lead1", "Nguyễn Văn Bị", "Lê Thị Người Gửi"):
        assert private not in message.body


def test_nothing_is_queued_when_the_change_is_rolled_back(world):
    case_id, _ = _subscribed_case(world)
    task = world.ready_task(case_id, "screen_report")
    with world.factory() as session:
        CaseRuntime(session, world.services).complete_task(world.actor("officer1"), task.id, SCREEN_IN)
        assert len(list(session.scalars(select(EmailOutbox)))) == 1, "queued in the change's transaction"
        session.rollback()
    assert _outbox(world) == []


def test_pending_messages_are_sent_over_smtp(world, smtp_sink):
    port, inbox = smtp_sink
    case_id, code = _subscribed_case(world)
    complete(world, case_id, "screen_report", "officer1", SCREEN_IN)
    settings = world.settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": port})
    assert send_pending_messages(world.factory, settings, world.clock.now()) == 1
    [received] = inbox.messages
    assert received["To"] == "dan@example.org" and code in received["Subject"]
    assert "Phân công xác minh" in received.get_content()
    [message] = _outbox(world)
    assert message.status == "sent" and message.sent_at is not None and message.attempts == 1
    assert send_pending_messages(world.factory, settings, world.clock.now()) == 0, "sent once"


def test_sending_is_off_while_no_smtp_host_is_set_and_the_message_waits(world):
    case_id, _ = _subscribed_case(world)
    complete(world, case_id, "screen_report", "officer1", SCREEN_IN)
    assert send_pending_messages(world.factory, world.settings, world.clock.now()) == 0
    assert [m.status for m in _outbox(world)] == ["pending"]


def test_a_failed_send_is_recorded_and_retried_later_and_never_lost(world):
    case_id, _ = _subscribed_case(world)
    complete(world, case_id, "screen_report", "officer1", SCREEN_IN)
    closed_port = free_port()
    settings = world.settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": closed_port, "smtp_max_attempts": 2}
    )
    assert send_pending_messages(world.factory, settings, world.clock.now()) == 0
    [message] = _outbox(world)
    assert message.status == "pending" and message.attempts == 1 and message.last_error
    assert send_pending_messages(world.factory, settings, world.clock.now()) == 0, "not before the retry time"
    assert _outbox(world)[0].attempts == 1
    world.clock.advance(timedelta(hours=1))
    send_pending_messages(world.factory, settings, world.clock.now())
    [message] = _outbox(world)
    assert message.status == "failed" and message.attempts == 2 and "Error" in message.last_error


def test_the_unsubscribe_link_stops_the_messages(world):
    case_id, _ = _subscribed_case(world)
    with world.factory() as session:
        token = session.scalars(select(CaseSubscription.unsubscribe_token)).one()
    with portal_client(world) as client:
        assert client.get(f"/portal/huy-dang-ky/{token}").status_code == 200
        done = client.post(f"/portal/huy-dang-ky/{token}")
    assert done.status_code == 200 and "đã hủy" in done.text
    complete(world, case_id, "screen_report", "officer1", SCREEN_IN)
    assert _outbox(world) == []


def test_a_subscription_needs_the_token_of_that_case_status_page(world):
    case_id, _ = _subscribed_case(world)
    with portal_client(world) as client:
        token = form_token(client.get("/portal/tra-cuu").text)
        forged = client.post(
            "/portal/theo-doi", data={"case_id": case_id, "email": "x@example.org", "form_token": token}
        )
    assert forged.status_code == 400
    with world.factory() as session:
        assert [s.email for s in session.scalars(select(CaseSubscription))] == ["dan@example.org"]


def test_housekeeping_sends_mail_and_prunes_old_rate_limit_counters_and_spent_tokens(world, smtp_sink):
    port, inbox = smtp_sink
    case_id, _ = _subscribed_case(world)
    complete(world, case_id, "screen_report", "officer1", SCREEN_IN)
    with world.factory() as session:
        assert session.scalars(select(RateLimitHit)).first() is not None
        assert session.scalars(select(UsedFormToken)).first() is not None
    world.clock.advance(timedelta(days=2))
    settings = world.settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": port})
    assert portal_housekeeping(world.factory, settings, world.clock.now()) == 1 and len(inbox.messages) == 1
    with world.factory() as session:
        assert session.scalars(select(RateLimitHit)).first() is None
        assert session.scalars(select(UsedFormToken)).first() is None
