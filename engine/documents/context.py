"""The context a document template is filled with: the case's data as people read it, the unit's letterhead,
the recipients and the signer.

Case data comes in by its keys (``findings``, ``competent_body``, ``subject.name`` …) with values through the
presenter (a code shows its label, a username the person's full name, a date is written out "ngày 14 tháng 01 năm
2027"). The standard keys (``STANDARD_KEYS`` in template_texts.py) come on top. The register number and the issue
date stay the literal placeholders ``{{ document_number }}`` (the issuance writes number and symbol, "12-TB/QU")
and ``{{ issued_on_text }}`` for the issuance to fill.
"""

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core.models import Case, ProcessDefinition, Unit, User, UserUnit
from engine.documents.kinds import KIND_INFO, DocumentKind
from engine.documents.letterhead import letterhead_of
from engine.documents.template_texts import summary_of
from engine.people.auth import Actor
from engine.people.roles import Role
from engine.presentation.case_view import case_presenter
from engine.presentation.values import HIDDEN_FIELDS, Presenter
from engine.services import EngineServices

NUMBER_PLACEHOLDER = "{{ document_number }}"
DATE_PLACEHOLDER = "{{ issued_on_text }}"
PROTECTED_NAME = "Người gửi đơn (thông tin được bảo vệ)"
PROTECTED_DETAIL = "(được bảo vệ)"


def written_date(day: date) -> str:
    """A date written out as in a document's date line: "30 tháng 11 năm 2026" (months 1–2 with a leading 0)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{day.day:02d} tháng {month} năm {day.year}"


def _safe(text: str) -> str:
    """Case text cannot open a placeholder of its own when the draft is filled again at issuance."""
    return text.replace("{{", "{ {").replace("{%", "{ %").replace("{#", "{ #")


def _as_day(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _shown(presenter: Presenter, schema: Mapping[str, Any], value: object) -> Any:
    """One value as a document prints it; objects stay mappings (``subject.name``), lists join with commas."""
    day = _as_day(value)
    if day is not None:
        return f"ngày {written_date(day)}"
    if isinstance(value, Mapping):
        inner = schema.get("properties", {}) if isinstance(schema.get("properties"), Mapping) else {}
        return {str(k): _shown(presenter, inner.get(k, {}), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        items = schema.get("items") if isinstance(schema.get("items"), Mapping) else {}
        texts = [_shown(presenter, items or {}, item) for item in value]
        return ", ".join(str(t.get("name", "")) if isinstance(t, Mapping) else str(t) for t in texts)
    text, _hover = presenter.value_text(schema, value)
    return _safe(text)


def data_context(presenter: Presenter, data: Mapping[str, Any]) -> dict[str, Any]:
    """The case's data keyed as in its forms, each value as people read it."""
    return {
        key: _shown(presenter, presenter.properties.get(key, {}), value)
        for key, value in data.items()
        if isinstance(key, str) and key not in HIDDEN_FIELDS and key.isidentifier()
    }


def _subject(data: Mapping[str, Any]) -> tuple[str, str, str]:
    subject = data.get("subject")
    if isinstance(subject, Mapping):
        return (str(subject.get("name") or ""), str(subject.get("position") or ""), str(subject.get("unit") or ""))
    return (
        str(data.get("subject_name") or ""),
        str(data.get("subject_position") or ""),
        str(data.get("subject_unit") or ""),
    )


def _person(identity: Mapping[str, Any] | None, data: Mapping[str, Any]) -> tuple[str, str]:
    """(name, address) of the complainant/denouncer/petitioner from the opened identity, else the protected text."""
    if identity:
        for key in ("petitioner", "reporter"):
            person = identity.get(key)
            if isinstance(person, Mapping) and person.get("name"):
                return _safe(str(person["name"])), _safe(str(person.get("address") or ""))
    return PROTECTED_NAME, PROTECTED_DETAIL


def _leader_name(session: Session, unit_id: int) -> str | None:
    """The full name of a supervisor of the unit (its leader), if it has one."""
    users = session.scalars(
        select(User).join(UserUnit, UserUnit.user_id == User.id).where(UserUnit.unit_id == unit_id, User.is_active)
    )
    leaders = sorted((u for u in users if Role.SUPERVISOR in (u.roles or [])), key=lambda u: u.username)
    return (leaders[0].full_name or leaders[0].username) if leaders else None


