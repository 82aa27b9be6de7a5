"""Official document templates: every kind renders for a case walked through the engine, in the Party layout for a
Party committee and the state layout for a people's committee, with the number and the issue date left as
placeholders, the date of receipt written out, the recipients and the summary; protected names only in the full
copy of the kinds addressed to the petitioner."""

import io

import pytest
from docx import Document

from engine.core.db import transaction
from engine.core.models import Unit
from engine.documents.kinds import DocumentKind
from engine.documents.letterhead import BodyType, letterhead_of
from engine.documents.template_builder import TEMPLATES_DIR, build_template, template_path
from engine.documents.template_store import template_variables
from engine.documents.template_texts import IDENTITY_BEARING_KINDS
from engine.documents.templates import BLANK, document_title, render_draft
from tests.documents import text_of
from tests.petitions import register_petition, triage
from tests.walks import walk_to_the_end

PARTY = ("Thành ủy TP. Hồ Chí Minh", "Quận ủy Quận 1")
STATE = ("UBND Thành phố Hồ Chí Minh", "UBND Quận 1")


def name_units(world, superior: str, unit: str) -> None:
    """Give the test tree's city and district d1 real names (the layout follows them)."""
    with transaction(world.factory) as session:
        session.get(Unit, world.units["city"]).name = superior
        session.get(Unit, world.units["d1"]).name = unit


def runs_of(docx: bytes) -> list[str]:
    document = Document(io.BytesIO(docx))
    runs = [r.text for p in document.paragraphs for r in p.runs]
    for table in document.tables:
        for cell in table._cells:
            runs += [r.text for p in cell.paragraphs for r in p.runs]
    return runs


def draft(world, case_id: int, kind: DocumentKind, username: str = "officer1", **options) -> bytes:
    with transaction(world.factory) as session:
        return render_draft(
            session, case_id=case_id, kind=kind, actor=world.actor(username), services=world.services, **options
        )


def no_visit(*_args) -> None:
    return None


def test_the_committed_templates_are_what_the_builder_writes():
    for kind in DocumentKind:
        committed = Document(str(template_path(kind, TEMPLATES_DIR)))
        built = Document(io.BytesIO(build_template(kind)))
        assert [p.text for p in committed.paragraphs] == [p.text for p in built.paragraphs], kind
        assert text_of(template_path(kind).read_bytes()) == text_of(build_template(kind)), kind


def test_every_template_keeps_number_and_date_in_single_runs_and_uses_known_fields():
    for kind in DocumentKind:
        docx = template_path(kind).read_bytes()
        runs = runs_of(docx)
        assert any("{{ document_number }}" in run for run in runs), kind
        assert any("ngày {{ issued_on_text }}" in run for run in runs), kind
        assert {"document_number", "issued_on_text", "recipients", "signer_name"} <= set(template_variables(docx))


@pytest.mark.parametrize("process_key", ["report_1374", "complaint", "denunciation"])
def test_every_kind_renders_for_a_case_walked_to_the_end_in_the_party_layout(world, process_key):
    name_units(world, *PARTY)
    case_id = walk_to_the_end(world, process_key, no_visit)
    for kind in DocumentKind:
        text = text_of(draft(world, case_id, kind, redacted=True))
        assert "ĐẢNG BỘ TP. HỒ CHÍ MINH" in text and "QUẬN ỦY QUẬN 1" in text, kind
        assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" not in text, kind
        assert "Số {{ document_number }}" in text, kind
        assert "Quận 1, ngày {{ issued_on_text }}" in text, kind
        assert "Nơi nhận:" in text and "- Lưu: VT." in text, kind
        assert "T/M BAN THƯỜNG VỤ" in text, kind
        assert "{%" not in text, kind
        with world.factory() as session:
            title = document_title(session, case_id=case_id, kind=kind)
        assert title and title in text, kind


def test_a_verification_conclusion_in_the_state_layout_names_the_subject_the_findings_and_the_leader(world):
    name_units(world, *STATE)
    case_id = walk_to_the_end(world, "report_1374", no_visit)
    docx = draft(world, case_id, DocumentKind.VERIFICATION_CONCLUSION, username="officer1")
    text = text_of(docx)
    assert "UBND THÀNH PHỐ HỒ CHÍ MINH" in text and "UBND QUẬN 1" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "Số: {{ document_number }}" in text
    assert "KẾT LUẬN" in text and "TM. ỦY BAN NHÂN DÂN" in text and "CHỦ TỊCH" in text
    # the officer completing is no leader: the unit's supervisor signs, by full name
    assert "Phạm Thị Dung" in text and "officer1" not in text
    assert "- Nguyễn Văn X;" in text and "- UBND phường Bến Nghé;" in text  # the subject and their unit
    assert "Kết quả xác minh:" in text and "Có vi phạm: Có." in text
    with world.factory() as session:
        title = document_title(session, case_id=case_id, kind=DocumentKind.VERIFICATION_CONCLUSION)
    assert title in text
    # the date of receipt is written out, never ISO
    assert " tháng " in text and " năm " in text
    assert "True" not in text and "False" not in text


