"""case search: an index of the searchable texts by unit and case, to read a scope's newest cases first

Revision ID: 0028
Revises: 0027
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0028"
down_revision: str | Sequence[str] | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add ix_case_search_documents_unit_case (unit_id, case_id)."""
    op.create_index("ix_case_search_documents_unit_case", "case_search_documents", ["unit_id", "case_id"])


def downgrade() -> None:
    """Drop it."""
    op.drop_index("ix_case_search_documents_unit_case", table_name="case_search_documents")
