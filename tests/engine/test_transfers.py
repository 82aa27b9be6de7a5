"""Chuyển đơn: a petition handed to another unit or instance opens there with its data, files and sealed identity;
its progress and result come back, and the result closes the sender's case. Circular transfers are refused."""

import pytest
from sqlalchemy import select

from engine.cases.attachments import attach_file
from engine.cases.enums import CaseStatus
from engine.core.db import transaction
from engine.core.errors import NotFound
from engine.core.models import Attachment, Case, CaseTransfer, FederationOutbox, ProtectedIdentity
from engine.federation.enums import TransferState
from engine.federation.transfers import TransferLoop, TransferRefused, transfer_petition, transfers_of_case
from tests.cases import complete
from tests.engine.test_federation_fingerprints import deliver
from tests.factories import open_world
from tests.federation import make_instance, other_database, register
from tests.petitions import PETITIONER, register_petition, triage

PROPOSAL_ANSWERED = {"decision": "accept", "reply_note": "Đã trả lời người gửi về việc cấp giấy chứng nhận"}


def transfer(world, case_id: int, username: str = "officer1", **destination):
    with transaction(world.factory) as session:
        return transfer_petition(
            session, world.services, world.actor(username), case_id=case_id,
            reason="Thuộc thẩm quyền giải quyết của nơi nhận", **destination,
        )  # fmt: skip


def waiting_petition(world, username: str = "officer1") -> Case:
    case = register_petition(world, username=username)
    complete(world, case.id, "classify_petition", username, {"classification": "proposal"})
    return case


def transfers(world, case_id: int):
    with world.factory() as session:
        return transfers_of_case(session, case_id)


def row(world, model, ident):
    with world.factory() as session:
        return session.get(model, ident)


def test_a_petition_transferred_to_another_unit_is_handled_there_and_its_result_closes_the_senders_case(world):
    case = waiting_petition(world)
    with transaction(world.factory) as session:
        attach_file(session, session.get_one(Case, case.id), task_id=None, filename="don.pdf",
                    content_type="application/pdf", content=b"%PDF-1.4 don", uploaded_by="officer1",
                    at=world.clock.now(), max_bytes=10_000)  # fmt: skip
    sent = transfer(world, case.id, to_unit="d2")
    received = row(world, Case, sent.target_case_id)
    assert received.unit_id == world.units["d2"] and received.process_key == "petition_triage"
    assert world.ready_task(received.id, "classify_petition") is not None  # in d2's triage inbox
    with world.factory() as session:
        identity = session.get(ProtectedIdentity, received.id)
        assert identity is not None and identity.ciphertext == session.get(ProtectedIdentity, case.id).ciphertext
        assert world.services.identities.open(session, received)["petitioner"]["name"] == PETITIONER["name"]
        files = session.scalars(select(Attachment).where(Attachment.case_id == received.id)).all()
        assert [(f.filename, f.sha256) for f in files] == [("don.pdf", session.scalars(
            select(Attachment.sha256).where(Attachment.case_id == case.id)).one())]  # fmt: skip
    assert world.ready_task(case.id, "record_transfer_reply") is not None
    [out] = transfers(world, case.id)
    assert (out.direction, out.other_body, out.state) == ("out", "Đơn vị d2", TransferState.RECEIVED)
    [came] = transfers(world, received.id)
    assert (came.direction, came.other_body, came.other_tracking_code) == ("in", "Đơn vị d1", case.tracking_code)

    complete(world, received.id, "classify_petition", "officer_d2", {"classification": "proposal"})
    assert transfers(world, case.id)[0].state == TransferState.IN_PROGRESS
    complete(world, received.id, "decide_jurisdiction", "officer_d2", PROPOSAL_ANSWERED)
    assert row(world, Case, received.id).status == CaseStatus.COMPLETED
    sender = row(world, Case, case.id)
    assert sender.status == CaseStatus.COMPLETED
    [done] = transfers(world, case.id)
    assert done.state == TransferState.RESOLVED and received.tracking_code in done.result
    assert "Đơn vị d2 đã xử lý xong đơn" in done.result and "trả lời" in done.result


