"""The worker's start-up question "is anything due?" (engine/due_work.py) answers as the pass itself would: yes
for each kind of work while it waits, no once the pass has done it, no for work that is not due yet."""

from datetime import datetime, timedelta

from sqlalchemy import select, update

from engine.cases.enums import CaseStatus
from engine.cases.scheduler import TimerWorker, WorkerSettings, keep_scheduled_processes_waiting, send_staff_digests
from engine.core.db import transaction
from engine.core.models import Case, CaseTimer, EmailOutbox, Notification, RateLimitHit, User
from engine.due_work import work_due
from engine.federation.enums import MessageKind
from engine.federation.outbox import deliver_outbox, queue_message
from engine.portal.notifications import portal_housekeeping
from tests.engine.test_timer_worker import timer_only_cases
from tests.federation import VAULT, make_instance, register
from tests.notifications import set_preferences


def due(world, *, smtp: bool = False) -> str | None:
    with world.factory.kw["bind"].connect() as connection:
        return work_due(
            connection, now=world.clock.now(), zone=world.services.calendar.zone, smtp=smtp,
            form_max_seconds=world.settings.portal_form_max_seconds,
        )  # fmt: skip


def quiet(world):
    """The world after its first housekeeping (the periodic report's instance waits): nothing is due."""
    keep_scheduled_processes_waiting(world.factory, world.services)
    assert due(world) is None
    return world


def test_a_timer_started_process_without_a_waiting_instance_is_due_until_one_is_started(world):
    assert due(world) == "scheduled process"
    keep_scheduled_processes_waiting(world.factory, world.services)
    assert due(world) is None
    with transaction(world.factory) as session:
        session.execute(update(Case).where(Case.process_key == "periodic_report").values(status=CaseStatus.COMPLETED))
    assert due(world) == "scheduled process", "a finished run needs the next one"


def test_a_timer_is_due_when_it_can_be_claimed_and_not_before(world):
    quiet(world)
    [timer_id] = timer_only_cases(world, 1)
    with world.factory() as session:
        timer = session.get(CaseTimer, timer_id)
    world.clock.set(timer.fire_at - timedelta(microseconds=1))
    assert due(world) is None, "not due yet"
    world.clock.set(timer.fire_at)
    assert due(world) == "timer"

    with transaction(world.factory) as session:
        lease_end = world.clock.now() + timedelta(seconds=60)
        session.execute(update(CaseTimer).values(claimed_by="someone-else", lease_until=lease_end))
    assert due(world) is None, "another worker holds it"
    world.clock.advance(timedelta(seconds=61))
    assert due(world) == "timer", "that worker's lease expired"

    with transaction(world.factory) as session:
        session.execute(update(Case).where(Case.id == timer.case_id).values(status=CaseStatus.SUSPENDED))
    assert due(world) is None, "a suspended case's timer waits for the resumption"
    with transaction(world.factory) as session:
        session.execute(update(Case).where(Case.id == timer.case_id).values(status=CaseStatus.IN_PROGRESS))

    TimerWorker(world.factory, world.services, WorkerSettings(worker_id="w"), interval=3600).drain()
    assert due(world) is None


def test_a_federation_message_is_due_once_the_instance_has_keys_until_it_was_tried(world):
    quiet(world)
    now = world.clock.now()
    district_key = make_instance_key(world)
    make_instance(world.factory, "thanh-pho", now)
    register(world.factory, name="quan-1", url="http://district.test", key=district_key, now=now)
    with transaction(world.factory) as session:
        queue_message(session, peer="quan-1", kind=MessageKind.PROGRESS, body={"n": 1}, now=now)
    assert due(world) == "federation message"

    def down(url: str, body: bytes) -> int:
        raise OSError("connection refused")

    assert deliver_outbox(world.factory, VAULT, now=now, post=down).retried == 1
    assert due(world) is None, "it waits for its backoff"


def make_instance_key(world) -> str:
    """A second instance's public key, made in a throwaway transaction that is rolled back."""
    from engine.federation.keys import create_instance_identity

    with world.factory() as session:
        key = create_instance_identity(session, VAULT, name="quan-1", now=world.clock.now()).public_key
        session.rollback()
    return key


def test_a_digest_is_due_at_the_persons_hour_when_a_notification_waits_and_not_twice(world):
    quiet(world)
    zone = world.services.calendar.zone
    set_preferences(world, "officer1", email="officer1@donvi.gov.vn", mode="digest", hour=10)
    local = world.clock.now().astimezone(zone)
    nine = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), zone).replace(hour=9)
    world.clock.set(nine)
    with transaction(world.factory) as session:
        officer = session.scalars(select(User).where(User.username == "officer1")).one()
        session.add(Notification(user_id=officer.id, kind="reminder", text="Nhắc việc", created_at=nine,
                                 email_status="pending"))  # fmt: skip
    assert due(world) is None, "before the digest hour"
    world.clock.set(nine + timedelta(hours=1))
    assert due(world) == "digest"
    assert send_staff_digests(world.factory, world.services) == 1
    assert due(world) is None, "one a day"


def test_portal_mail_is_due_only_with_an_smtp_host_and_old_guard_rows_are_due_for_pruning(world):
    quiet(world)
    now = world.clock.now()
    with transaction(world.factory) as session:
        session.add(EmailOutbox(recipient="dan@example.vn", subject="s", body="b", status="pending", created_at=now,
                                next_attempt_at=now + timedelta(minutes=1)))  # fmt: skip
    assert due(world, smtp=True) is None, "not yet due"
    world.clock.advance(timedelta(minutes=1))
    assert due(world, smtp=True) == "portal"
    assert due(world) is None, "without an SMTP host the e-mail waits"

    with transaction(world.factory) as session:
        session.add(RateLimitHit(key="login:127.0.0.1", window_start=now - timedelta(days=2), count=1))
    assert due(world) == "portal"
    portal_housekeeping(world.factory, world.settings, world.clock.now())
    assert due(world) is None
