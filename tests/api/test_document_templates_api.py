"""Designers upload, list, activate, download and preview document templates over REST and on their pages; a bad
file is refused with a 4xx naming the problem; previews use a real case's data without protected names; drafts
render with the version in use."""

import io

from docx import Document

from engine.core.db import transaction
from engine.documents.kinds import DocumentKind
from engine.documents.template_builder import build_template
from engine.documents.templates import render_draft
from tests.petitions import register_petition, triage
from tests.walks import walk_to_the_end

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_with(*lines: str) -> bytes:
    document = Document()
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def text_of(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines += [p.text for cell in table._cells for p in cell.paragraphs]
    return "\n".join(lines)


def upload(api, content: bytes, *, kind: str = "transfer_slip", user: str = "designer1", activate: str = "true"):
    return api.post(
        f"/api/document-templates/{kind}/versions", user,
        files={"file": ("mau.docx", content, DOCX)}, data={"activate": activate},
    )  # fmt: skip


def test_kinds_list_the_template_in_use_and_its_fields(api):
    response = api.get("/api/document-templates", "designer1")
    assert response.status_code == 200
    kinds = {k["kind"]: k for k in response.json()}
    assert set(kinds) == {kind.value for kind in DocumentKind}
    slip = kinds["transfer_slip"]
    assert slip["name_vi"] == "Phiếu chuyển đơn" and slip["active_version"] == 0 and slip["identity_bearing"]
    assert "competent_body" in slip["variables"] and "document_number" in slip["variables"]
    assert api.get("/api/document-templates", "officer1").status_code == 403


def test_an_uploaded_version_is_used_for_drafts_until_the_builtin_is_chosen_again(api, world):
    case = register_petition(world)
    triage(world, case.id, "complaint", "transfer", competent_body="UBND Quận 3")
    template = docx_with("Số {{ document_number }}", "Kính chuyển {{ competent_body }} hồ sơ {{ tracking_code }}")
    created = upload(api, template)
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["version"], body["active"], body["uploaded_by"]) == (1, True, "designer1")
    assert body["variables"] == ["competent_body", "document_number", "tracking_code"]
    with transaction(world.factory) as session:
        draft = render_draft(
            session, case_id=case.id, kind="transfer_slip", actor=world.actor("officer1"), services=world.services
        )
    assert "Kính chuyển UBND Quận 3 hồ sơ" in text_of(draft) and "Số {{ document_number }}" in text_of(draft)

    second = upload(api, docx_with("Bản hai {{ case_title }}"), activate="false").json()
    assert (second["version"], second["active"]) == (2, False)
    versions = api.get("/api/document-templates/transfer_slip/versions", "designer1").json()
    assert [(v["version"], v["active"]) for v in versions] == [(2, False), (1, True)]

    back = api.post("/api/document-templates/transfer_slip/versions/0/activate", "designer1")
    assert back.json() == {"kind": "transfer_slip", "active_version": 0}
    with transaction(world.factory) as session:
        draft = render_draft(
            session, case_id=case.id, kind="transfer_slip", actor=world.actor("officer1"), services=world.services
        )
    assert "PHIẾU CHUYỂN ĐƠN" in text_of(draft)

    file = api.get("/api/document-templates/transfer_slip/versions/1/file", "designer1")
    assert file.status_code == 200 and file.headers["content-type"] == DOCX and file.content == template
    builtin = api.get("/api/document-templates/transfer_slip/versions/0/file", "designer1")
    assert text_of(builtin.content) == text_of(build_template(DocumentKind.TRANSFER_SLIP))


def test_bad_templates_are_refused_naming_the_problem(api):
    not_docx = upload(api, b"%PDF-1.7 not a word file")
    assert not_docx.status_code == 400 and "không phải tệp DOCX" in not_docx.json()["detail"]
    broken = upload(api, docx_with("Số {{ document_number }", "{% if %}"))
    assert broken.status_code == 400 and "sai cú pháp" in broken.json()["detail"]
    huge = upload(api, b"0" * 2_000_001)
    assert huge.status_code == 413
    unknown = upload(api, docx_with("{{ x }}"), kind="memo")
    assert unknown.status_code == 404 and "memo" in unknown.json()["detail"]
    assert api.get("/api/document-templates/transfer_slip/versions", "designer1").json() == []


def test_a_preview_fills_the_template_with_a_case_without_protected_names(api, world):
    case_id = walk_to_the_end(world, "denunciation", lambda *_: None)
    url = f"/api/document-templates/denunciation_acceptance_notice/preview/{case_id}"
    preview = api.get(url, "designer1")
    assert preview.status_code == 200 and preview.headers["content-type"] == DOCX
    text = text_of(preview.content)
    assert "THÔNG BÁO" in text and "Về việc thụ lý tố cáo" in text
    assert "Trần Thị Y" not in text and "Người gửi đơn (thông tin được bảo vệ)" in text
    fields = {f["name"]: f for f in api.get(f"{url}/fields", "designer1").json()}
    assert fields["petitioner_name"]["value"] == "Người gửi đơn (thông tin được bảo vệ)"
    assert fields["document_number"]["value"] == "{{ document_number }}"
    assert fields["accepted_on"]["filled"] and fields["accepted_on"]["value"].startswith("ngày ")
    assert api.get(url, "officer1").status_code == 403


def test_the_designer_pages_upload_activate_and_preview(web, world):
    case = register_petition(world)
    triage(world, case.id, "complaint", "transfer", competent_body="UBND Quận 3")
    browser = web().login("designer1")
    listing = browser.get("/designer/documents")
    assert listing.status_code == 200 and "Phiếu chuyển đơn" in listing.text and "Mẫu gốc" in listing.text
    page = "/designer/documents/transfer_slip"
    refused = browser.post_form(
        page, {"activate": "on"}, csrf_from=page, files={"file": ("x.docx", b"not a docx", DOCX)}
    )
    assert refused.status_code == 400 and "Không nhận tệp mẫu" in refused.text and "không phải tệp DOCX" in refused.text
    saved = browser.post_form(
        page, {"activate": "on"}, csrf_from=page,
        files={"file": ("mau.docx", docx_with("Gửi {{ competent_body }}"), DOCX)},
    )  # fmt: skip
    assert saved.status_code == 303 and saved.headers["location"] == f"{page}?uploaded=1"
    shown = browser.get(saved.headers["location"])
    assert "Đã lưu phiên bản 1." in shown.text and 'id="in-use">v1<' in shown.text
    assert "Hoàng Văn Em" in shown.text  # the uploader by full name
    preview = browser.get(f"{page}/preview?case_id={case.id}")
    assert preview.status_code == 200 and "UBND Quận 3" in preview.text
    docx = browser.get(f"{page}/preview.docx?case_id={case.id}")
    assert docx.status_code == 200 and "Gửi UBND Quận 3" in text_of(docx.content)
    builtin = browser.post_form(f"{page}/activate", {"version": "0"}, csrf_from=page)
    assert builtin.status_code == 303
    assert 'id="in-use">Mẫu gốc<' in browser.get(page).text
    assert browser.get(f"{page}/preview?case_id=abc").status_code == 400


def test_the_modeler_offers_the_kinds_by_name_for_a_steps_documents(web):
    page = web().login("designer1").get("/designer/new").text
    assert 'id="prop-document-kinds"' in page
    assert '<option value="transfer_slip">Phiếu chuyển đơn</option>' in page
