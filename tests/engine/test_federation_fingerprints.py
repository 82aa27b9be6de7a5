"""The same matter across bodies: a petition's keyed fingerprint travels to the peers, and a petition about the same
matter filed elsewhere shows where it is already handled; no name travels in clear."""

import json

import pytest
from sqlalchemy import select

from engine.core.models import FederationOutbox, MatterFingerprint, Unit
from engine.federation.enums import MessageKind
from engine.federation.fingerprints import fingerprint_of, handled_elsewhere
from engine.federation.outbox import deliver_outbox
from tests.engine.test_federation import poster_into
from tests.factories import PASSWORD, open_world
from tests.federation import VAULT, make_instance, other_database, register
from tests.petitions import PETITIONER, petition_data, register_petition

FEDERATION_KEY = "khoa-lien-thong-dung-chung-cua-thanh-pho"


@pytest.fixture
def district_and_city(world, request, tmp_path):
    """The world as district quan-1 (receiving) and a second instance as the city, peers with the shared key."""
    with other_database(request, tmp_path, world.settings.database_url, "city") as url:
        city = open_world(url, start=world.clock.now())
        now = world.clock.now()
        district_key = make_instance(world.factory, "quan-1", now)
        city_key = make_instance(city.factory, "thanh-pho", now)
        register(world.factory, name="thanh-pho", url="http://city.test", key=city_key, now=now)
        register(city.factory, name="quan-1", url="http://district.test", key=district_key, now=now)
        for instance in (world, city):
            instance.services.federation_key = FEDERATION_KEY
        yield world, city
        city.factory.kw["bind"].dispose()


def deliver(sender, receiver) -> None:
    """One outbox pass of ``sender`` into ``receiver`` (in process)."""
    post = poster_into(receiver.factory, receiver.clock, services=receiver.services)
    deliver_outbox(sender.factory, VAULT, now=sender.clock.now(), post=post)


def test_the_fingerprint_ignores_case_and_diacritics_and_depends_on_the_key():
    plain = fingerprint_of("k", petitioner="Lê Thị Tố Cáo", subject="Nguyễn Văn X")
    assert plain == fingerprint_of("k", petitioner="LE THI  TO CAO", subject="nguyen van x")
    assert plain != fingerprint_of("k", petitioner="Lê Thị Tố Cáo", subject="Nguyễn Văn Y")
    assert plain != fingerprint_of("other key", petitioner="Lê Thị Tố Cáo", subject="Nguyễn Văn X")


def test_a_petition_filed_in_a_district_is_flagged_with_the_city_petition_about_the_same_matter(district_and_city):
    district, city = district_and_city
    first = register_petition(city)
    with city.factory() as session:
        [message] = session.scalars(select(FederationOutbox)).all()
        city_unit = session.get_one(Unit, first.unit_id).name
    assert message.kind == MessageKind.MATTER_FINGERPRINT and message.peer == "quan-1"
    travelling = json.dumps(message.body, ensure_ascii=False)
    assert PETITIONER["name"] not in travelling and "Nguyễn Văn X" not in travelling
    assert message.body["tracking_code"] == first.tracking_code
    deliver_outbox(
        city.factory,
        VAULT,
        now=city.clock.now(),
        post=poster_into(district.factory, district.clock, services=district.services),
    )

    same = register_petition(district, petition_data(
        petitioner={**PETITIONER, "name": "LE THI TO CAO"}, subject={"name": "nguyễn văn x"},
        title="Đơn gửi lại lần hai về cán bộ địa chính",
    ))  # fmt: skip
    other = register_petition(district, petition_data(subject={"name": "Trần Văn Y"}))
    with district.factory() as session:
        [match] = handled_elsewhere(session, session.get_one(type(same), same.id))
        assert (match.instance, match.unit_name, match.tracking_code) == ("thanh-pho", city_unit, first.tracking_code)
        assert match.since == first.created_at.date()
        assert handled_elsewhere(session, session.get_one(type(other), other.id)) == []


def test_nothing_is_published_without_the_federation_key_or_for_an_anonymous_petition(district_and_city):
    district, city = district_and_city
    city.services.federation_key = ""
    register_petition(city)
    city.services.federation_key = FEDERATION_KEY
    anonymous = petition_data()
    del anonymous["petitioner"], anonymous["relatives"]
    register_petition(city, anonymous)
    with city.factory() as session:
        assert session.scalars(select(MatterFingerprint)).all() == []
        assert session.scalars(select(FederationOutbox)).all() == []


def test_the_triage_page_and_the_api_say_where_the_matter_is_already_handled(district_and_city, web):
    district, city = district_and_city
    first = register_petition(city)
    deliver_outbox(
        city.factory,
        VAULT,
        now=city.clock.now(),
        post=poster_into(district.factory, district.clock, services=district.services),
    )
    same = register_petition(district)
    officer = web().login("officer1")
    task = district.ready_task(same.id, "classify_petition")
    page = officer.get(f"/tasks/{task.id}")
    assert "Vụ việc này đã được" in page.text and first.tracking_code in page.text
    assert first.created_at.strftime("%d/%m/%Y") in page.text
    answer = officer.client.get(f"/api/cases/{same.id}/handled-elsewhere", headers=officer_api(officer))
    assert [m["tracking_code"] for m in answer.json()] == [first.tracking_code]


def officer_api(officer) -> dict:
    token = officer.client.post("/api/auth/token", data={"username": "officer1", "password": PASSWORD})
    return {"Authorization": f"Bearer {token.json()['access_token']}"}
