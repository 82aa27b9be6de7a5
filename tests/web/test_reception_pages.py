"""The reception desk pages: register a visit or a written petition, see the tracking code, the visits register."""

import pytest
from sqlalchemy import select

from engine.core.models import Attachment, AuditEvent, Case
from tests.petitions import PETITIONER

VISIT = {
    "received_on": "2027-03-02",
    "name": PETITIONER["name"],
    "address": PETITIONER["address"],
    "id_number": PETITIONER["id_number"],
    "relatives": "Phạm Văn Người Thân, chồng",
    "kind_claimed": "denunciation",
    "field": "land",
    "title": "Tố cáo cán bộ địa chính nhận tiền",
    "content": "Ông X yêu cầu nộp thêm tiền.",
    "subject_name": "Nguyễn Văn X",
    "number_of_people": "3",
    "previously_handled_by": "UBND phường Bến Nghé",
}


@pytest.fixture
def site(web):
    """A browser signed in as ``username``."""
    return lambda username: web().login(username)


def _register_visit(officer, **files):
    return officer.post_form("/reception/new/visit", VISIT, csrf_from="/reception", files=files or None)


def test_registering_a_visit_starts_a_triage_case_and_shows_its_tracking_code(site, world):
    officer = site("officer1")
    response = _register_visit(officer)
    assert response.status_code == 303
    page = officer.get(response.headers["location"])
    with world.factory() as session:
        case = session.scalars(select(Case).where(Case.process_key == "petition_triage")).one()
    assert case.source == "visit" and case.tracking_code in page.text
    assert PETITIONER["name"] not in page.text


def test_a_written_petition_forwarded_by_another_body_needs_that_body(site, world):
    officer = site("officer1")
    written = {k: v for k, v in VISIT.items() if k != "relatives"} | {"channel": "forwarded"}
    refused = officer.post_form("/reception/new/written", written, csrf_from="/reception?tab=written")
    assert refused.status_code == 422 and "Tố cáo cán bộ địa chính nhận tiền" in refused.text
    done = officer.post_form(
        "/reception/new/written", {**written, "forwarded_by": "Ban Tiếp công dân TP"}, csrf_from="/reception"
    )
    assert done.status_code == 303
    with world.factory() as session:
        assert session.scalars(select(Case.source)).one() == "forwarded"


def test_the_visits_register_redacts_identities_except_for_the_resolver_and_custodian(site, world):
    _register_visit(site("officer1"))
    for username in ("officer1", "lead1"):
        page = site(username).get("/reception/register")
        assert page.status_code == 200 and "(được bảo vệ)" in page.text and PETITIONER["name"] not in page.text
        assert "reveal-identities" not in page.text
    supervisor = site("supervisor1")
    assert PETITIONER["name"] not in supervisor.get("/reception/register").text
    revealed = supervisor.post_form("/reception/register", {}, csrf_from="/reception/register")
    assert revealed.status_code == 200 and PETITIONER["name"] in revealed.text
    assert site("officer1").post_form("/reception/register", {}, csrf_from="/reception").status_code == 403
    with world.factory() as session:
        reads = session.scalars(select(AuditEvent).where(AuditEvent.kind == "identity_read")).all()
    assert [(e.actor, e.payload["what"]) for e in reads] == [("supervisor1", "visits_register")]


def test_the_scanned_petition_is_encrypted_and_only_its_redacted_copy_is_offered_to_officers(site, world):
    officer = site("officer1")
    scan = ("don.pdf", PETITIONER["name"].encode() + b" handwriting", "application/pdf")
    copy = ("don-che.pdf", b"(redacted) handwriting", "application/pdf")
    assert _register_visit(officer, petition_scan=scan, petition_redacted=copy).status_code == 303
    with world.factory() as session:
        original, redacted = session.scalars(select(Attachment).order_by(Attachment.id)).all()
        case_id = original.case_id
        assert original.identity_bearing and PETITIONER["name"].encode() not in original.content
    case_page = officer.get(f"/cases/{case_id}")
    assert f"/attachments/{redacted.id}" in case_page.text and f'/attachments/{original.id}"' not in case_page.text
    task_page = officer.get(f"/tasks/{world.ready_task(case_id).id}")
    assert f"/attachments/{redacted.id}" in task_page.text and f'/attachments/{original.id}"' not in task_page.text
    assert officer.get(f"/cases/{case_id}/attachments/{original.id}").status_code == 403
    assert officer.get(f"/cases/{case_id}/attachments/{redacted.id}").content == b"(redacted) handwriting"
    download = site("custodian1").get(f"/cases/{case_id}/attachments/{original.id}")
    assert download.status_code == 200 and download.content == scan[1]
    with world.factory() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.kind == "identity_read")).one()
    assert (event.actor, event.payload["what"]) == ("custodian1", f"attachment:{original.id}")


def test_the_classify_task_page_suggests_likely_duplicates_with_their_matter(site, world):
    officer = site("officer1")
    _register_visit(officer)
    _register_visit(officer)
    with world.factory() as session:
        first, second = session.scalars(select(Case).order_by(Case.id)).all()
    task = world.ready_task(second.id, "classify_petition")
    page = officer.get(f"/tasks/{task.id}")
    assert 'id="duplicates"' in page.text and first.tracking_code in page.text


def test_read_only_intake_fields_are_neither_shown_nor_read_from_a_post(world):
    from api.web.form_render import form_fields, parse_submission

    schema = world.services.forms.schema("receive_petition.schema.json")
    names = {view.name for view in form_fields(schema)}
    assert "title" in names and not names & {"triage_case", "matter_id"}
    assert "matter_id" not in parse_submission(schema, {"title": "x", "matter_id": "7"})


def test_a_task_upload_can_be_marked_as_identity_bearing(site, world):
    officer = site("officer1")
    _register_visit(officer)
    with world.factory() as session:
        case_id = session.scalars(select(Case.id)).one()
    task = world.ready_task(case_id, "classify_petition")
    files = [("protected_evidence", ("cccd.jpg", b"ID card of the sender", "image/jpeg"))]
    done = officer.post_form(f"/tasks/{task.id}", {"classification": "ineligible", "reason": "Không ký tên"},
                             csrf_from=f"/tasks/{task.id}", files=files)  # fmt: skip
    assert done.status_code == 303
    with world.factory() as session:
        attachment = session.scalars(select(Attachment)).one()
        assert attachment.identity_bearing and attachment.content != b"ID card of the sender"
    assert officer.get(f"/cases/{attachment.case_id}/attachments/{attachment.id}").status_code == 403
    assert site("supervisor1").get(f"/cases/{attachment.case_id}/attachments/{attachment.id}").content == (
        b"ID card of the sender"
    )
