"""The presenter of one case: the forms of its process version, the unit's zone, the people's names."""

from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from engine.core.errors import NotFound
from engine.core.models import ProcessDefinition
from engine.presentation.labels import people_names
from engine.presentation.values import Presenter
from engine.processes.forms import FormCatalog


def process_schemas(forms: FormCatalog, definition: ProcessDefinition | None) -> list[Mapping[str, Any]]:
    """The schemas of a process version's forms: the start form first, then its tasks' forms in BPMN order."""
    catalog = definition.catalog if definition is not None else {}
    names = [catalog.get("start_form"), *catalog.get("forms", {}).values()]
    schemas: list[Mapping[str, Any]] = []
    seen: set[str] = set()
    for name in names:
        if not name or name in seen:
            continue
        seen.add(name)
        schema = _schema_or_none(forms, name)
        if schema is not None:
            schemas.append(schema)
    return schemas


def _schema_or_none(forms: FormCatalog, name: str) -> Mapping[str, Any] | None:
    """A form's schema (read once by the catalog), or None when the form is missing or broken."""
    try:
        return forms.schema(name)
    except NotFound:
        return None


def every_schema(forms: FormCatalog) -> list[Mapping[str, Any]]:
    """Every form's schema (for the enum titles of fields a process's own forms do not name)."""
    return [schema for name in forms.names() if (schema := _schema_or_none(forms, name)) is not None]


def case_presenter(
    session: Session,
    forms: FormCatalog,
    definition: ProcessDefinition | None,
    *,
    zone: ZoneInfo,
    lang: str = "vi",
    first: Mapping[str, Any] | None = None,
) -> Presenter:
    """A presenter for a case of ``definition``; ``first`` (e.g. the open task's form) leads the field order."""
    schemas = process_schemas(forms, definition)
    if first is not None:
        schemas.insert(0, first)
    return Presenter(schemas, zone=zone, lang=lang, people=people_names(session), known_codes=every_schema(forms))
