"""The designer's view of the document templates: every kind with the template in use, and a preview of a template
(any version) filled with a real case's data — the DOCX, or the list of the fields it fills with their values.

Previews are always the redacted copy: a designer never sees a protected person's name. The case must be of a
unit the designer sees.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.core.errors import NotFound
from engine.core.models import Case, DocumentTemplate
from engine.documents.kinds import KIND_INFO, DocumentKind
from engine.documents.template_check import template_variables
from engine.documents.template_store import active_template, kind_of, template_file
from engine.documents.template_texts import IDENTITY_BEARING_KINDS
from engine.documents.templates import BLANK, draft_context, fill
from engine.people.auth import Actor
from engine.people.permissions import can_design, require
from engine.services import EngineServices


@dataclass(frozen=True)
class KindSummary:
    """One kind on the designer's list: its names, the version in use (0: the committed file), how many uploads."""

    kind: str
    name_vi: str
    name_en: str
    identity_bearing: bool
    active_version: int
    versions: int
    variables: list[str]


@dataclass(frozen=True)
class FilledField:
    """One placeholder of a template and what a case fills it with (``filled`` False: a dotted blank)."""

    name: str
    value: str
    filled: bool


def template_kinds(session: Session, actor: Actor) -> list[KindSummary]:
    """Every kind with the template it renders with now (designers)."""
    require(can_design, actor)
    rows = session.execute(select(DocumentTemplate.kind, func.count()).group_by(DocumentTemplate.kind))
    counts = {kind: count for kind, count in rows}
    found = []
    for kind in DocumentKind:
        source = active_template(session, kind)
        info = KIND_INFO[kind]
        found.append(
            KindSummary(
                kind=kind.value,
                name_vi=info.name_vi,
                name_en=info.name_en,
                identity_bearing=kind in IDENTITY_BEARING_KINDS,
                active_version=source.version,
                versions=counts.get(kind.value, 0),
                variables=template_variables(source.docx),
            )  # fmt: skip
        )
    return found


def _visible_case(session: Session, actor: Actor, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None or case.unit_id not in actor.visible_unit_ids:
        raise NotFound(f"Không có hồ sơ {case_id}")
    return case


def _text(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_text(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(_text(v) for v in value)
    return str(value)


def _preview_context(
    session: Session, services: EngineServices, actor: Actor, kind: DocumentKind, case_id: int
) -> dict[str, Any]:
    case = _visible_case(session, actor, case_id)
    return draft_context(session, case=case, kind=kind, actor=actor, services=services, identity=None)


def preview_docx(
    session: Session, services: EngineServices, actor: Actor, *, kind: str, case_id: int, version: int | None = None
) -> bytes:
    """A template version (default: the one in use) filled with a case's data, redacted (designers)."""
    source = template_file(session, actor, kind=kind, version=version)
    context = _preview_context(session, services, actor, source.kind, case_id)
    return fill(source.docx, context)


def preview_fields(
    session: Session, services: EngineServices, actor: Actor, *, kind: str, case_id: int, version: int | None = None
) -> list[FilledField]:
    """The placeholders of a template version and what a case fills them with, redacted (designers)."""
    source = template_file(session, actor, kind=kind_of(kind).value, version=version)
    context = _preview_context(session, services, actor, source.kind, case_id)
    fields = []
    for name in template_variables(source.docx):
        value = context.get(name)
        missing = value is None or value == ""
        fields.append(FilledField(name=name, value=BLANK if missing else _text(value), filled=not missing))
    return fields
