"""the legal lifecycle: decisions that suspend, resume, terminate or withdraw a case; units in remote areas

Revision ID: 0022
Revises: 0021
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UTCDateTime = sa.DateTime(timezone=True)

revision: str = "0022"
down_revision: str | Sequence[str] | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add case_decisions and units.remote_area."""
    op.create_table(
        "case_decisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("decided_on", sa.Date, nullable=False),
        sa.Column("decided_by", sa.String(64), nullable=False),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
        sa.Column("paused_calendar_days", sa.Integer, nullable=True),
        sa.Column("paused_working_days", sa.Integer, nullable=True),
    )
    op.create_index("ix_case_decisions_case_id", "case_decisions", ["case_id"])
    with op.batch_alter_table("units") as batch:
        batch.add_column(sa.Column("remote_area", sa.Boolean, nullable=False, server_default=sa.false()))


def downgrade() -> None:
    """Drop units.remote_area and case_decisions."""
    with op.batch_alter_table("units") as batch:
        batch.drop_column("remote_area")
    op.drop_table("case_decisions")
