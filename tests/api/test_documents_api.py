"""Official documents over REST: the 1374 conclusion issued at the end of a walk, drafts edited and uploaded, the
protected copies, the register (JSON, XLSX, command line)."""

import hashlib
import io

import pytest
from docx import Document
from openpyxl import load_workbook
from typer.testing import CliRunner

from api.cli import app as cli
from engine.cases.queries import case_events
from engine.core.settings import get_settings
from engine.documents import drafts, signing
from engine.documents.registers import date_written_out
from tests import denunciations
from tests.api.test_api_report_flow import complete_step, open_task, register
from tests.cases import CONCLUDE, VERIFY, complete, walk_to_verification
from tests.documents import text_of

pytestmark = pytest.mark.issues_documents

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SIGNING_IS_PLACEHOLDER = (signing.sign_pdf.__doc__ or "").startswith("PLACEHOLDER")


def edited(draft: bytes, line: str) -> bytes:
    document = Document(io.BytesIO(draft))
    document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def upload(api, task_id: str, kind: str, content: bytes, user: str = "supervisor1", name: str = "sua.docx"):
    files = {"file": (name, content, DOCX)}
    return api.client.put(f"/api/tasks/{task_id}/documents/{kind}/draft", headers=api.auth(user), files=files)


def test_a_1374_case_walked_to_the_end_over_rest_has_its_conclusion_issued_numbered_and_signed(api, world):
    case_id = register(api)["id"]
    complete_step(api, case_id, "screen_report", "officer2", {"screening": "in_scope"},
                  seen_by=("officer1", "officer2"))  # fmt: skip
    assign = {"verifying_officer": "officer1", "verification_days": 10, "verification_day_type": "working"}
    complete_step(api, case_id, "assign_verification", "lead1", assign, seen_by=("lead1",))
    complete_step(api, case_id, "verify_report", "officer1", VERIFY, seen_by=("officer1",))
    complete_step(api, case_id, "conclude_verification", "officer1", CONCLUDE, seen_by=("officer1",))
    assert api.get(f"/api/cases/{case_id}/documents", "officer1").json() == []
    complete_step(api, case_id, "approve_conclusion", "supervisor1", {"decision": "approve"}, seen_by=("supervisor1",))
    publication = {"channels": ["writing"], "published_on": "2026-12-01", "summary": "Đã thông báo bằng văn bản"}
    final = complete_step(api, case_id, "publicize_result", "officer2", publication, seen_by=("officer1", "officer2"))
    assert final["status"] == "completed"

    listed = api.get(f"/api/cases/{case_id}/documents", "officer2")
    assert listed.status_code == 200, listed.text
    [document] = listed.json()
    assert document["kind"] == "verification_conclusion" and document["kind_name"] == "Kết luận xác minh"
    assert (document["number"], document["symbol"]) == (1, "1/KL-D1")
    assert document["signed"] is True and document["signer_name"] == "Phạm Thị Dung"
    assert document["title"] and len(document["sha256"]) == 64

    pdf = api.get(f"/api/documents/{document['id']}.pdf", "officer1")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    if not SIGNING_IS_PLACEHOLDER:  # the signature itself is the signing module's (its own tests validate it)
        assert b"/Type /Sig" in pdf.content and b"/ByteRange" in pdf.content
    docx = api.get(f"/api/documents/{document['id']}.docx", "officer1")
    assert docx.status_code == 200 and docx.headers["content-type"] == DOCX
    text = text_of(docx.content)
    issued_on = world.clock.now().astimezone(world.services.calendar.zone).date()
    assert "1/KL-D1" in text and date_written_out(issued_on) in text and document["title"] in text
    assert "Nơi nhận" in text

    with world.factory() as session:
        [event] = [e for e in case_events(session, case_id) if e.kind == "document_issued"]
        assert event.payload["sha256"] == document["sha256"] and event.payload["symbol"] == "1/KL-D1"

    assert api.get(f"/api/cases/{case_id}/documents", "officer_d2").status_code == 404
    assert api.get(f"/api/documents/{document['id']}.pdf", "officer_d2").status_code == 404
    assert api.get(f"/api/documents/{document['id']}.pdf", "designer1").status_code == 403


