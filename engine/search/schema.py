"""The parts of the search index that only one backend has, created by migration 0020.

Both backends keep the searchable text in ``case_search_documents`` (a model). SQLite adds the FTS5 table
``case_search_fts`` over it (external content: the index holds the folded words, ``highlight()`` and
``snippet()`` read the original text from ``case_search_documents``); PostgreSQL adds the ``search_vector``
column (a ``tsvector`` of the text through the ``phananh_search`` configuration: ``simple`` with ``unaccent``)
and a GIN index over the case's unit and the vector (``btree_gin``), so that one index scan finds only the
matches in the actor's units: a ward officer's common words no longer read every match of the city. The
models cannot declare these, so the comparison of the migrations with the models leaves them out
(``belongs_to_the_models``).
"""

from collections.abc import Mapping
from typing import Any

from sqlalchemy.engine import Connection

FTS_TABLE = "case_search_fts"
DOCUMENTS_TABLE = "case_search_documents"
VECTOR_COLUMN = "search_vector"
VECTOR_INDEX = "ix_case_search_documents_vector"
CONFIGURATION = "phananh_search"

# Prefix indexes for 2 to 6 characters: FTS5 reads a begun word ("phuo"*) from one of them lazily, newest first;
# without one it first merges the whole posting list of every word that begins so (2 s for "phuong"* in a
# million cases). Vietnamese syllables folded are at most 7 letters, and the longest are rare.
SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(code, title, subject, body, content='{DOCUMENTS_TABLE}', "
    "content_rowid='case_id', tokenize='unicode61 remove_diacritics 2', prefix='2 3 4 5 6')",
)
POSTGRESQL_DDL = (
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    f"CREATE TEXT SEARCH CONFIGURATION {CONFIGURATION} (COPY = simple)",
    f"ALTER TEXT SEARCH CONFIGURATION {CONFIGURATION} ALTER MAPPING FOR word, hword, hword_part, numword, "
    "hword_numpart WITH unaccent, simple",
    f"ALTER TABLE {DOCUMENTS_TABLE} ADD COLUMN {VECTOR_COLUMN} tsvector",
    f"CREATE INDEX {VECTOR_INDEX} ON {DOCUMENTS_TABLE} USING gin (unit_id, {VECTOR_COLUMN})",
)
SQLITE_DROP = (f"DROP TABLE IF EXISTS {FTS_TABLE}",)
POSTGRESQL_DROP = (f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIGURATION}",)


def create_backend_index(connection: Connection) -> None:
    """Create the FTS5 table (SQLite) or the text search configuration, vector column and GIN index (PostgreSQL)."""
    for statement in SQLITE_DDL if connection.dialect.name == "sqlite" else POSTGRESQL_DDL:
        connection.exec_driver_sql(statement)


def drop_backend_index(connection: Connection) -> None:
    """Drop what ``create_backend_index`` made (the vector column goes with its table)."""
    for statement in SQLITE_DROP if connection.dialect.name == "sqlite" else POSTGRESQL_DROP:
        connection.exec_driver_sql(statement)


def belongs_to_the_models(name: str | None, type_: str, parent_names: Mapping[Any, str | None]) -> bool:
    """Alembic ``include_name``: False for the backend-only parts of the search index (see the module)."""
    if type_ == "table":
        return not (name or "").startswith(FTS_TABLE)
    if type_ == "column":
        return not (name == VECTOR_COLUMN and parent_names.get("table_name") == DOCUMENTS_TABLE)
    if type_ == "index":
        return name != VECTOR_INDEX
    return True
