"""case facets (source, field, subject) for lists and filters; evidence attachments

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the facet columns with their indexes, and the attachments table."""
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("source", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("field", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("subject_name", sa.String(length=255), nullable=True))
    op.create_index("ix_cases_source", "cases", ["source"])
    op.create_index("ix_cases_field", "cases", ["field"])
    op.create_index("ix_cases_unit_created", "cases", ["unit_id", "created_at"])
    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.String(length=36), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=128), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_attachments_case_id", "attachments", ["case_id"])


def downgrade() -> None:
    """Drop the attachments table and the facet columns."""
    op.drop_index("ix_attachments_case_id", table_name="attachments")
    op.drop_table("attachments")
    op.drop_index("ix_cases_unit_created", table_name="cases")
    op.drop_index("ix_cases_field", table_name="cases")
    op.drop_index("ix_cases_source", table_name="cases")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("subject_name")
        batch.drop_column("field")
        batch.drop_column("source")
