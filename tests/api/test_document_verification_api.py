"""POST /api/documents/verify: anyone may check a PDF they received; the verdict, never a 500; rate-limited."""

import hashlib

from tests.documents import record_issued, signed_pdf, small_pdf
from tests.portal import portal_client


def _post(client, content: bytes, name: str = "van-ban.pdf"):
    return client.post("/api/documents/verify", files={"file": (name, content, "application/pdf")})


def test_a_signed_registered_document_is_valid_with_its_number_and_date(world):
    pdf = signed_pdf(world)
    record_issued(world, unit_id=world.units["d1"], pdf_sha256=hashlib.sha256(pdf).hexdigest())
    with portal_client(world) as client:
        response = _post(client, pdf)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["status"], body["valid"], body["intact"], body["trusted"]) == ("valid", True, True, True)
    assert body["summary"] == "Chữ ký số hợp lệ, văn bản không bị thay đổi"
    assert body["unit_name"] == "Đơn vị d1" and body["demo_certificate"] is True
    assert body["document"]["symbol"] == "12/TB-Q1" and body["document"]["issued_on"] == "2026-11-30"
    assert body["document"]["tracking_code"] is None


def test_a_changed_byte_an_unsigned_pdf_and_a_non_pdf(world):
    pdf = bytearray(signed_pdf(world))
    at = bytes(pdf).index(b"/Contents <") - 400
    pdf[at] = ord("0") if pdf[at] != ord("0") else ord("1")
    with portal_client(world) as client:
        modified = _post(client, bytes(pdf))
        unsigned = _post(client, small_pdf())
        not_pdf = _post(client, b"just some text", "note.txt")
        empty = _post(client, b"")
        missing = client.post("/api/documents/verify")
    assert modified.status_code == 200 and modified.json()["status"] == "modified"
    assert modified.json()["summary"] == "Văn bản đã bị thay đổi sau khi ký"
    assert unsigned.status_code == 200 and unsigned.json()["status"] == "unsigned"
    assert unsigned.json()["summary"] == "Văn bản không có chữ ký số"
    assert not_pdf.status_code == 400 and "PDF" in not_pdf.json()["detail"]
    assert empty.status_code == 400
    assert missing.status_code == 422


def test_a_file_over_the_limit_is_refused_with_413(world):
    with portal_client(world, max_verify_bytes=1000) as client:
        response = _post(client, b"%PDF-1.7\n" + b"0" * 2000)
    assert response.status_code == 413


def test_checks_are_rate_limited_per_address(world):
    with portal_client(world, portal_lookup_limit=2) as client:
        answers = [_post(client, small_pdf()).status_code for _ in range(3)]
        refused = _post(client, small_pdf())
    assert answers == [200, 200, 429]
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
