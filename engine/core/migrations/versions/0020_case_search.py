"""case search: the searchable text of every case and its full-text index (FTS5 on SQLite, tsvector on PostgreSQL)

Revision ID: 0020
Revises: 0019
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from engine.search.index import insert_documents
from engine.search.schema import create_backend_index, drop_backend_index
from engine.search.text import document_of

revision: str = "0020"
down_revision: str | Sequence[str] | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000


def upgrade() -> None:
    """Create the documents table and the backend's index, then index the cases already there."""
    op.create_table(
        "case_search_documents",
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), primary_key=True, autoincrement=False),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
    )
    connection = op.get_bind()
    create_backend_index(connection)
    _index_existing_cases(connection)


def _index_existing_cases(connection: sa.Connection) -> None:
    """Index each case from the intake data its ``case_started`` audit event recorded."""
    statement = sa.text(
        "SELECT c.id, c.unit_id, c.tracking_code, c.title, e.payload FROM cases c LEFT JOIN audit_events e "
        "ON e.case_id = c.id AND e.kind = 'case_started' WHERE c.id > :after ORDER BY c.id LIMIT :batch"
    )
    after = 0
    while rows := connection.execute(statement, {"after": after, "batch": BATCH}).all():
        documents = []
        for case_id, unit_id, code, title, payload in rows:
            payload = json.loads(payload) if isinstance(payload, str) else payload or {}
            data = payload.get("data")
            documents.append((case_id, unit_id, document_of(code, title or "", data if isinstance(data, dict) else {})))
        insert_documents(connection, documents)
        after = rows[-1][0]


def downgrade() -> None:
    """Drop the index and the documents."""
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        drop_backend_index(connection)
    op.drop_table("case_search_documents")
    if connection.dialect.name != "sqlite":
        drop_backend_index(connection)