def test_an_edited_draft_uploaded_over_rest_is_the_one_issued_and_bad_uploads_are_refused(api, world):
    case_id = walk_to_verification(world)
    complete(world, case_id, "verify_report", "officer1", VERIFY)
    complete(world, case_id, "conclude_verification", "officer1", CONCLUDE)
    task_id = open_task(api, case_id, "approve_conclusion")["id"]
    kinds = api.get(f"/api/tasks/{task_id}/documents", "supervisor1")
    assert [(k["kind"], k["uploaded_by"]) for k in kinds.json()] == [("verification_conclusion", None)]

    draft = api.get(f"/api/tasks/{task_id}/documents/verification_conclusion/draft", "supervisor1")
    assert draft.status_code == 200 and draft.headers["content-type"] == DOCX
    assert "{{ document_number }}" in text_of(draft.content)

    assert upload(api, task_id, "verification_conclusion", b"not a word file", name="x.docx").status_code == 400
    world.settings.max_attachment_bytes = 100
    too_big = upload(api, task_id, "verification_conclusion", draft.content)
    assert too_big.status_code == 413, too_big.text
    world.settings.max_attachment_bytes = 10_000_000
    lost = Document(io.BytesIO(draft.content))
    cells = [paragraph for table in lost.tables for cell in table._cells for paragraph in cell.paragraphs]
    for paragraph in [*lost.paragraphs, *cells]:
        if "document_number" in paragraph.text:
            paragraph.text = "Số: ……"
    out = io.BytesIO()
    lost.save(out)
    refused = upload(api, task_id, "verification_conclusion", out.getvalue())
    assert refused.status_code == 400 and "document_number" in refused.json()["detail"]
    assert upload(api, task_id, "complaint_decision", draft.content).status_code == 404  # not this step's kind
    assert upload(api, task_id, "verification_conclusion", draft.content, user="officer1").status_code == 403

    saved = upload(api, task_id, "verification_conclusion", edited(draft.content, "Đoạn do lãnh đạo sửa."))
    assert saved.status_code == 200, saved.text
    assert saved.json()["uploaded_by"] == "supervisor1"
    again = api.get(f"/api/tasks/{task_id}/documents/verification_conclusion/draft", "supervisor1")
    assert "Đoạn do lãnh đạo sửa." in text_of(again.content)

    done = api.post(f"/api/tasks/{task_id}/complete", "supervisor1", json={"data": {"decision": "approve"}})
    assert done.status_code == 200, done.text
    [document] = api.get(f"/api/cases/{case_id}/documents", "officer1").json()
    text = text_of(api.get(f"/api/documents/{document['id']}.docx", "officer1").content)
    assert "Đoạn do lãnh đạo sửa." in text and "Số: 1/KL-D1" in text and "{{" not in text
    assert api.get(f"/api/tasks/{task_id}/documents/verification_conclusion/draft", "supervisor1").status_code == 409


def test_a_notice_naming_the_denouncer_is_full_for_identity_readers_audited_and_redacted_for_others(api, world):
    case_id = denunciations.start_denunciation(world)
    denunciations.accept(world, case_id)
    denunciations.notify(world, case_id)
    [notice] = api.get(f"/api/cases/{case_id}/documents", "officer1").json()
    assert notice["kind"] == "denunciation_acceptance_notice" and notice["identity_bearing"] is True

    officer = api.get(f"/api/documents/{notice['id']}.pdf", "officer1")
    assert officer.status_code == 200 and officer.content.startswith(b"%PDF")
    assert "an-danh" in officer.headers["content-disposition"]
    assert api.get(f"/api/documents/{notice['id']}.docx", "officer1").status_code == 403

    full = api.get(f"/api/documents/{notice['id']}.pdf", "supervisor1")
    assert full.status_code == 200 and hashlib.sha256(full.content).hexdigest() == notice["sha256"]
    assert "an-danh" not in full.headers["content-disposition"]
    assert api.get(f"/api/documents/{notice['id']}.docx", "supervisor1").status_code == 200
    with world.factory() as session:
        reads = [e.payload["what"] for e in case_events(session, case_id) if e.kind == "identity_read"]
    assert reads == [f"document:{notice['id']}:pdf", f"document:{notice['id']}:docx"]


