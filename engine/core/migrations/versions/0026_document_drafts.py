"""official documents: the officers' edited drafts, issued when their task is completed

Revision ID: 0026
Revises: 0025
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UTCDateTime = sa.DateTime(timezone=True)

revision: str = "0026"
down_revision: str | Sequence[str] | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add document_drafts."""
    op.create_table(
        "document_drafts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("task_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(48), nullable=False),
        sa.Column("docx", sa.LargeBinary, nullable=False),
        sa.Column("sealed", sa.Boolean, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("uploaded_by", sa.String(64), nullable=False),
        sa.Column("uploaded_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("task_id", "kind"),
    )
    op.create_index("ix_document_drafts_case_id", "document_drafts", ["case_id"])


def downgrade() -> None:
    """Drop the drafts."""
    op.drop_table("document_drafts")
