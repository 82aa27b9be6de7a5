"""Filing on the public portal: a 1374 report or a petition, the spam guard, the upload limit, the rate limit."""

from datetime import timedelta

from sqlalchemy import select

from engine.cases.runtime import CaseRuntime
from engine.core.models import Attachment, AuditEvent, Case, CaseAccessSecret, HumanTask, ProcessDefinition
from tests.factories import World
from tests.portal import (
    FORM_WAIT,
    PETITION_FIELDS,
    REPORT_FIELDS,
    file_on_portal,
    form_token,
    portal_client,
    post_filing,
)


def _case(world: World, code: str) -> Case:
    with world.factory() as session:
        return session.scalars(select(Case).where(Case.tracking_code == code)).one()


def test_a_citizen_files_a_report_and_gets_a_code_and_a_secret_shown_once(world):
    with portal_client(world) as client:
        form = client.get("/portal/phan-anh")
        assert form.status_code == 200
        assert 'name="source"' not in form.text and 'name="press_article.outlet"' not in form.text, "internal fields"
        assert "Đăng xuất" not in form.text and "/inbox" not in form.text, "no staff navigation"
        code, secret = file_on_portal(client, world)
    case = _case(world, code)
    assert case.process_key == "report_1374" and case.source == "people" and case.created_by == "portal"
    with world.factory() as session:
        data = CaseRuntime(session, world.services).current_data(case)
        stored = session.get(CaseAccessSecret, case.id)
        started = session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id)).first()
        task = session.scalars(select(HumanTask).where(HumanTask.case_id == case.id)).first()
    assert task.spec_name == "screen_report"
    assert data["reporter"] == "(được bảo vệ)", "the reporter is split off into the protected identity"
    assert secret not in stored.secret_hash and len(stored.secret_hash) == 64, "only the hash is stored"
    assert started.kind == "case_started" and started.actor == "portal"


def test_a_citizen_files_a_petition_for_triage_with_the_channel_fixed_to_portal(world):
    with portal_client(world) as client:
        form = client.get("/portal/gui-don")
        assert 'name="channel"' not in form.text and 'name="triage_case"' not in form.text
        assert 'name="matter_id"' not in form.text
        assert 'name="relatives_text"' in form.text
        relatives = "Trần Văn Chồng, chồng\n\nLê Thị Con"
        code, _ = file_on_portal(client, world, "gui-don", {**PETITION_FIELDS, "relatives_text": relatives})
    case = _case(world, code)
    with world.factory() as session:
        data = CaseRuntime(session, world.services).current_data(case)
        identity = world.services.identities.open(session, case)
    assert case.process_key == "petition_triage" and data["channel"] == "portal"
    assert data["petitioner"] == "(được bảo vệ)" and data["relatives"] == "(được bảo vệ)"
    assert identity["relatives"] == [{"name": "Trần Văn Chồng", "relationship": "chồng"}, {"name": "Lê Thị Con"}]
    assert "Trần Văn Chồng" not in case.state


def test_the_citizen_picks_the_receiving_unit(world):
    with portal_client(world) as client:
        code, _ = file_on_portal(client, world, fields={**REPORT_FIELDS, "unit_id": str(world.units["w21"])})
    assert _case(world, code).unit_id == world.units["w21"]


def test_missing_fields_are_shown_per_field_and_the_typed_text_is_kept(world):
    with portal_client(world) as client:
        response = post_filing(client, world, fields={**REPORT_FIELDS, "title": ""})
    assert response.status_code == 422
    assert "field--error" in response.text and "Nguyễn Văn Bị" in response.text


def test_a_process_that_is_not_deployed_gives_a_clear_message(world):
    with world.factory() as session:
        session.query(ProcessDefinition).filter(ProcessDefinition.key == "petition_triage").delete()
        session.commit()
    with portal_client(world) as client:
        response = client.get("/portal/gui-don")
    assert response.status_code == 503 and "chưa sẵn sàng" in response.text


def test_an_upload_is_stored_with_its_sha256_and_a_too_big_one_is_refused_with_the_limit(world):
    with portal_client(world, max_attachment_bytes=1000) as client:
        files = {"attachment": ("don.txt", b"chu ky tay" * 10, "text/plain")}
        response = post_filing(client, world, files=files)
        assert response.status_code == 200
        too_big = post_filing(client, world, files={"attachment": ("lon.pdf", b"x" * 1001, "application/pdf")})
    assert too_big.status_code == 413 and "1 kB" in too_big.text
    with world.factory() as session:
        attachments = list(session.scalars(select(Attachment)))
    assert len(attachments) == 1 and attachments[0].uploaded_by == "portal" and len(attachments[0].sha256) == 64


def test_the_honeypot_refuses_bots(world):
    with portal_client(world) as client:
        response = post_filing(client, world, fields={**REPORT_FIELDS, "website": "http://spam"})
    assert response.status_code == 400 and "gửi tự động" in response.text


def test_a_form_posted_too_fast_is_refused(world):
    with portal_client(world) as client:
        token = form_token(client.get("/portal/phan-anh").text)
        response = client.post("/portal/phan-anh", data={**REPORT_FIELDS, "form_token": token})
    assert response.status_code == 400 and "quá nhanh" in response.text


def test_an_expired_form_is_refused(world):
    with portal_client(world) as client:
        token = form_token(client.get("/portal/phan-anh").text)
        world.clock.advance(timedelta(hours=5))
        response = client.post("/portal/phan-anh", data={**REPORT_FIELDS, "form_token": token})
    assert response.status_code == 400 and "hết hạn" in response.text


def test_a_form_token_is_spent_once(world):
    with portal_client(world) as client:
        token = form_token(client.get("/portal/phan-anh").text)
        world.clock.advance(FORM_WAIT)
        fields = {**REPORT_FIELDS, "unit_id": str(world.units["d1"]), "form_token": token}
        first = client.post("/portal/phan-anh", data=fields)
        again = client.post("/portal/phan-anh", data=fields)
    assert first.status_code == 200
    assert again.status_code == 400 and "đã được gửi" in again.text


def test_a_forged_or_foreign_token_is_refused(world):
    with portal_client(world) as client:
        lookup_token = form_token(client.get("/portal/tra-cuu").text)
        world.clock.advance(FORM_WAIT)
        foreign = client.post("/portal/phan-anh", data={**REPORT_FIELDS, "form_token": lookup_token})
        forged = client.post("/portal/phan-anh", data={**REPORT_FIELDS, "form_token": "abc.123.def"})
        missing = client.post("/portal/phan-anh", data=REPORT_FIELDS)
    for response in (foreign, forged, missing):
        assert response.status_code == 400 and "không hợp lệ" in response.text


def test_filing_is_rate_limited_per_address_with_a_page_saying_when_to_retry(world):
    with portal_client(world, portal_filing_limit=2) as client:
        file_on_portal(client, world)
        file_on_portal(client, world)
        refused = post_filing(client, world)
    assert refused.status_code == 429
    assert "Vui lòng thử lại sau" in refused.text and int(refused.headers["Retry-After"]) > 0
