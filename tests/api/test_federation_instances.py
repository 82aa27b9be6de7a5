"""Two real instances (separate processes and databases): a district is down while the city queues 200 messages
for it; when it is back, the city's worker delivers every message exactly once. Forged messages get 401."""

import subprocess
import sys
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import select

from engine.core.db import transaction
from engine.core.models import FederationInbox, FederationOutbox, FederationRefusal
from engine.core.settings import PROJECT_ROOT
from engine.federation.enums import MessageKind, OutboxStatus, RefusalReason
from engine.federation.envelope import Envelope, sign_envelope
from engine.federation.keys import open_instance_keys
from engine.federation.outbox import queue_message
from tests.factories import PASSWORD, TEST_SECRET_KEY
from tests.federation import VAULT, factory_of, make_instance, other_database, register
from tests.processes import api_server, free_port, service_env

CITY, DISTRICT = "thanh-pho", "quan-1"


def phananh(database_url: str, *args: str) -> str:
    """Run a `phananh` command against a database; its output."""
    done = subprocess.run(
        [sys.executable, "-m", "api", *args], cwd=PROJECT_ROOT, env=service_env(database_url),
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_a_district_that_was_down_receives_all_200_messages_exactly_once(world, request, tmp_path):
    city_url = world.settings.database_url
    with other_database(request, tmp_path, city_url, "district") as district_url:
        district = factory_of(district_url)
        now = datetime.now(UTC)
        city_key = make_instance(world.factory, CITY, now)
        district_key = phananh(district_url, "instance", "key", "--name", DISTRICT).split()[1]
        port = free_port()
        phananh(city_url, "peer", "add", DISTRICT, f"http://127.0.0.1:{port}", district_key)
        register(district, name=CITY, url="http://127.0.0.1:1", key=city_key, now=now)
        with transaction(world.factory) as session:
            sent = {
                queue_message(session, peer=DISTRICT, kind=MessageKind.PROGRESS, body={"n": n}, now=now).message_id
                for n in range(200)
            }

        phananh(city_url, "worker", "--once")  # the district is down
        with world.factory() as session:
            waiting = session.scalars(select(FederationOutbox)).all()
            assert {(row.status, row.attempts) for row in waiting} == {(OutboxStatus.PENDING, 1)}
        assert "waiting 200" in phananh(city_url, "peer", "list")

        with api_server(district_url, TEST_SECRET_KEY, port=port) as base:
            assert "200 message(s)" in phananh(city_url, "peer", "retry", DISTRICT)
            assert "delivered 200 message(s)" in phananh(city_url, "worker", "--once")
            phananh(city_url, "worker", "--once")
            with district() as session:
                received = [row.message_id for row in session.scalars(select(FederationInbox))]
            assert sorted(received) == sorted(sent)

            with world.factory() as session:
                keys = open_instance_keys(session, VAULT)
            forged = sign_envelope(
                Envelope("forged-1", CITY, DISTRICT, MessageKind.RESULT, datetime.now(UTC), {"ket_qua": "đúng"}),
                keys.signing_key,
            )
            forged["body"] = {"ket_qua": "sai"}
            answer = httpx.post(f"{base}/api/federation/messages", json=forged, timeout=10)
            assert answer.status_code == 401 and "signature" in answer.json()["detail"]

            stranger = make_stranger(request, tmp_path, city_url)
            unknown = sign_envelope(
                Envelope("stranger-1", "la-mat", DISTRICT, MessageKind.TRANSFER, datetime.now(UTC), {}), stranger
            )
            answer = httpx.post(f"{base}/api/federation/messages", json=unknown, timeout=10)
            assert answer.status_code == 401 and "not a registered peer" in answer.json()["detail"]

            token = httpx.post(f"{base}/api/auth/token", data={"username": "admin1", "password": PASSWORD}).json()
            status = httpx.get(
                f"{base}/api/federation", headers={"Authorization": f"Bearer {token['access_token']}"}, timeout=10
            ).json()
            assert status["instance_name"] == DISTRICT
            assert [(p["name"], p["received"]) for p in status["peers"]] == [(CITY, 200)]
            assert [r["reason"] for r in status["refusals"]] == [
                RefusalReason.UNKNOWN_PEER,
                RefusalReason.BAD_SIGNATURE,
            ]
        with district() as session:
            assert len(session.scalars(select(FederationRefusal)).all()) == 2
        district.kw["bind"].dispose()


def make_stranger(request, tmp_path, like_url):
    """The signing key of an instance nobody registered."""
    with other_database(request, tmp_path, like_url, "stranger") as url:
        factory = factory_of(url)
        make_instance(factory, "la-mat", datetime.now(UTC))
        with factory() as session:
            key = open_instance_keys(session, VAULT).signing_key
        factory.kw["bind"].dispose()
        return key


pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")
