"""Messages between instances: queued with the change, signed, delivered with retries, received exactly once."""

import json
from datetime import timedelta

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import func, select

from engine.core.db import transaction
from engine.core.errors import BadRequest, Conflict
from engine.core.models import FederationInbox, FederationOutbox, FederationRefusal
from engine.core.settings import PROJECT_ROOT
from engine.federation.enums import MessageKind, OutboxStatus, RefusalReason
from engine.federation.envelope import Envelope, sign_envelope
from engine.federation.inbox import MalformedMessage, MessageRefused, receive_message
from engine.federation.keys import open_instance_keys, parse_public_key
from engine.federation.outbox import deliver_outbox, queue_message, retry_now
from engine.federation.peers import add_peer
from engine.federation.sealing import open_part, seal_part
from tests.federation import VAULT, factory_of, make_instance, other_database, register

CITY, DISTRICT = "thanh-pho", "quan-1"


@pytest.fixture
def pair(world, request, tmp_path):
    """The world's database as the city instance and a second database as district instance, peers of each other."""
    with other_database(request, tmp_path, world.settings.database_url) as url:
        district = factory_of(url)
        now = world.clock.now()
        city_key = make_instance(world.factory, CITY, now)
        district_key = make_instance(district, DISTRICT, now)
        register(world.factory, name=DISTRICT, url="http://district.test", key=district_key, now=now)
        register(district, name=CITY, url="http://city.test", key=city_key, now=now)
        yield world, district
        district.kw["bind"].dispose()


def poster_into(factory, clock, log=None, services=None):
    """A Poster that hands each message to the receiving instance's ``receive_message`` and answers its status."""

    def post(url: str, body: bytes) -> int:
        wire = json.loads(body)
        if log is not None:
            log.append(wire)
        try:
            receive_message(factory, services, wire, now=clock.now(), remote_address="127.0.0.1")
        except MessageRefused:
            return 401
        return 202

    return post


def send_all(world, district, sent: list | None = None):
    """One outbox pass of the city into the district (in process)."""
    post = poster_into(district, world.clock, sent, world.services)
    return deliver_outbox(world.factory, VAULT, now=world.clock.now(), post=post)


def down(url: str, body: bytes) -> int:
    raise OSError("connection refused")


def queue(world, count: int, kind=MessageKind.PROGRESS) -> list[str]:
    with transaction(world.factory) as session:
        return [
            queue_message(session, peer=DISTRICT, kind=kind, body={"n": n, "text": "Đã xác minh"},
                          now=world.clock.now()).message_id
            for n in range(count)
        ]  # fmt: skip


def inbox_count(factory) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(FederationInbox))


def test_a_queued_message_is_delivered_signed_and_kept_once_even_when_delivered_again(pair):
    world, district = pair
    sent: list[dict] = []
    [message_id] = queue(world, 1)
    done = deliver_outbox(
        world.factory, VAULT, now=world.clock.now(), post=poster_into(district, world.clock, sent, world.services)
    )
    assert (done.delivered, done.retried) == (1, 0)
    assert sent[0]["sender"] == CITY and sent[0]["recipient"] == DISTRICT and sent[0]["body"]["text"] == "Đã xác minh"
    receipt = receive_message(district, world.services, sent[0], now=world.clock.now(), remote_address=None)
    assert receipt.duplicate and receipt.message_id == message_id
    assert inbox_count(district) == 1
    with world.factory() as session:
        row = session.scalars(select(FederationOutbox)).one()
        assert (row.status, row.attempts, row.delivered_at) == (OutboxStatus.DELIVERED, 1, world.clock.now())
    again = deliver_outbox(
        world.factory, VAULT, now=world.clock.now(), post=poster_into(district, world.clock, services=world.services)
    )
    assert (again.delivered, again.retried) == (0, 0)


