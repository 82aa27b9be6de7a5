"""report counters: per unit, month and code counts of the periodic report, and the keys each case counted

Revision ID: 0030
Revises: 0029
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030"
down_revision: str | Sequence[str] | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add report_counts and report_counted_cases; migration 0033 counts the cases already there."""
    op.create_table(
        "report_counts",
        sa.Column("zone", sa.String(64), primary_key=True),
        sa.Column("unit_id", sa.Integer, primary_key=True),
        sa.Column("process_key", sa.String(128), primary_key=True),
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("figure", sa.String(32), primary_key=True),
        sa.Column("code", sa.String(32), primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
    )
    op.create_table(
        "report_counted_cases",
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), primary_key=True, autoincrement=False),
        sa.Column("zone", sa.String(64), nullable=False),
        sa.Column("keys", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    """Drop them."""
    op.drop_table("report_counted_cases")
    op.drop_table("report_counts")
