"""Reading a legacy petition register kept in Excel: the columns, the mapping of headers to fields, each row checked.

Headers are matched without case or diacritics ("Ngày nhận đơn" = "ngay nhan don"); a mapping given by the user
(``{"Ngày tiếp nhận": "received_on"}``) comes first. Each row becomes either a petition to import or the reasons it
cannot be imported, with its row number in the sheet.
"""

import io
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl import load_workbook

from engine.core.errors import BadRequest
from engine.petitions.duplicates import normalize

FIELDS = {
    "received_on": ("ngay nhan", "ngay nhan don", "ngay tiep nhan"),
    "petitioner_name": ("ho ten nguoi gui", "nguoi gui", "ho va ten nguoi gui don", "nguoi gui don"),
    "petitioner_address": ("dia chi", "dia chi nguoi gui"),
    "kind": ("loai don", "phan loai"),
    "field": ("linh vuc",),
    "title": ("tieu de", "trich yeu", "noi dung tom tat"),
    "content": ("noi dung", "noi dung don"),
    "subject_name": (
        "nguoi bi khieu nai to cao",
        "doi tuong",
        "nguoi bi phan anh",
        "nguoi co quan bi khieu nai to cao",
    ),
    "unit": ("don vi", "don vi xu ly", "don vi tiep nhan"),
    "outcome": ("ket qua", "tinh trang", "ket qua xu ly"),
    "resolved_on": ("ngay giai quyet", "ngay ket thuc", "ngay xu ly xong"),
}
REQUIRED = ("received_on", "kind", "field", "title", "content", "subject_name", "unit")
RESOLVED_WORDS = ("da giai quyet", "da xu ly", "hoan thanh", "xong")
MAX_ROWS = 20_000


@dataclass
class SheetRow:
    """One row of the sheet as fields, with its number in the sheet."""

    number: int
    values: dict[str, object] = field(default_factory=dict)


def column_fields(headers: list[object], mapping: dict[str, str]) -> dict[int, str]:
    """Which field each column holds; ``BadRequest`` naming the missing required columns."""
    chosen = {normalize(header): name for header, name in mapping.items()}
    unknown = sorted(set(chosen.values()) - set(FIELDS))
    if unknown:
        raise BadRequest(f"Trường không có trong sổ đơn: {', '.join(unknown)}; các trường: {', '.join(FIELDS)}")
    columns: dict[int, str] = {}
    for index, header in enumerate(headers):
        key = normalize(str(header or ""))
        name = chosen.get(key) or next((f for f, names in FIELDS.items() if key in names), None)
        if name and name not in columns.values():
            columns[index] = name
    missing = [name for name in REQUIRED if name not in columns.values()]
    if missing:
        raise BadRequest(f"Bảng tính thiếu cột: {', '.join(missing)} (hoặc chỉ rõ cột nào là trường nào)")
    return columns


def read_sheet(content: bytes, mapping: dict[str, str]) -> list[SheetRow]:
    """The rows of the first sheet (header on row 1), blank rows skipped; ``BadRequest`` for an unreadable file."""
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is no workbook
        raise BadRequest(f"Không đọc được tệp Excel (.xlsx): {exc}") from exc
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    headers = list(next(rows, []) or [])
    columns = column_fields(headers, mapping)
    read: list[SheetRow] = []
    for number, cells in enumerate(rows, start=2):
        if all(cell is None or str(cell).strip() == "" for cell in cells):
            continue
        if len(read) >= MAX_ROWS:
            raise BadRequest(f"Bảng tính có hơn {MAX_ROWS:,} dòng; chia thành nhiều tệp")
        read.append(SheetRow(number, {name: cells[i] if i < len(cells) else None for i, name in columns.items()}))
    workbook.close()
    return read


def cell_date(value: object) -> date | None:
    """A date from a date cell or a text "dd/mm/yyyy" or "yyyy-mm-dd"; None when empty; ValueError otherwise."""
    if value is None or str(value).strip() == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"ngày '{text}' không đúng dạng dd/mm/yyyy")


def is_resolved(outcome: object) -> bool:
    """Whether the outcome column says the petition was resolved."""
    text = normalize(str(outcome or ""))
    return any(word in text for word in RESOLVED_WORDS)