def test_the_register_lists_searches_and_exports_a_units_documents_and_the_command_prints_it(api, world, monkeypatch):
    for _ in range(2):
        case_id = walk_to_verification(world)
        complete(world, case_id, "verify_report", "officer1", VERIFY)
        complete(world, case_id, "conclude_verification", "officer1", CONCLUDE)
        complete(world, case_id, "approve_conclusion", "supervisor1", {"decision": "approve"})
    year = world.clock.now().astimezone(world.services.calendar.zone).year
    lines = api.get("/api/registers", "officer1", params={"unit": "d1", "year": year})
    assert lines.status_code == 200, lines.text
    assert [line["symbol"] for line in lines.json()] == ["1/KL-D1", "2/KL-D1"]
    assert all(line["tracking_code"].startswith("PA-") for line in lines.json())
    found = api.get("/api/registers", "officer1", params={"unit": "d1", "year": year, "q": "2/KL"})
    assert [line["number"] for line in found.json()] == [2]
    assert api.get("/api/registers", "officer1", params={"unit": "d1", "year": year - 1}).json() == []
    assert api.get("/api/registers", "officer_d2", params={"unit": "d1", "year": year}).status_code == 403
    assert api.get("/api/registers", "officer1", params={"unit": "nowhere", "year": year}).status_code == 404
    assert api.get("/api/registers", "officer1", params={"unit": "d1", "year": year, "kind": "x"}).status_code == 400

    export = api.get("/api/registers.xlsx", "officer1", params={"unit": "d1", "year": year})
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = [tuple(cell.value for cell in row) for row in sheet.iter_rows(min_row=4)]
    assert [(row[0], row[2]) for row in rows] == [("1/KL-D1", "Kết luận xác minh"), ("2/KL-D1", "Kết luận xác minh")]
    assert rows[0][1].count("/") == 2  # dd/mm/yyyy

    monkeypatch.setenv("PHANANH_DATABASE_URL", world.settings.database_url)
    monkeypatch.setenv("PHANANH_SECRET_KEY", world.settings.secret_key)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["documents", "register", "--unit", "d1", "--year", str(year)])
        missing = CliRunner().invoke(cli, ["documents", "register", "--unit", "nowhere", "--year", str(year)])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "Số, ký hiệu" in result.output and "1/KL-D1" in result.output and "2/KL-D1" in result.output
    assert "2 văn bản" in result.output
    assert missing.exit_code == 1 and "nowhere" in missing.output


def test_a_draft_naming_the_denouncer_is_redacted_for_an_officer_who_may_not_read_the_identity(api, world, monkeypatch):
    asked: list[tuple[str, bool]] = []
    render = drafts.render_draft

    def spy(session, *, case_id, kind, actor, redacted=False, services=None):
        asked.append((actor.username, redacted))
        return render(session, case_id=case_id, kind=kind, actor=actor, redacted=redacted, services=services)

    monkeypatch.setattr(drafts, "render_draft", spy)
    case_id = denunciations.start_denunciation(world)
    denunciations.accept(world, case_id)
    notice_task = open_task(api, case_id, "notify_acceptance")["id"]
    notice = api.get(f"/api/tasks/{notice_task}/documents/denunciation_acceptance_notice/draft", "officer1")
    assert notice.status_code == 200 and asked == [("officer1", True)]
    assert "Trần Thị Y" not in text_of(notice.content)
    with world.factory() as session:
        assert [e for e in case_events(session, case_id) if e.kind == "identity_read"] == []
