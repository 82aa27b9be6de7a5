"""The DOCX templates of the kinds: the committed files, and the designers' uploaded versions (table
document_templates) of which the active one, if any, is used instead of the committed file.

An upload must be a real DOCX whose placeholders parse (docxtpl/Jinja); a bad file is refused with a 4xx naming the
problem. Every change is written to the admin log (uploads and activations are designers' acts on no case).
"""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from engine.core.errors import NotFound, PayloadTooLarge
from engine.core.models import DocumentTemplate
from engine.documents.kinds import DocumentKind
from engine.documents.template_check import TemplateRefused, template_variables
from engine.documents.template_files import TEMPLATES_DIR, template_path
from engine.people.admin_log import AdminAction, record_admin_event
from engine.people.auth import Actor
from engine.people.permissions import can_design, require

MAX_TEMPLATE_BYTES = 2_000_000
DOCX_MEDIA = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class TemplateSource:
    """The template a kind is rendered with now: an uploaded version (``version``) or the committed file (0)."""

    kind: DocumentKind
    version: int
    docx: bytes


def kind_of(value: str) -> DocumentKind:
    """The kind named ``value``, or NotFound naming it."""
    try:
        return DocumentKind(value)
    except ValueError:
        raise NotFound(f"Không có loại văn bản «{value}»") from None


def committed_template(kind: DocumentKind, folder: Path = TEMPLATES_DIR) -> bytes | None:
    """The committed template file of ``kind``, or None when it is missing."""
    path = template_path(kind, folder)
    return path.read_bytes() if path.is_file() else None


def active_template(session: Session, kind: DocumentKind) -> TemplateSource:
    """The template ``kind`` renders with: the active uploaded version, else the committed file."""
    stored = session.scalars(
        select(DocumentTemplate).where(DocumentTemplate.kind == kind.value, DocumentTemplate.active)
    ).first()
    if stored is not None:
        return TemplateSource(kind, stored.version, stored.docx)
    committed = committed_template(kind)
    if committed is None:
        raise NotFound(f"Loại văn bản «{kind.value}» chưa có mẫu")
    return TemplateSource(kind, 0, committed)


def template_versions(session: Session, actor: Actor, *, kind: str) -> list[DocumentTemplate]:
    """The uploaded versions of a kind's template, newest first (designers)."""
    require(can_design, actor)
    found = kind_of(kind)
    query = select(DocumentTemplate).where(DocumentTemplate.kind == found.value)
    return list(session.scalars(query.order_by(DocumentTemplate.version.desc())))


def upload_template(
    session: Session, actor: Actor, *, kind: str, filename: str, content: bytes, now: datetime, activate: bool = True
) -> DocumentTemplate:
    """Store a new version of a kind's template (validated), active at once unless ``activate`` is False."""
    require(can_design, actor)
    found = kind_of(kind)
    if len(content) > MAX_TEMPLATE_BYTES:
        raise PayloadTooLarge(f"Tệp mẫu lớn hơn giới hạn {MAX_TEMPLATE_BYTES // 1_000_000} MB")
    if not content:
        raise TemplateRefused("Tệp mẫu rỗng")
    variables = template_variables(content)
    last = session.scalar(select(func.max(DocumentTemplate.version)).where(DocumentTemplate.kind == found.value))
    row = DocumentTemplate(
        kind=found.value,
        version=(last or 0) + 1,
        filename=(filename or f"{found.value}.docx")[:255],
        size=len(content),
        variables=variables,
        docx=content,
        uploaded_by=actor.username,
        uploaded_at=now,
        active=False,
    )
    session.add(row)
    session.flush()
    if activate:
        _make_active(session, found, row)
    details = {"version": row.version, "size": row.size, "active": row.active}
    record_admin_event(
        session, actor=actor.username, action=AdminAction.TEMPLATE_UPLOADED, target=found.value, at=now, details=details
    )
    return row


def _make_active(session: Session, kind: DocumentKind, row: DocumentTemplate | None) -> None:
    session.execute(update(DocumentTemplate).where(DocumentTemplate.kind == kind.value).values(active=False))
    if row is not None:
        row.active = True
    session.flush()


def template_version(session: Session, actor: Actor, *, kind: str, version: int) -> DocumentTemplate:
    """One uploaded version (designers), or NotFound."""
    require(can_design, actor)
    found = kind_of(kind)
    row = session.scalars(
        select(DocumentTemplate).where(DocumentTemplate.kind == found.value, DocumentTemplate.version == version)
    ).first()
    if row is None:
        raise NotFound(f"Mẫu «{found.value}» không có phiên bản {version}")
    return row


def activate_template(session: Session, actor: Actor, *, kind: str, version: int, now: datetime) -> TemplateSource:
    """Make one uploaded version the one in use; version 0 goes back to the committed file."""
    require(can_design, actor)
    found = kind_of(kind)
    if version == 0:
        _make_active(session, found, None)
    else:
        _make_active(session, found, template_version(session, actor, kind=kind, version=version))
    record_admin_event(
        session, actor=actor.username, action=AdminAction.TEMPLATE_ACTIVATED, target=found.value, at=now,
        details={"version": version},
    )  # fmt: skip
    return active_template(session, found)


def template_file(session: Session, actor: Actor, *, kind: str, version: int | None = None) -> TemplateSource:
    """The DOCX of a version (designers); without a version the one in use, 0 the committed file."""
    require(can_design, actor)
    found = kind_of(kind)
    if version is None:
        return active_template(session, found)
    if version == 0:
        committed = committed_template(found)
        if committed is None:
            raise NotFound(f"Loại văn bản «{found.value}» chưa có mẫu")
        return TemplateSource(found, 0, committed)
    return TemplateSource(found, version, template_version(session, actor, kind=kind, version=version).docx)
