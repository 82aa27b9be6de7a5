"""The draft of an official document: a kind's template filled from a case, the number and the issue date left as
the placeholders ``{{ document_number }}`` and ``{{ issued_on_text }}`` for the issuance to fill.

Identity-bearing kinds (``IDENTITY_BEARING_KINDS``: the transfer slip, the guidance letter, both acceptance
notices and the complaint decision) are addressed to a protected person. Their full copy names that person (the
callers give it only to readers allowed by ``can_read_identity``, audited, and the issuance stores it encrypted);
everyone else gets the redacted copy (no name, no address).
"""

import io
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from jinja2 import Environment, Undefined
from sqlalchemy.orm import Session

from engine.core.errors import NotFound
from engine.core.models import Case
from engine.documents.context import build_context, document_summary
from engine.documents.kinds import DocumentKind
from engine.documents.template_store import active_template, kind_of
from engine.documents.template_texts import IDENTITY_BEARING_KINDS
from engine.people.auth import Actor
from engine.services import EngineServices

BLANK = "…………"
"""What a placeholder the case has no value for prints: a dotted blank the officer fills in Word."""


class _Blank(Undefined):
    """A missing value prints as a dotted blank, and ``missing.name`` too."""

    def __str__(self) -> str:
        return BLANK

    def __getattr__(self, name: str) -> "_Blank":
        if name.startswith("__"):
            raise AttributeError(name)
        return _Blank()


def _environment() -> Environment:
    return Environment(undefined=_Blank, autoescape=True)


@lru_cache(maxsize=1)
def _default_services() -> EngineServices:
    from engine.core.settings import get_settings
    from engine.services import build_services

    return build_services(get_settings())


def is_identity_bearing(kind: str) -> bool:
    """True when documents of ``kind`` are addressed to a protected person (their full copy is stored encrypted)."""
    return kind in IDENTITY_BEARING_KINDS


def _case(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"Không có hồ sơ {case_id}")
    return case


def fill(docx: bytes, context: Mapping[str, Any]) -> bytes:
    """A DOCX template filled with ``context`` (missing values print as a dotted blank)."""
    from docxtpl import DocxTemplate  # on first use: python-docx is slow to import

    template = DocxTemplate(io.BytesIO(docx))
    template.render(dict(context), jinja_env=_environment(), autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def draft_context(
    session: Session,
    *,
    case: Case,
    kind: DocumentKind,
    actor: Actor,
    services: EngineServices,
    identity: Mapping[str, Any] | None,
    data: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The context of a draft: the case's current data (``data``, e.g. the form being completed, on top)."""
    from engine.cases.runtime import CaseRuntime  # the runtime imports the services, which import the domains

    current = CaseRuntime(session, services).current_data(case)
    merged = {**current, **(data or {})}
    return build_context(session, services, case=case, kind=kind, data=merged, actor=actor, identity=identity)


def render_draft(
    session: Session,
    *,
    case_id: int,
    kind: str,
    actor: Actor,
    redacted: bool = False,
    services: EngineServices | None = None,
    data: Mapping[str, Any] | None = None,
) -> bytes:
    """The DOCX draft of ``kind`` for a case, the number and the date left as placeholders.

    For an identity-bearing kind the full copy (``redacted=False``) names the protected person: the caller has
    checked ``can_read_identity`` and audited the read before handing it to a person, or seals it at issuance.
    ``redacted=True`` leaves their name and address out; other kinds never name them. ``actor`` is the person
    completing the step (the signer when they lead the unit); ``data`` (a form being completed) goes over the
    case's data.
    """
    services = services or _default_services()
    case = _case(session, case_id)
    found = kind_of(kind)
    identity = None
    if found in IDENTITY_BEARING_KINDS and not redacted:
        identity = services.identities.open(session, case)
    context = draft_context(
        session, case=case, kind=found, actor=actor, services=services, identity=identity, data=data
    )
    return fill(active_template(session, found).docx, context)


def document_title(session: Session, *, case_id: int, kind: str) -> str:
    """The summary (trích yếu) of a document of ``kind`` about a case; it never names a protected person."""
    case = _case(session, case_id)
    subject = {"name": case.subject_name} if case.subject_name else {}
    return document_summary(kind_of(kind), case=case, data={"subject": subject, "title": case.title})
