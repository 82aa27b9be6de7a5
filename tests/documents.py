"""Helpers for the official documents' tests: a DOCX's text (the letterhead table included), a small PDF to sign,
a register entry, a key from an unknown CA."""

import io
from datetime import UTC, date, datetime

from cryptography.hazmat.primitives import serialization
from docx import Document

from engine.core.models import IssuedDocument
from engine.documents.certificates import make_ca, make_unit_key
from tests.factories import World

_PDF: bytes | None = None


def small_pdf() -> bytes:
    """A one-page A4 PDF with Vietnamese text (made once by ReportLab, no LibreOffice needed)."""
    global _PDF
    if _PDF is None:
        from reportlab.lib.pagesizes import A4
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont
        from reportlab.pdfgen import canvas

        pdfmetrics.registerFont(TTFont("DejaVuSans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))
        buffer = io.BytesIO()
        page = canvas.Canvas(buffer, pagesize=A4)
        page.setFont("DejaVuSans", 12)
        for line, text in enumerate(("ỦY BAN NHÂN DÂN QUẬN 1", "Số: 12/TB-UBND", "Thông báo thụ lý tố cáo")):
            page.drawString(72, 770 - 20 * line, text)
        page.save()
        _PDF = buffer.getvalue()
    return _PDF


def record_issued(world: World, *, unit_id: int, pdf_sha256: str, case_id: int | None = None) -> None:
    """A register entry as issuance leaves it (only what verification reads is meaningful)."""
    now = world.clock.now()
    with world.factory() as session:
        session.add(
            IssuedDocument(
                case_id=case_id,
                task_id=None,
                unit_id=unit_id,
                kind="denunciation_acceptance_notice",
                year=2026,
                number=12,
                symbol="12/TB-Q1",
                title="Thông báo thụ lý tố cáo",
                issued_on=date(2026, 11, 30),
                issued_at=now,
                issued_by="lead1",
                signer_name="Trần Thị Lãnh Đạo",
                signed=True,
                sha256=pdf_sha256,
                identity_bearing=False,
                docx=b"docx",
                pdf=b"pdf",
            )  # fmt: skip
        )
        session.commit()


def foreign_p12(unit_name: str) -> tuple[bytes, bytes]:
    """A unit key issued by a CA this instance does not know, as (PKCS#12, the CA's PEM)."""
    now = datetime.now(UTC)
    ca_certificate, ca_key = make_ca(name="CA lạ (DEMO)", now=now)
    _, p12 = make_unit_key(
        unit_name=unit_name, ca_certificate=ca_certificate, ca_key=ca_key, now=now, password=b"mat-khau", demo=True
    )
    return p12, ca_certificate.public_bytes(serialization.Encoding.PEM)


def signed_pdf(world: World, unit: str = "d1") -> bytes:
    """``small_pdf`` signed with the unit's demo key from the test seed."""
    from engine.documents.signing import sign_pdf

    with world.factory() as session:
        return sign_pdf(
            small_pdf(), unit_id=world.units[unit], signer_name="Trần Thị Lãnh Đạo", signer_title="Chánh Thanh tra",
            session=session, signed_on=world.clock.now().date(), settings=world.settings,
        )  # fmt: skip


def text_of(docx: bytes) -> str:
    """Every paragraph of the document, tables included, one per line."""
    document = Document(io.BytesIO(docx))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                lines += [p.text for p in cell.paragraphs]
    return "\n".join(lines)
