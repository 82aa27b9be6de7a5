"""The portal page "Xác thực văn bản": a citizen uploads a PDF and reads the verdict in Vietnamese, no sign-in."""

import hashlib

from sqlalchemy import select

from engine.core.models import Case
from tests.cases import start_report
from tests.documents import record_issued, signed_pdf, small_pdf
from tests.portal import form_token, portal_client

PAGE = "/portal/xac-thuc-van-ban"


def _upload(client, content: bytes, token: str | None = None):
    if token is None:
        token = form_token(client.get(PAGE).text)
    return client.post(PAGE, data={"form_token": token}, files={"file": ("van-ban.pdf", content, "application/pdf")})


def test_the_page_is_in_the_portal_menu_and_asks_for_a_pdf(world):
    with portal_client(world) as client:
        home = client.get("/portal")
        page = client.get(PAGE)
    assert 'href="/portal/xac-thuc-van-ban"' in home.text and "Xác thực văn bản" in home.text
    assert page.status_code == 200 and 'type="file"' in page.text and 'enctype="multipart/form-data"' in page.text


def test_a_genuine_notice_shows_its_unit_number_date_and_published_case(world):
    pdf = signed_pdf(world)
    case_id = start_report(world)
    record_issued(world, unit_id=world.units["d1"], pdf_sha256=hashlib.sha256(pdf).hexdigest(), case_id=case_id)
    with world.factory() as session:
        case = session.scalars(select(Case).where(Case.id == case_id)).one()
        case.published_portal = True
        code = case.tracking_code
        session.commit()
    with portal_client(world) as client:
        response = _upload(client, pdf)
    assert response.status_code == 200, response.text
    page = response.text
    assert "Chữ ký số hợp lệ, văn bản không bị thay đổi" in page
    for shown in ("Đơn vị d1", "12/TB-Q1", "30/11/2026", "Thông báo thụ lý tố cáo", code):
        assert shown in page, shown
    assert "Chứng thư số thử nghiệm (DEMO)" in page
    assert "denunciation_acceptance_notice" not in page and "True" not in page, "no raw code on the page"


def test_a_tampered_and_an_unsigned_document_say_so(world):
    pdf = bytearray(signed_pdf(world))
    at = bytes(pdf).index(b"/Contents <") - 400
    pdf[at] = ord("0") if pdf[at] != ord("0") else ord("1")
    with portal_client(world) as client:
        tampered = _upload(client, bytes(pdf))
        unsigned = _upload(client, small_pdf())
        not_pdf = _upload(client, b"hello")
    assert "Văn bản đã bị thay đổi sau khi ký" in tampered.text
    assert "Văn bản không có chữ ký số" in unsigned.text
    assert not_pdf.status_code == 400 and "Tệp đã chọn không phải là tệp PDF." in not_pdf.text


def test_the_page_speaks_english_on_request(world):
    with portal_client(world) as client:
        page = client.get(PAGE + "?lang=en")
        verdict = _upload(client, small_pdf())
    assert "Verify a document" in page.text
    assert "The document has no digital signature" in verdict.text


def test_a_forged_token_is_refused_and_checks_are_rate_limited(world):
    with portal_client(world, portal_lookup_limit=2) as client:
        forged = _upload(client, small_pdf(), token="forged.1.x")
        allowed = _upload(client, small_pdf())
        limited = _upload(client, small_pdf())
    assert forged.status_code == 400
    assert allowed.status_code == 200
    assert limited.status_code == 429 and "Retry-After" in limited.headers
