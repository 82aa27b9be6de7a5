"""Writes of the search index, in the caller's transaction: one document per case, replaced when its text changes."""

from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from engine.search.schema import CONFIGURATION, DOCUMENTS_TABLE, FTS_TABLE, VECTOR_COLUMN
from engine.search.text import SearchDocument, fold, index_words

FIELDS = ("code", "title", "subject", "body")
READ_DOCUMENT = text(f"SELECT unit_id, code, title, subject, body FROM {DOCUMENTS_TABLE} WHERE case_id = :case_id")
INSERT_DOCUMENT = text(
    f"INSERT INTO {DOCUMENTS_TABLE} (case_id, unit_id, code, title, subject, body) "
    "VALUES (:case_id, :unit_id, :code, :title, :subject, :body)"
)
UPDATE_DOCUMENT = text(
    f"UPDATE {DOCUMENTS_TABLE} SET unit_id = :unit_id, code = :code, title = :title, subject = :subject, body = :body "
    "WHERE case_id = :case_id"
)
FTS_INSERT = text(
    f"INSERT INTO {FTS_TABLE} (rowid, code, title, subject, body) VALUES (:case_id, :code, :title, :subject, :body)"
)
FTS_DELETE = text(
    f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, code, title, subject, body) "
    "VALUES ('delete', :case_id, :code, :title, :subject, :body)"
)
VECTOR_OF = " || ".join(
    f"setweight(to_tsvector('{CONFIGURATION}', {{{name}}}), '{weight}')"
    for name, weight in zip(FIELDS, "ABCD", strict=True)
)
"""The weighted ``tsvector`` of the four texts' words (a template: ``VECTOR_OF.format(code=…, title=…, …)``)."""
SET_VECTOR = text(
    f"UPDATE {DOCUMENTS_TABLE} SET {VECTOR_COLUMN} = {VECTOR_OF.format(**{n: f':w_{n}' for n in FIELDS})} "
    "WHERE case_id = :case_id"
)
"""Weights: tracking code A, title B, subject C, description D (the search weighs them 1, 0.2, 0.1 and 0)."""


def _values(case_id: int, document: SearchDocument, unit_id: int | None = None) -> dict:
    values = {"case_id": case_id, **{name: getattr(document, name) for name in FIELDS}}
    return values if unit_id is None else {**values, "unit_id": unit_id}


def _folded(values: dict) -> dict:
    return {key: fold(value) if isinstance(value, str) else value for key, value in values.items() if key != "unit_id"}


def _vector_words(values: dict) -> dict:
    return {"case_id": values["case_id"], **{f"w_{name}": index_words(values[name]) for name in FIELDS}}


def stored_document(session: Session | Connection, case_id: int) -> SearchDocument | None:
    """The indexed text of a case, or None when it has none yet."""
    stored = _stored(session, case_id)
    return stored[1] if stored is not None else None


def _stored(session: Session | Connection, case_id: int) -> tuple[int, SearchDocument] | None:
    row = session.execute(READ_DOCUMENT, {"case_id": case_id}).first()
    return (row[0], SearchDocument(*row[1:])) if row is not None else None


def save_document(session: Session | Connection, case_id: int, unit_id: int, document: SearchDocument) -> bool:
    """Index ``document`` as the text of the case in its unit, replacing what was indexed before; False when
    nothing changed.

    SQLite: the FTS5 table is told to forget the old folded words (an external-content table must be given the
    values it indexed) and to index the new ones. PostgreSQL: the ``tsvector`` is recomputed from the words.
    """
    stored = _stored(session, case_id)
    previous = stored[1] if stored is not None else None
    if stored == (unit_id, document):
        return False
    values = _values(case_id, document, unit_id)
    sqlite = session.get_bind().dialect.name == "sqlite" if isinstance(session, Session) else (
        session.dialect.name == "sqlite")  # fmt: skip
    if sqlite and previous is not None:
        session.execute(FTS_DELETE, _folded(_values(case_id, previous)))
    session.execute(UPDATE_DOCUMENT if previous is not None else INSERT_DOCUMENT, values)
    if sqlite:
        session.execute(FTS_INSERT, _folded(values))
    else:
        session.execute(SET_VECTOR, _vector_words(values))
    return True


def insert_documents(connection: Connection, documents: Iterable[tuple[int, int, SearchDocument]]) -> int:
    """Bulk-index cases that have no document yet, given as (case id, unit id, document) (the migration's
    back-fill, the bench); returns how many."""
    rows = [_values(case_id, document, unit_id) for case_id, unit_id, document in documents]
    if not rows:
        return 0
    connection.execute(INSERT_DOCUMENT, rows)
    if connection.dialect.name == "sqlite":
        connection.execute(FTS_INSERT, [_folded(row) for row in rows])
    else:
        connection.execute(SET_VECTOR, [_vector_words(row) for row in rows])
    return len(rows)
