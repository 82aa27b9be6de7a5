"""Filling a draft at issuance: its number and date placeholders, and the checks an uploaded draft must pass."""

import io
import zipfile
from typing import TYPE_CHECKING

from jinja2 import TemplateError

from engine.core.errors import BadRequest, PayloadTooLarge

if TYPE_CHECKING:
    from docxtpl import DocxTemplate

NUMBER_PLACEHOLDER = "document_number"
DATE_PLACEHOLDER = "issued_on_text"


class DraftRefused(BadRequest):
    """An uploaded draft is not a DOCX this system can issue (not a Word file, or its number placeholder lost)."""


def _template(docx: bytes, what: str) -> "DocxTemplate":
    from docxtpl import DocxTemplate  # on first use: python-docx is slow to import

    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise DraftRefused(f"{what} không phải tệp Word (DOCX): thiếu word/document.xml")
        template = DocxTemplate(io.BytesIO(docx))
        template.init_docx()
    except zipfile.BadZipFile as exc:
        raise DraftRefused(f"{what} không phải tệp Word (DOCX)") from exc
    except DraftRefused:
        raise
    except Exception as exc:  # python-docx refuses a damaged package in many ways
        raise DraftRefused(f"{what} là tệp Word hỏng, không đọc được: {exc}") from exc
    return template


def check_draft(docx: bytes, *, filename: str, max_bytes: int) -> None:
    """Refuse an uploaded draft that is empty, too large, not a DOCX, or no longer has ``{{ document_number }}``."""
    what = f"Tệp '{filename}'"
    if not docx:
        raise DraftRefused(f"{what} rỗng")
    if len(docx) > max_bytes:
        raise PayloadTooLarge(f"{what} lớn hơn giới hạn {max_bytes} byte")
    template = _template(docx, what)
    try:
        names = template.get_undeclared_template_variables()
    except TemplateError as exc:
        raise DraftRefused(f"{what} có chỗ giữ chỗ hỏng ({{{{ … }}}}): {exc.message}") from exc
    if NUMBER_PLACEHOLDER not in names:
        raise DraftRefused(
            f"{what} phải giữ nguyên {{{{ {NUMBER_PLACEHOLDER} }}}} ở chỗ số văn bản: số được cấp khi ban hành"
        )


def fill_issue_fields(docx: bytes, *, document_number: str, issued_on_text: str) -> bytes:
    """The draft with its number (``12/TB-Q1``) and date written out (``30 tháng 11 năm 2026``) filled in."""
    template = _template(docx, "Bản thảo")
    try:
        template.render({NUMBER_PLACEHOLDER: document_number, DATE_PLACEHOLDER: issued_on_text}, autoescape=True)
    except TemplateError as exc:
        raise DraftRefused(f"Bản thảo có chỗ giữ chỗ hỏng ({{{{ … }}}}): {exc.message}") from exc
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()