def test_a_transfer_back_to_a_body_the_petition_passed_through_is_refused_unless_confirmed(world):
    case = waiting_petition(world)
    sent = transfer(world, case.id, to_unit="d2")
    complete(world, sent.target_case_id, "classify_petition", "officer_d2", {"classification": "proposal"})
    with pytest.raises(TransferLoop, match="Đơn đã từng qua Đơn vị d1"):
        transfer(world, sent.target_case_id, "officer_d2", to_unit="d1")
    again = transfer(world, sent.target_case_id, "officer_d2", to_unit="d1", allow_return=True)
    assert [link["body"] for link in row(world, CaseTransfer, again.id).chain] == ["Đơn vị d1", "Đơn vị d2"]


@pytest.mark.parametrize(
    "destination, problem",
    [({}, "Chọn một nơi nhận"), ({"to_unit": "d1"}, "chính đơn vị")],
)  # fmt: skip
def test_a_transfer_needs_one_other_destination(world, destination, problem):
    case = waiting_petition(world)
    with pytest.raises(TransferRefused, match=problem):
        transfer(world, case.id, **destination)


def test_an_unknown_unit_or_peer_is_named_in_the_refusal(world):
    case = waiting_petition(world)
    with pytest.raises(NotFound, match="'khong-co'"):
        transfer(world, case.id, to_unit="khong-co")
    with pytest.raises(NotFound, match="'quan-9'"):
        transfer(world, case.id, to_peer="quan-9")


def test_only_a_petition_waiting_for_its_jurisdiction_decision_can_be_transferred(world):
    case = register_petition(world)
    with pytest.raises(TransferRefused, match="Quyết định thẩm quyền"):
        transfer(world, case.id, to_unit="d2")


@pytest.fixture
def city_and_district(world, request, tmp_path):
    """The world as the city instance and a second instance as district quan-1, peers of each other."""
    with other_database(request, tmp_path, world.settings.database_url, "district") as url:
        district = open_world(url, start=world.clock.now())
        now = world.clock.now()
        city_key = make_instance(world.factory, "thanh-pho", now)
        district_key = make_instance(district.factory, "quan-1", now)
        register(world.factory, name="quan-1", url="http://district.test", key=district_key, now=now)
        register(district.factory, name="thanh-pho", url="http://city.test", key=city_key, now=now)
        yield world, district
        district.factory.kw["bind"].dispose()


def test_a_petition_transferred_to_a_peer_instance_travels_sealed_and_its_result_comes_back(city_and_district):
    city, district = city_and_district
    case = waiting_petition(city)
    sent = transfer(city, case.id, to_peer="quan-1", to_unit="d1")
    with city.factory() as session:
        [message] = session.scalars(select(FederationOutbox)).all()
        assert PETITIONER["name"] not in str(message.body) and message.body["identity"]["ciphertext"]
    deliver(city, district)
    with district.factory() as session:
        received = session.scalars(select(Case).order_by(Case.id.desc())).first()
        assert received.process_key == "petition_triage" and received.created_by == "system"
        assert district.services.identities.open(session, received)["petitioner"]["name"] == PETITIONER["name"]
    deliver(district, city)  # the acknowledgement
    assert row(city, CaseTransfer, sent.id).target_tracking_code == received.tracking_code
    triage(district, received.id, "proposal")
    complete(district, received.id, "decide_jurisdiction", "officer1", PROPOSAL_ANSWERED)
    deliver(district, city)  # progress, then the result
    assert row(city, Case, case.id).status == CaseStatus.COMPLETED
    result = row(city, CaseTransfer, sent.id)
    assert result.state == TransferState.RESOLVED and received.tracking_code in result.result
