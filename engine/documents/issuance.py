"""Issuing a step's official documents when the step is completed, in the step's transaction.

For each kind the task names (``engine/documents/binding.py``): the officer's uploaded draft or a fresh one
(``render_draft``), a number from the unit's register (``registers.next_number``), the number and the date written
out filled in (``fill.fill_issue_fields``), the PDF (``docx_to_pdf``), the unit's signature (``sign_pdf``); then
the row in ``issued_documents`` and a ``document_issued`` event (kind, symbol, sha256 of the signed PDF) in the
case's audit chain. Any failure (a damaged draft, the converter or the signature) refuses the step: the caller
rolls back, so nothing is half-issued and no number is lost.

A kind addressed to the complainant or denouncer (``is_identity_bearing`` of the templates) of a case with a protected
identity names them: its DOCX and PDF are stored encrypted with the identity vault and a redacted copy
(``render_draft(..., redacted=True)``, converted and signed) is kept for everyone else.
"""

import hashlib
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine.cases.audit import AuditTrail
from engine.core.models import Case, DocumentDraft, HumanTask, IssuedDocument, ProtectedIdentity, Unit, User
from engine.documents.binding import issues_with
from engine.documents.converter import docx_to_pdf
from engine.documents.fill import fill_issue_fields
from engine.documents.kinds import DocumentKind
from engine.documents.registers import date_written_out, document_symbol, next_number
from engine.documents.signing import sign_pdf
from engine.documents.templates import document_title, is_identity_bearing, render_draft
from engine.people.auth import Actor
from engine.services import EngineServices


@dataclass(frozen=True)
class Signed:
    """One issued copy: its DOCX and its signed PDF."""

    docx: bytes
    pdf: bytes


def identity_bearing(session: Session, case: Case, kind: str) -> bool:
    """Whether the case's document of ``kind`` names a protected person (so it is stored encrypted)."""
    return is_identity_bearing(kind) and session.get(ProtectedIdentity, case.id) is not None


def _signer(session: Session, actor: Actor) -> str:
    user = session.scalars(select(User).where(User.username == actor.username)).first()
    return (user.full_name if user is not None else "") or actor.username


def _draft_of(session: Session, services: EngineServices, task_id: str, kind: str) -> bytes | None:
    draft = session.scalars(
        select(DocumentDraft).where(DocumentDraft.task_id == task_id, DocumentDraft.kind == kind)
    ).first()
    if draft is None:
        return None
    return services.identities.open_bytes(draft.docx) if draft.sealed else draft.docx


def _produce(draft: bytes, *, symbol: str, date_text: str, unit: Unit, signer: str, session: Session) -> Signed:
    docx = fill_issue_fields(draft, document_number=symbol, issued_on_text=date_text)
    pdf = sign_pdf(docx_to_pdf(docx), unit_id=unit.id, signer_name=signer, signer_title=unit.name, session=session)
    return Signed(docx, pdf)


def issue_document(
    session: Session, services: EngineServices, *, actor: Actor, case: Case, task_id: str | None, kind: str
) -> IssuedDocument:
    """Issue one document of ``kind`` for the case in the caller's transaction, and record it in the audit chain.

    ``case`` is the row the caller saves afterwards (its audit chain head moves here). The officer's uploaded
    draft of the task, when there is one, is issued instead of a fresh one, and then removed.
    """
    kind = DocumentKind(kind).value
    unit = session.get(Unit, case.unit_id)
    assert unit is not None
    now = services.clock.now()
    issued_on = now.astimezone(services.calendar.zone).date()
    draft = (_draft_of(session, services, task_id, kind) if task_id else None) or render_draft(
        session, case_id=case.id, kind=kind, actor=actor, services=services
    )
    number = next_number(session, unit_id=unit.id, year=issued_on.year, kind=kind)
    symbol = document_symbol(unit, kind, number)
    signer = _signer(session, actor)
    date_text = date_written_out(issued_on)
    full = _produce(draft, symbol=symbol, date_text=date_text, unit=unit, signer=signer, session=session)
    bearing = identity_bearing(session, case, kind)
    redacted: Signed | None = None
    if bearing:
        plain = render_draft(session, case_id=case.id, kind=kind, actor=actor, redacted=True, services=services)
        redacted = _produce(plain, symbol=symbol, date_text=date_text, unit=unit, signer=signer, session=session)
    sha256 = hashlib.sha256(full.pdf).hexdigest()
    seal = services.identities.seal_bytes
    document = IssuedDocument(
        case_id=case.id, task_id=task_id, unit_id=unit.id, kind=kind, year=issued_on.year, number=number,
        symbol=symbol, title=document_title(session, case_id=case.id, kind=kind)[:500], issued_on=issued_on,
        issued_at=now, issued_by=actor.username, signer_name=signer, signed=True, sha256=sha256,
        identity_bearing=bearing, docx=seal(full.docx) if bearing else full.docx,
        pdf=seal(full.pdf) if bearing else full.pdf, redacted_pdf=redacted.pdf if redacted else None,
    )  # fmt: skip
    session.add(document)
    session.flush()
    payload = {"document_id": document.id, "kind": kind, "number": number, "symbol": symbol, "sha256": sha256}
    if redacted is not None:
        payload["redacted_sha256"] = hashlib.sha256(redacted.pdf).hexdigest()
    trail = AuditTrail(session, case)
    trail.append(kind="document_issued", actor=actor.username, at=now, task_id=task_id, payload=payload)
    trail.write()
    if task_id:
        session.execute(delete(DocumentDraft).where(DocumentDraft.task_id == task_id, DocumentDraft.kind == kind))
    return document


def issue_step_documents(
    session: Session, services: EngineServices, *, actor: Actor, case: Case, task: HumanTask, data: dict
) -> list[IssuedDocument]:
    """Issue every document the task names (see ``binding``) as it is completed with ``data``."""
    return [
        issue_document(session, services, actor=actor, case=case, task_id=task.id, kind=kind)
        for kind in issues_with(session, services, case, task, data)
    ]
