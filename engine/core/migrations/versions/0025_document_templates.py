"""document templates: the designers' uploaded versions of each kind's DOCX template

Revision ID: 0025
Revises: 0024
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UTCDateTime = sa.DateTime(timezone=True)

revision: str = "0025"
down_revision: str | Sequence[str] | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add document_templates."""
    op.create_table(
        "document_templates",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(48), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("variables", sa.JSON, nullable=False),
        sa.Column("docx", sa.LargeBinary, nullable=False),
        sa.Column("uploaded_by", sa.String(64), nullable=False),
        sa.Column("uploaded_at", UTCDateTime, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.UniqueConstraint("kind", "version"),
    )
    op.create_index("ix_document_templates_kind", "document_templates", ["kind"])


def downgrade() -> None:
    """Drop document_templates."""
    op.drop_index("ix_document_templates_kind", table_name="document_templates")
    op.drop_table("document_templates")
