"""Builds the committed DOCX templates (engine/documents/template_files/<kind>.docx) with python-docx.

One layout serves Party and state bodies: the letterhead's lines come from the context (engine/documents/
letterhead.py), so the same template prints "ĐẢNG CỘNG SẢN VIỆT NAM" and "Số 12-TB/QU" for a Party committee
(Hướng dẫn 36-HD/VPTW) and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM / Độc lập - Tự do - Hạnh phúc" and
"Số: 12/TB-UBND" for a people's committee (Nghị định 30/2020/NĐ-CP). A4, margins 20/20/30/15 mm, Times New Roman
13–14. Every placeholder sits in a single run so docxtpl (and a later fill at issuance) finds it whole.

Run ``python -m engine.documents.template_builder`` after changing a text or the layout; the written files are the
ones deployed, and a test checks they match this builder.
"""

import io
import sys
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import _Cell

from engine.documents.kinds import DocumentKind
from engine.documents.template_files import TEMPLATES_DIR, template_path
from engine.documents.template_texts import KIND_TEXTS, KindText

__all__ = ["TEMPLATES_DIR", "build_template", "template_path"]
FONT = "Times New Roman"
NUMBER_LINE = "{{ number_prefix }}{{ document_number }}"
DATE_LINE = "{{ place }}, ngày {{ issued_on_text }}"
CENTER = WD_ALIGN_PARAGRAPH.CENTER
JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY


def _run(paragraph, text: str, *, size: float = 14, bold: bool = False, italic: bool = False, underline=False):
    run = paragraph.add_run(text)
    run.font.name = FONT
    run.font.size = Pt(size)
    run.bold = bold
    run.italic = italic
    run.underline = underline
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), FONT)
    return run


def _line(container, text: str, *, align=CENTER, space_after: float = 0, **style) -> None:
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(space_after)
    paragraph.paragraph_format.space_before = Pt(0)
    if text:
        _run(paragraph, text, **style)


def _first_line(cell: _Cell, text: str, **style) -> None:
    """Write into the cell's own first (empty) paragraph."""
    paragraph = cell.paragraphs[0]
    paragraph.alignment = CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    _run(paragraph, text, **style)


def _page(document: DocxDocument) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def _letterhead(document: DocxDocument, text: KindText) -> None:
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    left, right = table.rows[0].cells
    table.columns[0].width, table.columns[1].width = Cm(7), Cm(9.5)
    left.width, right.width = Cm(7), Cm(9.5)
    _first_line(left, "{{ superior_name }}", size=12)
    _line(left, "{{ unit_name_caps }}", size=13, bold=True)
    _line(left, "{{ header_mark }}", size=13)
    _line(left, NUMBER_LINE, size=13)
    if not text.document_type:
        _line(left, "{{ document_summary }}", size=12)
    title = right.paragraphs[0]
    title.alignment = CENTER
    title.paragraph_format.space_after = Pt(0)
    _run(title, "{{ party_title }}", size=14, bold=True, underline=True)  # 36-HD/VPTW: a line under it
    _run(title, "{{ state_title }}", size=12, bold=True)
    _line(right, "{{ motto }}", size=14, bold=True, underline=True)  # NĐ 30/2020: a line under the motto
    _line(right, DATE_LINE, size=14, italic=True)


def _heading(document: DocxDocument, text: KindText) -> None:
    _line(document, "", space_after=6)
    if text.document_type:
        _line(document, text.document_type, size=14, bold=True)
        _line(document, "{{ document_summary }}", size=14, bold=True, space_after=12)
    if text.decision_heading:
        _line(document, "{{ deciding_authority }}", size=14, bold=True, space_after=12)
    if text.addressee:
        _line(document, f"Kính gửi: {text.addressee}", size=14, space_after=12)


def _body(document: DocxDocument, text: KindText) -> None:
    for sentence in text.body:
        if sentence == "QUYẾT ĐỊNH:":
            _line(document, sentence, size=14, bold=True, space_after=6)
            continue
        paragraph = document.add_paragraph()
        paragraph.alignment = JUSTIFY
        paragraph.paragraph_format.first_line_indent = Cm(1)
        paragraph.paragraph_format.space_after = Pt(6)
        _run(paragraph, sentence, size=14)


def _signature(document: DocxDocument) -> None:
    _line(document, "", space_after=6)
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    left, right = table.rows[0].cells
    table.columns[0].width, table.columns[1].width = Cm(8), Cm(8.5)
    left.width, right.width = Cm(8), Cm(8.5)
    first = left.paragraphs[0]
    _run(first, "Nơi nhận:", size=12, bold=True, italic=True)
    _line(left, "{%p for recipient in recipients %}", align=WD_ALIGN_PARAGRAPH.LEFT, size=11)
    _line(left, "- {{ recipient }};", align=WD_ALIGN_PARAGRAPH.LEFT, size=11)
    _line(left, "{%p endfor %}", align=WD_ALIGN_PARAGRAPH.LEFT, size=11)
    _line(left, "- Lưu: VT.", align=WD_ALIGN_PARAGRAPH.LEFT, size=11)
    _first_line(right, "{{ signer_authority }}", size=14, bold=True)
    _line(right, "{{ signer_title }}", size=14, bold=True)
    for _ in range(3):
        _line(right, "")
    _line(right, "{{ signer_name }}", size=14, bold=True)


def build_template(kind: DocumentKind) -> bytes:
    """The DOCX template of ``kind`` (its parts are the same on every run; the zip's timestamps are not)."""
    text = KIND_TEXTS[kind]
    document = Document()
    _page(document)
    _letterhead(document, text)
    _heading(document, text)
    _body(document, text)
    _signature(document)
    properties = document.core_properties
    properties.author = "Phản Ánh"
    properties.title = kind.value
    properties.last_modified_by = "Phản Ánh"
    properties.revision = 1
    properties.created = properties.modified = datetime(2026, 1, 1)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def write_templates(folder: Path = TEMPLATES_DIR) -> list[Path]:
    """Write every kind's template into ``folder``; returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in DocumentKind:
        path = template_path(kind, folder)
        path.write_bytes(build_template(kind))
        written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover - a developer's command
    for path in write_templates(Path(sys.argv[1]) if len(sys.argv) > 1 else TEMPLATES_DIR):
        print(path)
