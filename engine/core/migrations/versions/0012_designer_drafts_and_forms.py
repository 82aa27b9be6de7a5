"""designer: process drafts saved from the modeler, and JSON Schema forms saved from the form editor

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UTCDateTime = sa.DateTime(timezone=True)

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the drafts and stored forms tables."""
    op.create_table(
        "process_drafts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("process_key", sa.String(255), index=True),
        sa.Column("based_on_version", sa.Integer),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("xml", sa.Text, nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "form_schemas",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(255), nullable=False, unique=True),
        sa.Column("schema", sa.JSON, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    """Drop the drafts and stored forms tables."""
    op.drop_table("form_schemas")
    op.drop_table("process_drafts")