def test_a_denunciation_acceptance_notice_names_the_denouncer_only_in_the_full_copy(world):
    name_units(world, *PARTY)
    case_id = walk_to_the_end(world, "denunciation", no_visit)
    kind = DocumentKind.DENUNCIATION_ACCEPTANCE_NOTICE
    assert kind in IDENTITY_BEARING_KINDS
    full, redacted = text_of(draft(world, case_id, kind)), text_of(draft(world, case_id, kind, redacted=True))
    assert "Kính gửi: Trần Thị Y" in full and "- Trần Thị Y;" in full
    assert "Trần Thị Y" not in redacted and "12 Lê Lợi" not in redacted
    assert "Kính gửi: Người gửi đơn (thông tin được bảo vệ)" in redacted
    assert "THÔNG BÁO" in full and "Về việc thụ lý tố cáo" in full


def test_a_conclusion_never_names_the_denouncer_even_unredacted(world):
    name_units(world, *PARTY)
    case_id = walk_to_the_end(world, "denunciation", no_visit)
    text = text_of(draft(world, case_id, DocumentKind.DENUNCIATION_CONCLUSION))
    assert "Trần Thị Y" not in text
    assert "Tố cáo đúng một phần." in text


def test_a_transfer_slip_goes_to_the_competent_body_and_dates_the_petition_in_words(world):
    name_units(world, *STATE)
    case = register_petition(world)
    triage(world, case.id, "complaint", "transfer", competent_body="UBND Quận 3")
    text = text_of(draft(world, case.id, DocumentKind.TRANSFER_SLIP, redacted=True))
    assert "PHIẾU CHUYỂN ĐƠN" in text
    assert "Kính gửi: UBND Quận 3" in text and "- UBND Quận 3;" in text
    assert "nhận được đơn của Người gửi đơn (thông tin được bảo vệ)" in text


def test_a_value_the_case_lacks_prints_a_dotted_blank_to_fill_in_word(world):
    name_units(world, *STATE)
    case = register_petition(world)
    text = text_of(draft(world, case.id, DocumentKind.GUIDANCE_LETTER, redacted=True))
    assert BLANK in text  # no guidance yet: the officer writes it in
    assert "V/v hướng dẫn gửi đơn" in text


def test_the_layout_follows_the_kind_of_body(world):
    with transaction(world.factory) as session:
        parent = Unit(code="tp", name="Thành ủy TP. Hồ Chí Minh", path="/")
        ward = Unit(code="bn", name="Đảng ủy phường Bến Nghé", path="/")
        inspect = Unit(code="tt", name="Thanh tra Quận 1", path="/")
        session.add_all([parent, ward, inspect])
        session.flush()
        ward.parent_id = parent.id
        head = letterhead_of(session, ward)
        assert (head.body_type, head.abbreviation, head.place) == (BodyType.PARTY, "ĐU", "Bến Nghé")
        assert head.superior_name == "Đảng bộ TP. Hồ Chí Minh"
        assert letterhead_of(session, inspect).body_type == BodyType.STATE
        assert letterhead_of(session, inspect).number_prefix() == "Số: "


def test_case_text_cannot_open_a_placeholder_filled_again_at_issuance(world):
    from docxtpl import DocxTemplate

    from tests.petitions import petition_data

    name_units(world, *STATE)
    case = register_petition(world, petition_data(title="Đơn {{ document_number }} {% if x %} & <khác>"))
    triage(world, case.id, "complaint", "transfer", competent_body="UBND Quận 3")
    docx = draft(world, case.id, DocumentKind.TRANSFER_SLIP, redacted=True)
    issued = DocxTemplate(io.BytesIO(docx))
    issued.render({"document_number": "7/PC-UBND", "issued_on_text": "30 tháng 11 năm 2026"}, autoescape=True)
    out = io.BytesIO()
    issued.save(out)
    text = text_of(out.getvalue())
    assert "Số: 7/PC-UBND" in text and "Quận 1, ngày 30 tháng 11 năm 2026" in text
    assert "Đơn { { document_number }} { % if x %} & <khác>" in text
    assert text.count("7/PC-UBND") == 1


def test_a_templates_placeholders_are_parsed_once_and_each_caller_gets_its_own_list(monkeypatch):
    import docxtpl

    docx = template_path(DocumentKind.VERIFICATION_CONCLUSION).read_bytes()
    first = template_variables(docx)
    parsed = []
    monkeypatch.setattr(docxtpl, "DocxTemplate", lambda *args: parsed.append(args))
    first.append("changed by its caller")
    assert template_variables(docx) == first[:-1] and parsed == []


def test_past_the_limit_the_oldest_templates_placeholders_are_forgotten(monkeypatch):
    from engine.documents import template_check

    monkeypatch.setattr(template_check, "PARSED_KEPT", 1)
    monkeypatch.setattr(template_check, "_parsed", {})
    parsed: list[bytes] = []
    parse = template_check._parse_variables
    monkeypatch.setattr(template_check, "_parse_variables", lambda docx: parsed.append(docx) or parse(docx))
    first = template_path(DocumentKind.VERIFICATION_CONCLUSION).read_bytes()
    second = template_path(DocumentKind.TRANSFER_SLIP).read_bytes()
    for docx in (first, second, second, first):
        template_variables(docx)
    assert parsed == [first, second, first]
