"""The register of outgoing documents as an XLSX workbook (openpyxl), as the page shows it."""

import io
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Font

from engine.core.models import Unit
from engine.documents.kinds import KIND_INFO, DocumentKind
from engine.documents.queries import RegisterEntry

HEADERS = ("Số, ký hiệu", "Ngày ban hành", "Loại văn bản", "Trích yếu", "Người ký", "Hồ sơ")


def register_rows(entries: list[RegisterEntry]) -> list[tuple[str, str, str, str, str, str]]:
    """The register's lines as text: symbol, date dd/mm/yyyy, kind by name, summary, signer, tracking code."""
    return [
        (
            entry.document.symbol,
            entry.document.issued_on.strftime("%d/%m/%Y"),
            KIND_INFO[DocumentKind(entry.document.kind)].name_vi,
            entry.document.title,
            entry.document.signer_name,
            entry.tracking_code or "",
        )
        for entry in entries
    ]


def register_xlsx(unit: Unit, year: int, entries: list[RegisterEntry], *, generated_at: datetime) -> bytes:
    """The workbook of a unit's register for a year: a title line, the headers and one line per document."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = f"So van ban di {year}"
    sheet.append([f"Sổ văn bản đi năm {year} — {unit.name}"])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([f"Lập lúc {generated_at.strftime('%d/%m/%Y %H:%M')}"])
    sheet.append(list(HEADERS))
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in register_rows(entries):
        sheet.append(list(row))
    for column, width in zip("ABCDEF", (18, 14, 34, 60, 28, 18), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
