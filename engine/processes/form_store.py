"""Forms saved from the designer's form editor: immutable JSON Schemas in the ``form_schemas`` table."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.core.db import read_only_connection
from engine.core.errors import BadRequest
from engine.core.models import FormSchema
from engine.processes.forms import FormCatalog

_VERSIONED = re.compile(r"^(?P<stem>[A-Za-z0-9_-]+?)(?:\.v(?P<n>\d+))?\.schema\.json$")


class StoredForms:
    """Reads forms from ``form_schemas``; FormCatalog caches what it finds (stored forms never change).

    Lookups happen while the caller's session may hold SQLite's write lock (BEGIN IMMEDIATE), so they read on a
    read-only connection of their own, which takes its WAL snapshot without waiting for that lock.
    """

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self.session_factory = session_factory

    def _scalars(self, statement) -> list:
        with read_only_connection(self.session_factory.kw["bind"]) as connection:
            return list(connection.scalars(statement))

    def schema_of(self, name: str) -> dict | None:
        """The schema of a stored form, or None."""
        found = self._scalars(select(FormSchema.schema).where(FormSchema.name == name))
        return found[0] if found else None

    def names(self) -> list[str]:
        """The names of every stored form."""
        return self._scalars(select(FormSchema.name).order_by(FormSchema.name))


@dataclass(frozen=True)
class FormEntry:
    """One form of the catalog: a file of forms/, or a form saved from the editor (with who saved it and when)."""

    name: str
    saved: bool
    created_by: str | None = None
    created_at: datetime | None = None


def form_catalog(session: Session, forms: FormCatalog) -> list[FormEntry]:
    """Every form a user task can use, by name: the files of forms/ and the forms saved from the editor."""
    saved = {form.name: form for form in session.scalars(select(FormSchema).order_by(FormSchema.name))}
    entries = []
    for name in sorted({*forms.names(), *saved}):
        form = saved.get(name)
        entries.append(FormEntry(name, True, form.created_by, form.created_at) if form else FormEntry(name, False))
    return entries


def schema_problem(schema: object) -> str | None:
    """Why ``schema`` is not a usable form schema (a JSON object and a valid Draft 2020-12 schema), or None."""
    if not isinstance(schema, dict):
        return "the form schema must be a JSON object"
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        return f"not a valid JSON Schema: {exc.message}"
    return None


def next_form_name(forms: FormCatalog, based_on: str) -> str:
    """A new, unused name for an edit: ``verify_report.schema.json`` → ``verify_report.v2.schema.json``."""
    match = _VERSIONED.match(based_on or "")
    if match is None:
        raise BadRequest(f"'{based_on}' is not a form name like name.schema.json")
    stem = match.group("stem")
    taken = set(forms.names())
    number = max(2, int(match.group("n") or 1) + 1)
    while f"{stem}.v{number}.schema.json" in taken:
        number += 1
    return f"{stem}.v{number}.schema.json"


def save_form(session: Session, forms: FormCatalog, *, based_on: str, schema: object, created_by: str) -> FormSchema:
    """Store an edited form under a new immutable name; refuses a schema that is not valid."""
    problem = schema_problem(schema)
    if problem:
        raise BadRequest(problem)
    form = FormSchema(
        name=next_form_name(forms, based_on), schema=schema, created_by=created_by, created_at=datetime.now(UTC)
    )
    session.add(form)
    session.flush()
    return form
