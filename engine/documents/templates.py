"""PLACEHOLDER of the document templates (issue 14a): a plain draft of each kind, until the templates land.

The lead takes the templates helper's module at merge; only the two signatures below are relied upon.
"""

import io

from docx import Document
from sqlalchemy.orm import Session

from engine.core.models import Case, Unit
from engine.documents.kinds import KIND_INFO, DocumentKind
from engine.people.auth import Actor


def document_title(session: Session, *, case_id: int, kind: str) -> str:
    """PLACEHOLDER: the summary (trích yếu) of a case's document of ``kind``."""
    case = session.get(Case, case_id)
    subject = case.title if case is not None else ""
    return f"{KIND_INFO[DocumentKind(kind)].name_vi} về {subject}".strip()


def render_draft(session: Session, *, case_id: int, kind: str, actor: Actor, redacted: bool = False) -> bytes:
    """PLACEHOLDER: a plain DOCX draft of ``kind`` for the case, with ``{{ document_number }}`` and
    ``{{ issued_on_text }}`` left for the issuance to fill (each in a single run)."""
    case = session.get(Case, case_id)
    if case is None:
        raise LookupError(case_id)
    unit = session.get(Unit, case.unit_id)
    info = KIND_INFO[DocumentKind(kind)]
    document = Document()
    document.add_paragraph(unit.name if unit is not None else "")
    document.add_paragraph("Số: {{ document_number }}")
    document.add_paragraph("ngày {{ issued_on_text }}")
    document.add_paragraph(info.name_vi.upper())
    document.add_paragraph(document_title(session, case_id=case_id, kind=kind))
    document.add_paragraph(f"Hồ sơ {case.tracking_code}")
    document.add_paragraph("Nơi nhận:")
    document.add_paragraph("- Như trên;")
    document.add_paragraph("- Lưu: VT.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
