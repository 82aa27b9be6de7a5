"""The audit chain detects any rewritten, removed or reordered event."""

from sqlalchemy import delete, select, update

from engine.cases.audit import GENESIS_HASH, canonical_json, verify_chain
from engine.core.models import AuditEvent
from tests.cases import SCREEN_IN, complete, start_report


def case_with_history(world) -> int:
    case_id = start_report(world)
    complete(world, case_id, "screen_report", "officer1", SCREEN_IN)
    return case_id


def test_an_untouched_history_verifies(world):
    case_id = case_with_history(world)
    with world.factory() as session:
        verdict = verify_chain(session, case_id)
        first = session.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id, AuditEvent.seq == 1)).one()
    assert verdict.valid and verdict.count >= 4
    assert first.prev_hash == GENESIS_HASH


def test_a_rewritten_payload_breaks_the_chain_at_that_event(world):
    case_id = case_with_history(world)
    with world.factory() as session:
        session.execute(
            update(AuditEvent)
            .where(AuditEvent.case_id == case_id, AuditEvent.seq == 2)
            .values(payload={"task": "screen_report", "lane": "officer", "assignee": "someone-else"})
        )
        session.commit()
        verdict = verify_chain(session, case_id)
    assert not verdict.valid and verdict.broken_at_seq == 2


def test_a_removed_event_breaks_the_chain(world, api):
    case_id = case_with_history(world)
    with world.factory() as session:
        session.execute(delete(AuditEvent).where(AuditEvent.case_id == case_id, AuditEvent.seq == 3))
        session.commit()
    verdict = api.get(f"/api/cases/{case_id}/events/verify", "supervisor1").json()
    assert verdict["valid"] is False and verdict["broken_at_seq"] == 4


def test_canonical_json_is_independent_of_key_order():
    assert canonical_json({"b": 1, "a": "ư"}) == canonical_json({"a": "ư", "b": 1}) == '{"a":"ư","b":1}'


def test_deleting_the_newest_events_is_caught_by_the_stored_head(world, api):
    case_id = case_with_history(world)
    with world.factory() as session:
        last = session.scalar(
            select(AuditEvent.seq).where(AuditEvent.case_id == case_id).order_by(AuditEvent.seq.desc())
        )
        session.execute(delete(AuditEvent).where(AuditEvent.case_id == case_id, AuditEvent.seq >= last - 1))
        session.commit()
    verdict = api.get(f"/api/cases/{case_id}/events/verify", "supervisor1").json()
    assert verdict["valid"] is False and verdict["broken_at_seq"] == last - 1
