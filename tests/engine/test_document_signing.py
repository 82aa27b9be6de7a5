"""PAdES signatures of official documents and their verification: pyHanko validates what we sign, one changed byte
or an appended revision is caught, an unknown certificate is not trusted, the register entry is found by SHA-256."""

import hashlib
import io

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from sqlalchemy import select

from engine.core.models import Case, SigningCertificate
from engine.documents.certificates import CertificateRole, SigningKeyMissing, trust_roots
from engine.documents.signing import NotAPdf, SigningFailed, sign_pdf
from engine.documents.verification import VerdictStatus, verify_document
from tests.cases import start_report
from tests.documents import foreign_p12, record_issued, small_pdf


def _sign(world, unit: str = "d1", **settings) -> bytes:
    with world.factory() as session:
        return sign_pdf(
            small_pdf(), unit_id=world.units[unit], signer_name="Trần Thị Lãnh Đạo", signer_title="Chánh Thanh tra",
            session=session, signed_on=world.clock.now().date(), settings=world.settings.model_copy(update=settings),
        )  # fmt: skip


def _verify(world, pdf: bytes, **settings):
    with world.factory() as session:
        return verify_document(session, pdf, settings=world.settings.model_copy(update=settings))


def test_pyhanko_validates_the_signature_against_the_demo_ca_and_the_block_names_the_signer(world):
    signed = _sign(world)
    with world.factory() as session:
        roots = trust_roots(session, world.settings)
    signature = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0]
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=roots, allow_fetching=False))
    assert status.intact and status.valid and status.trusted
    assert status.signing_cert.subject.native["common_name"] == "Đơn vị d1 (DEMO)"
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached", "PAdES, not adbe.pkcs7"
    widget_box = [float(v) for v in signature.sig_field["/Rect"]]
    assert widget_box[2] - widget_box[0] > 100 and widget_box[3] - widget_box[1] > 20, "a visible block"


def test_a_signed_document_verifies_as_valid_with_its_unit(world):
    verdict = _verify(world, _sign(world))
    assert verdict.status is VerdictStatus.VALID and verdict.valid
    assert verdict.summary == "Chữ ký số hợp lệ, văn bản không bị thay đổi"
    assert verdict.unit_name == "Đơn vị d1" and verdict.demo_certificate
    assert verdict.document is None, "not in any register"


def test_one_changed_byte_makes_it_invalid(world):
    signed = _sign(world)
    marker = signed.index(b"/Contents <") - 400  # a byte inside the signed range, before the signature
    tampered = bytearray(signed)
    tampered[marker] = ord("0") if tampered[marker] != ord("0") else ord("1")
    verdict = _verify(world, bytes(tampered))
    assert verdict.status is VerdictStatus.MODIFIED and not verdict.intact and not verdict.valid


def test_content_appended_after_signing_is_reported_as_modified(world):
    signed = _sign(world)
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    writer.root["/Lang"] = generic.TextStringObject("vi")  # any change, in a new revision
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    verdict = _verify(world, out.getvalue())
    assert verdict.status is VerdictStatus.MODIFIED


def test_a_key_from_an_unknown_ca_is_not_trusted_until_its_root_is_configured(world, tmp_path):
    p12, ca_pem = foreign_p12("Đơn vị d1")
    (tmp_path / "d1.p12").write_bytes(p12)
    signed = _sign(world, signing_p12_dir=tmp_path, signing_p12_password="mat-khau")
    untrusted = _verify(world, signed)
    assert untrusted.status is VerdictStatus.UNTRUSTED and untrusted.intact and not untrusted.trusted
    (tmp_path / "ca.pem").write_bytes(ca_pem)
    trusted = _verify(world, signed, signing_trust_roots=str(tmp_path / "ca.pem"))
    assert trusted.status is VerdictStatus.VALID


def test_a_wrong_p12_password_is_a_clear_error(world, tmp_path):
    p12, _ = foreign_p12("Đơn vị d1")
    (tmp_path / "d1.p12").write_bytes(p12)
    with pytest.raises(SigningFailed, match="mật khẩu"):
        _sign(world, signing_p12_dir=tmp_path, signing_p12_password="sai")


def test_a_unit_without_a_key_cannot_sign(world):
    with world.factory() as session:
        row = session.scalars(
            select(SigningCertificate).where(
                SigningCertificate.role == CertificateRole.UNIT, SigningCertificate.unit_id == world.units["d1"]
            )
        ).one()
        session.delete(row)
        session.commit()
    with pytest.raises(SigningKeyMissing, match="Đơn vị d1.*d1.p12"):
        _sign(world)


def test_a_pdf_without_signature_and_a_file_that_is_no_pdf(world):
    assert _verify(world, small_pdf()).status is VerdictStatus.UNSIGNED
    with pytest.raises(NotAPdf):
        _verify(world, b"PK\x03\x04 a zip, not a pdf")
    with world.factory() as session, pytest.raises(NotAPdf):
        sign_pdf(b"%PDF-1.7 broken", unit_id=world.units["d1"], signer_name="A", signer_title="B", session=session)


def test_a_registered_document_gives_its_number_date_unit_and_the_published_case_only(world):
    signed = _sign(world)
    case_id = start_report(world)
    record_issued(world, unit_id=world.units["d1"], pdf_sha256=hashlib.sha256(signed).hexdigest(), case_id=case_id)
    verdict = _verify(world, signed)
    assert verdict.document is not None
    assert (verdict.document.symbol, verdict.document.kind_name) == ("12/TB-Q1", "Thông báo thụ lý tố cáo")
    assert verdict.document.issued_on.isoformat() == "2026-11-30" and verdict.document.unit_name == "Đơn vị d1"
    assert verdict.document.tracking_code is None, "the case is not published"
    with world.factory() as session:
        case = session.get(Case, case_id)
        case.published_portal = True
        code = case.tracking_code
        session.commit()
    assert _verify(world, signed).document.tracking_code == code


def test_damaged_pdfs_get_a_verdict_never_an_exception(world):
    signed = _sign(world)
    at = signed.index(b"/Contents <") + len(b"/Contents <") + 20  # inside the signature's own bytes
    broken_signature = signed[:at] + (b"0" if signed[at : at + 1] != b"0" else b"1") + signed[at + 1 :]
    for damaged in (signed[: len(signed) // 2], broken_signature, b"%PDF-1.7\n" + bytes(range(256)) * 4):
        verdict = _verify(world, damaged)
        assert verdict.status in (VerdictStatus.INVALID, VerdictStatus.MODIFIED, VerdictStatus.UNSIGNED), damaged[:20]
        assert not verdict.valid
