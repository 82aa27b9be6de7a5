"""In-app notifications: recorded once per event, listed newest first, marked read per person."""

from sqlalchemy import select

from engine.core.db import transaction
from engine.core.models import User
from engine.notifications.enums import NotificationKind
from engine.notifications.inbox import mark_read, notifications_of, notify, unread_count


def _ids(session, *usernames):
    return [session.scalars(select(User.id).where(User.username == name)).one() for name in usernames]


def test_the_same_event_notifies_a_person_once_and_reads_are_personal(world):
    now = world.clock.now()
    with transaction(world.factory) as session:
        officer1, officer2 = _ids(session, "officer1", "officer2")
        first = notify(session, [officer1, officer2], NotificationKind.NEW_TASK, "Việc mới", now=now, dedupe_key="t:1")
        again = notify(session, [officer1], NotificationKind.NEW_TASK, "Việc mới", now=now, dedupe_key="t:1")
        notify(session, [officer1], NotificationKind.REMINDER, "Sắp đến hạn", now=now, dedupe_key="r:1")
    assert len(first) == 2 and again == []
    with transaction(world.factory) as session:
        assert [n.text for n in notifications_of(session, officer1)] == ["Sắp đến hạn", "Việc mới"]
        assert mark_read(session, officer1, now) == 2
        assert unread_count(session, officer1) == 0
        assert unread_count(session, officer2) == 1
        assert notifications_of(session, officer2, unread_only=True)[0].kind == NotificationKind.NEW_TASK


def test_a_disabled_person_gets_nothing_and_mode_off_queues_no_email(world):
    now = world.clock.now()
    with transaction(world.factory) as session:
        officer1, officer2 = _ids(session, "officer1", "officer2")
        users = {u.id: u for u in session.scalars(select(User).where(User.id.in_([officer1, officer2])))}
        users[officer1].is_active = False
        users[officer2].notification_mode = "off"
        recorded = notify(session, [officer1, officer2], NotificationKind.MENTION, "@officer2", now=now)
    assert [(n.user_id, n.email_status) for n in recorded] == [(officer2, "none")]
