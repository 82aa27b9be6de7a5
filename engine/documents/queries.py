"""Reading issued documents: a case's documents, a copy of one (full or redacted), and a unit's register."""

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, defer

from engine.cases.queries import visible_case
from engine.core.errors import BadRequest, Forbidden, NotFound
from engine.core.models import Case, IssuedDocument, Unit
from engine.documents.kinds import DocumentKind
from engine.people.auth import Actor
from engine.people.permissions import can_read_documents, can_read_identity, can_read_registers, require
from engine.petitions.identity_access import audit_identity_access
from engine.services import EngineServices

FORMATS = {"pdf": "application/pdf", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
WITHOUT_FILES = (defer(IssuedDocument.docx), defer(IssuedDocument.pdf), defer(IssuedDocument.redacted_pdf))


@dataclass(frozen=True)
class DocumentCopy:
    """The bytes of one copy of a document handed out, and whether it is the redacted copy."""

    document: IssuedDocument
    content: bytes
    media_type: str
    filename: str
    redacted: bool


def documents_of_case(session: Session, actor: Actor, case_id: int) -> list[IssuedDocument]:
    """The documents a case of the actor's units issued, oldest first (without their files)."""
    require(can_read_documents, actor)
    case = visible_case(session, actor, case_id)
    require(can_read_documents, actor, case)
    query = select(IssuedDocument).options(*WITHOUT_FILES).where(IssuedDocument.case_id == case.id)
    return list(session.scalars(query.order_by(IssuedDocument.issued_at, IssuedDocument.id)))


def _filename(document: IssuedDocument, extension: str, redacted: bool) -> str:
    stem = document.symbol.replace("/", "_")
    return f"{stem}{'-an-danh' if redacted else ''}.{extension}"


def document_copy(
    session: Session, services: EngineServices, actor: Actor, document_id: int, *, fmt: str
) -> DocumentCopy:
    """A copy (``pdf`` or ``docx``) of a document of a case of the actor's units.

    A document naming a protected person: the full copy, decrypted and audited, for those who may read the
    identity; the redacted PDF for everyone else (there is no redacted DOCX: 403).
    """
    if fmt not in FORMATS:
        raise BadRequest(f"Định dạng '{fmt}' không có: chọn pdf hoặc docx")
    require(can_read_documents, actor)
    document = session.get(IssuedDocument, document_id)
    if document is None or document.case_id is None or not actor.sees_unit(document.unit_id):
        raise NotFound(f"Document {document_id} does not exist or is not in your units")
    case = visible_case(session, actor, document.case_id)
    require(can_read_documents, actor, case)
    content = document.pdf if fmt == "pdf" else document.docx
    redacted = False
    if document.identity_bearing:
        if can_read_identity(actor, case):
            audit_identity_access(session, services, actor, case, f"document:{document.id}:{fmt}")
            content = services.identities.open_bytes(content)
        elif fmt == "pdf" and document.redacted_pdf is not None:
            content, redacted = document.redacted_pdf, True
        else:
            raise Forbidden(
                f"Văn bản {document.symbol} ghi danh tính được bảo vệ: chỉ người được xem danh tính tải bản đầy đủ; "
                "bản che danh tính chỉ có dạng PDF"
            )
    return DocumentCopy(document, content, FORMATS[fmt], _filename(document, fmt, redacted), redacted)


@dataclass(frozen=True)
class RegisterEntry:
    """One line of a register of outgoing documents, with the tracking code of the case that issued it."""

    document: IssuedDocument
    tracking_code: str | None


def unit_by_code(session: Session, code: str) -> Unit:
    """The unit of a code, or NotFound."""
    unit = session.scalars(select(Unit).where(Unit.code == code)).first()
    if unit is None:
        raise NotFound(f"Unit '{code}' does not exist")
    return unit


def register_entries(
    session: Session, actor: Actor, *, unit_id: int, year: int, kind: str | None = None, q: str | None = None
) -> list[RegisterEntry]:
    """The register of outgoing documents of a unit of the actor's for one year, by kind and number; ``kind``
    keeps one kind, ``q`` the lines whose symbol or summary contain it (case-insensitive)."""
    require(can_read_registers, actor)
    if session.get(Unit, unit_id) is None:
        raise NotFound(f"Unit {unit_id} does not exist")
    require(can_read_registers, actor, unit_id)
    return register_lines(session, unit_id=unit_id, year=year, kind=kind, q=q)


def register_lines(
    session: Session, *, unit_id: int, year: int, kind: str | None = None, q: str | None = None
) -> list[RegisterEntry]:
    """The lines of a register, without asking the policy: for ``register_entries`` and the server's command line
    (``phananh documents register``), whose operator holds the database itself."""
    query = (
        select(IssuedDocument, Case.tracking_code)
        .options(*WITHOUT_FILES)
        .outerjoin(Case, Case.id == IssuedDocument.case_id)
        .where(IssuedDocument.unit_id == unit_id, IssuedDocument.year == year)
    )
    if kind:
        try:
            query = query.where(IssuedDocument.kind == DocumentKind(kind).value)
        except ValueError as exc:
            raise BadRequest(f"Loại văn bản '{kind}' không có") from exc
    if q and q.strip():
        pattern = f"%{q.strip().lower()}%"
        query = query.where(
            or_(func.lower(IssuedDocument.symbol).like(pattern), func.lower(IssuedDocument.title).like(pattern))
        )
    rows = session.execute(query.order_by(IssuedDocument.kind, IssuedDocument.number))
    return [RegisterEntry(document, code) for document, code in rows]
