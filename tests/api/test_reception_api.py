"""The reception desk over JSON: register a written petition or a visit, read the (redacted) visits register."""

from sqlalchemy import select

from engine.core.models import Case
from tests.petitions import PETITIONER

VISIT = {
    "received_on": "2027-03-02",
    "name": PETITIONER["name"],
    "address": PETITIONER["address"],
    "id_number": PETITIONER["id_number"],
    "relatives": ["Phạm Văn Người Thân, chồng"],
    "kind_claimed": "denunciation",
    "field": "land",
    "title": "Tố cáo cán bộ địa chính nhận tiền",
    "content": "Ông X yêu cầu nộp thêm tiền.",
    "subject_name": "Nguyễn Văn X",
    "number_of_people": 3,
    "previously_handled_by": "UBND phường Bến Nghé",
}
WRITTEN = {k: v for k, v in VISIT.items() if k not in ("relatives", "number_of_people")} | {"channel": "post"}
PRIVATE = (PETITIONER["name"], PETITIONER["address"], PETITIONER["id_number"], "Phạm Văn Người Thân")


def _assert_no_identity(text: str) -> None:
    for private in PRIVATE:
        assert private not in text, f"{private!r} must never be in a REST answer"


def test_registering_a_visit_starts_a_triage_case_with_the_identity_protected(api, world):
    answer = api.post("/api/reception/visits", "officer1", json={"data": VISIT})
    assert answer.status_code == 201, answer.text
    _assert_no_identity(answer.text)
    registered = answer.json()
    with world.factory() as session:
        case = session.get(Case, registered["id"])
        identity = world.services.identities.open(session, case)
    assert case.tracking_code == registered["tracking_code"] and case.process_key == "petition_triage"
    assert case.source == "visit" and case.created_by == "officer1" and case.unit_id == world.units["d1"]
    assert identity["petitioner"]["name"] == PETITIONER["name"]
    assert identity["relatives"] == [{"name": "Phạm Văn Người Thân", "relationship": "chồng"}]


def test_a_written_petition_is_registered_and_a_forwarded_one_needs_its_sender(api, world):
    posted = api.post("/api/petitions", "supervisor1", json={"data": WRITTEN})
    forwarded = {**WRITTEN, "channel": "forwarded"}
    refused = api.post("/api/petitions", "officer1", json={"data": forwarded})
    done = api.post("/api/petitions", "lead1", json={"data": {**forwarded, "forwarded_by": "Ban Tiếp công dân TP"}})
    assert posted.status_code == 201 and done.status_code == 201, (posted.text, done.text)
    assert refused.status_code == 422 and "forwarded_by" in {e["field"] for e in refused.json()["errors"]}
    _assert_no_identity(posted.text + refused.text + done.text)
    with world.factory() as session:
        sources = session.scalars(select(Case.source).order_by(Case.id)).all()
    assert sources == ["post", "forwarded"]


def test_bad_register_data_names_the_fields(api):
    missing = api.post("/api/reception/visits", "officer1", json={"data": {**VISIT, "title": "", "field": 7}})
    no_data = api.post("/api/petitions", "officer1", json={"unit_id": 1})
    assert missing.status_code == 422
    assert {"title", "field"} <= {e["field"] for e in missing.json()["errors"]}
    assert no_data.status_code == 422 and "data" in no_data.json()["detail"]


def test_registering_needs_a_sign_in_a_reception_role_and_a_unit_of_mine(api, world):
    anonymous = api.client.post("/api/reception/visits", json={"data": VISIT})
    anonymous_petition = api.client.post("/api/petitions", json={"data": WRITTEN})
    anonymous_register = api.client.get("/api/reception/visits")
    assert anonymous.status_code == anonymous_petition.status_code == anonymous_register.status_code == 401
    for user in ("designer1", "custodian1"):
        assert api.post("/api/reception/visits", user, json={"data": VISIT}).status_code == 403
        assert api.post("/api/petitions", user, json={"data": WRITTEN}).status_code == 403
    other_unit = api.post("/api/petitions", "officer1", json={"data": WRITTEN, "unit_id": world.units["d2"]})
    assert other_unit.status_code == 403
    assert api.get("/api/reception/visits", "designer1").status_code == 403
    assert api.post("/api/petitions", "designer1", json={}).status_code == 403, "who asks is checked before the body"
    assert api.client.post("/api/reception/visits", json={}).status_code == 401
    with world.factory() as session:
        assert session.scalars(select(Case)).all() == []


def test_the_visits_register_is_redacted_and_limited_to_my_units(api, world):
    visit = api.post("/api/reception/visits", "officer1", json={"data": VISIT}).json()
    api.post("/api/petitions", "officer1", json={"data": WRITTEN})  # written petitions are not visits
    for user in ("officer1", "lead1", "supervisor1", "custodian1"):
        answer = api.get("/api/reception/visits", user)
        assert answer.status_code == 200, (user, answer.text)
        rows = answer.json()
        assert [(r["tracking_code"], r["identity_protected"]) for r in rows] == [(visit["tracking_code"], True)]
        assert rows[0]["number_of_people"] == 3 and rows[0]["received_on"] == "2027-03-02"
        assert rows[0]["title"] == VISIT["title"] and rows[0]["previously_handled_by"] == "UBND phường Bến Nghé"
        _assert_no_identity(answer.text)
    assert api.get("/api/reception/visits", "officer_d2").json() == []


def test_a_visit_without_a_named_petitioner_is_not_marked_protected(api):
    anonymous = {k: v for k, v in VISIT.items() if k not in ("name", "address", "id_number", "relatives")}
    assert api.post("/api/reception/visits", "officer1", json={"data": anonymous}).status_code == 201
    rows = api.get("/api/reception/visits", "officer1").json()
    assert [r["identity_protected"] for r in rows] == [False]


def test_identity_readers_reveal_the_register_over_rest_and_each_read_is_audited(api, world):
    from engine.core.models import AuditEvent

    visit = api.post("/api/reception/visits", "officer1", json={"data": VISIT}).json()
    assert api.post("/api/reception/visits/revealed", "officer1").status_code == 403
    revealed = api.post("/api/reception/visits/revealed", "supervisor1")
    assert revealed.status_code == 200, revealed.text
    row = revealed.json()[0]
    assert (row["tracking_code"], row["name"], row["id_number"]) == (
        visit["tracking_code"], PETITIONER["name"], PETITIONER["id_number"],
    )  # fmt: skip
    with world.factory() as session:
        reads = session.scalars(
            select(AuditEvent).where(AuditEvent.case_id == visit["id"], AuditEvent.kind == "identity_read")
        ).all()
    assert [event.actor for event in reads] == ["supervisor1"]
