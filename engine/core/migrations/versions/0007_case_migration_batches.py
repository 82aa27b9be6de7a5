"""migration batches: running cases moved to another process version, one item per case

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the batch and batch item tables."""
    op.create_table(
        "migration_batches",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("process_key", sa.String(128), nullable=False, index=True),
        sa.Column("to_version", sa.Integer(), nullable=False),
        sa.Column("requested_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("moved", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
    )
    op.create_table(
        "migration_batch_items",
        sa.Column(
            "batch_id", sa.Integer(), sa.ForeignKey("migration_batches.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), primary_key=True),
        sa.Column("tracking_code", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_migration_batch_items_status", "migration_batch_items", ["batch_id", "status"])


def downgrade() -> None:
    """Drop the batch tables."""
    op.drop_index("ix_migration_batch_items_status", table_name="migration_batch_items")
    op.drop_table("migration_batch_items")
    op.drop_table("migration_batches")