def test_a_change_rolled_back_sends_nothing(pair):
    world, district = pair
    with pytest.raises(RuntimeError), transaction(world.factory) as session:
        queue_message(session, peer=DISTRICT, kind=MessageKind.TRANSFER, body={}, now=world.clock.now())
        raise RuntimeError("the change failed")
    with world.factory() as session:
        assert session.scalar(select(func.count()).select_from(FederationOutbox)) == 0


def test_while_the_peer_is_down_messages_wait_with_growing_backoff_then_all_arrive_once(pair):
    world, district = pair
    queue(world, 30)
    first = deliver_outbox(world.factory, VAULT, now=world.clock.now(), post=down)
    assert (first.delivered, first.retried) == (0, 30)
    assert deliver_outbox(world.factory, VAULT, now=world.clock.now(), post=down).retried == 0  # not due yet
    world.clock.advance(timedelta(seconds=2))
    assert deliver_outbox(world.factory, VAULT, now=world.clock.now(), post=down).retried == 30
    with world.factory() as session:
        rows = session.scalars(select(FederationOutbox)).all()
        assert {r.attempts for r in rows} == {2}
        assert {r.next_attempt_at for r in rows} == {world.clock.now() + timedelta(seconds=4)}
        assert all("không kết nối được" in r.last_error for r in rows)
    with transaction(world.factory) as session:
        assert retry_now(session, peer=DISTRICT, now=world.clock.now()) == 30
    done = deliver_outbox(
        world.factory, VAULT, now=world.clock.now(), post=poster_into(district, world.clock, services=world.services)
    )
    assert (done.delivered, done.retried) == (30, 0)
    with district() as session:
        bodies = sorted(m.body["n"] for m in session.scalars(select(FederationInbox)))
    assert bodies == list(range(30))


def _signed_by_city(world, district, **changes):
    with world.factory() as session:
        keys = open_instance_keys(session, VAULT)
    envelope = Envelope("m-1", CITY, DISTRICT, MessageKind.RESULT, world.clock.now(), {"result": "đã giải quyết"})
    wire = sign_envelope(envelope, keys.signing_key)
    wire.update(changes)
    return wire


def _refusals(factory) -> list[str]:
    with factory() as session:
        return [r.reason for r in session.scalars(select(FederationRefusal).order_by(FederationRefusal.id))]


def test_a_tampered_message_is_refused_recorded_and_not_kept(pair):
    world, district = pair
    wire = _signed_by_city(world, district, body={"result": "không giải quyết"})
    with pytest.raises(MessageRefused, match="signature"):
        receive_message(district, world.services, wire, now=world.clock.now(), remote_address="10.0.0.9")
    assert _refusals(district) == [RefusalReason.BAD_SIGNATURE] and inbox_count(district) == 0


def test_a_message_signed_by_an_unknown_key_is_refused_and_recorded(pair, request, tmp_path):
    world, district = pair
    with other_database(request, tmp_path, world.settings.database_url, "stranger") as url:
        stranger = factory_of(url)
        make_instance(stranger, "la-mat", world.clock.now())
        with stranger() as session:
            keys = open_instance_keys(session, VAULT)
        stranger.kw["bind"].dispose()
    wire = sign_envelope(Envelope("m-2", "la-mat", DISTRICT, MessageKind.TRANSFER, world.clock.now(), {}),
                         keys.signing_key)  # fmt: skip
    with pytest.raises(MessageRefused, match="not a registered peer"):
        receive_message(district, world.services, wire, now=world.clock.now(), remote_address=None)
    impostor = sign_envelope(Envelope("m-3", CITY, DISTRICT, MessageKind.TRANSFER, world.clock.now(), {}),
                             keys.signing_key)  # fmt: skip
    with pytest.raises(MessageRefused, match="signature"):
        receive_message(district, world.services, impostor, now=world.clock.now(), remote_address=None)
    assert _refusals(district) == [RefusalReason.UNKNOWN_PEER, RefusalReason.BAD_SIGNATURE]