def signer_name(session: Session, *, unit_id: int, actor: Actor) -> str:
    """Who signs: the completing person when they lead (a supervisor), else the unit's leader, else the actor."""
    user = session.scalars(select(User).where(User.username == actor.username)).first()
    own = (user.full_name or user.username) if user else actor.username
    if actor.has_role(Role.SUPERVISOR):
        return own
    return _leader_name(session, unit_id) or own


def _recipients(kind: DocumentKind, values: Mapping[str, Any], superior: str) -> list[str]:
    person, subject, subject_unit = values["petitioner_name"], values["subject_name"], values["subject_unit"]
    by_kind: dict[DocumentKind, list[Any]] = {
        DocumentKind.TRANSFER_SLIP: [values.get("competent_body"), f"{person} (để biết)"],
        DocumentKind.GUIDANCE_LETTER: [person],
        DocumentKind.COMPLAINT_ACCEPTANCE_NOTICE: [person, subject_unit or subject],
        DocumentKind.DENUNCIATION_ACCEPTANCE_NOTICE: [person],
        DocumentKind.EXTENSION_DECISION: ["Như Điều 2", subject],
        DocumentKind.VERIFICATION_CONCLUSION: [subject, subject_unit],
        DocumentKind.COMPLAINT_DECISION: [person, subject_unit or subject],
        DocumentKind.DENUNCIATION_CONCLUSION: [subject, subject_unit, "Người tố cáo (thông báo kết luận)"],
        DocumentKind.RESULT_NOTICE: [values.get("forwarded_by")],
        DocumentKind.PERIODIC_REPORT: [superior],
    }
    return [str(r) for r in by_kind[kind] if r and str(r).strip() and not str(r).startswith(" (")]


def _result_text(values: Mapping[str, Any]) -> str:
    parts = [
        values.get(k)
        for k in ("decision_result", "conclusion_result", "conclusion", "summary", "reply_summary", "disposition")
    ]
    return ". ".join(str(p) for p in parts if isinstance(p, str) and p and p != "—")


def build_context(
    session: Session,
    services: EngineServices,
    *,
    case: Case,
    kind: DocumentKind,
    data: Mapping[str, Any],
    actor: Actor,
    identity: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """Everything a template of ``kind`` may print for ``case``; ``identity`` is None for a redacted copy."""
    definition = session.get(ProcessDefinition, case.definition_id)
    presenter = case_presenter(session, services.forms, definition, zone=services.calendar.zone)
    unit = session.get(Unit, case.unit_id)
    if unit is None:  # pragma: no cover - a case always has its unit
        raise LookupError(f"unit {case.unit_id} of case {case.id} is missing")
    letterhead = letterhead_of(session, unit)
    values = data_context(presenter, data)
    subject_name, subject_position, subject_unit = (_safe(s) for s in _subject(data))
    person, address = _person(identity, data)
    received = _as_day(data.get("received_on")) or _as_day(case.created_at) or date.today()
    standard: dict[str, Any] = {
        **letterhead.context(),
        "document_number": NUMBER_PLACEHOLDER,
        "issued_on_text": DATE_PLACEHOLDER,
        "number_prefix": letterhead.number_prefix(),
        "document_type": KIND_INFO[kind].name_vi,
        "document_summary": _safe(document_summary(kind, case=case, data=data)),
        "signer_name": signer_name(session, unit_id=unit.id, actor=actor),
        "tracking_code": case.tracking_code,
        "case_title": _safe(case.title or str(data.get("title") or "")),
        "received_on_text": written_date(received),
        "petitioner_name": person,
        "petitioner_address": address,
        "subject_name": subject_name,
        "subject_position": subject_position,
        "subject_unit": subject_unit,
        "today_text": written_date(services.clock.now().astimezone(services.calendar.zone).date()),
    }
    context = {**values, **standard}
    context["result_text"] = _result_text(values)
    context["report_text"] = str(values.get("summary") or values.get("report") or "")
    context["recipients"] = _recipients(kind, context, letterhead.superior_name)
    return context


def document_summary(kind: DocumentKind, *, case: Case, data: Mapping[str, Any]) -> str:
    """The summary (trích yếu) of a document of ``kind`` about ``case``."""
    subject_name, _position, _unit = _subject(data)
    return summary_of(kind, case_title=case.title or str(data.get("title") or ""), subject_name=subject_name)