def test_a_stale_message_and_one_for_another_instance_are_refused(pair):
    world, district = pair
    stale = _signed_by_city(world, district)
    with pytest.raises(MessageRefused, match="five minutes"):
        receive_message(
            district, world.services, stale, now=world.clock.now() + timedelta(minutes=6), remote_address=None
        )
    with world.factory() as session:
        keys = open_instance_keys(session, VAULT)
    elsewhere = sign_envelope(Envelope("m-4", CITY, "quan-3", MessageKind.RESULT, world.clock.now(), {}),
                              keys.signing_key)  # fmt: skip
    with pytest.raises(MessageRefused, match="addressed to 'quan-3'"):
        receive_message(district, world.services, elsewhere, now=world.clock.now(), remote_address=None)
    assert _refusals(district) == [RefusalReason.OUTSIDE_WINDOW, RefusalReason.WRONG_RECIPIENT]


@pytest.mark.parametrize(
    "wire, problem",
    [([1, 2], "not a JSON object"), ({"format": "x"}, "missing field"),
     ({"format": "phananh-federation/1", "message_id": "m", "sender": "a", "recipient": "b", "kind": "gossip",
       "sent_at": "2026-11-30T10:00:00+00:00", "body": {}, "signature": "AA"}, "bad kind")],
)  # fmt: skip
def test_something_that_is_no_envelope_is_a_bad_request(pair, wire, problem):
    world, district = pair
    with pytest.raises(MalformedMessage, match=problem):
        receive_message(district, world.services, wire, now=world.clock.now(), remote_address=None)


def test_a_sealed_part_opens_only_at_the_instance_it_was_sealed_for(pair):
    world, district = pair
    with world.factory() as session:
        city_keys = open_instance_keys(session, VAULT)
    with district() as session:
        district_keys = open_instance_keys(session, VAULT)
    sealed = seal_part(
        "Nguyễn Văn A, 0903 123 456".encode(), recipient_key=parse_public_key(district_keys.public_key).exchange_key,
        recipient=DISTRICT,
    )  # fmt: skip
    assert "Nguyễn" not in json.dumps(sealed, ensure_ascii=False)
    assert (
        open_part(sealed, key=district_keys.exchange_key, recipient=DISTRICT).decode() == "Nguyễn Văn A, 0903 123 456"
    )
    with pytest.raises(BadRequest):
        open_part(sealed, key=city_keys.exchange_key, recipient=CITY)


def test_registering_a_peer_checks_its_name_url_and_key_and_refuses_a_second_of_the_same_name(pair):
    world, _ = pair
    with world.factory() as session:
        key = open_instance_keys(session, VAULT).public_key
        now = world.clock.now()
        for name, url, token, problem in [
            ("Quận 3", "http://q3.test", key, "chữ thường"),
            ("quan-3", "ftp://q3.test", key, "http"),
            ("quan-3", "http://q3.test", "pa1.abc", "không đúng dạng"),
            ("quan-3", "http://q3.test", "pa1.AAAA.BBBB", "32 byte"),
        ]:
            with pytest.raises(BadRequest, match=problem):
                add_peer(session, name=name, url=url, public_key=token, added_by="t", now=now)
        with pytest.raises(Conflict, match="đã được đăng ký"):
            add_peer(session, name=DISTRICT, url="http://x.test", public_key=key, added_by="t", now=now)


def test_the_documented_message_format_accepts_what_the_outbox_sends(pair):
    schema = json.loads((PROJECT_ROOT / "docs" / "federation.schema.json").read_text())
    world, district = pair
    sent: list[dict] = []
    queue(world, 1, kind=MessageKind.RESULT)
    deliver_outbox(
        world.factory, VAULT, now=world.clock.now(), post=poster_into(district, world.clock, sent, world.services)
    )
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert list(validator.iter_errors(sent[0])) == []
    with world.factory() as session:
        key = open_instance_keys(session, VAULT).public_key
    assert list(Draft202012Validator({**schema["$defs"]["public_key"]}).iter_errors(key)) == []
    assert [e.validator for e in validator.iter_errors({**sent[0], "kind": "gossip"})] == ["enum"]
