"""absences: staff away over a period, with the deputy who takes their tasks meanwhile

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UTCDateTime = sa.DateTime(timezone=True)

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the absences table."""
    op.create_table(
        "absences",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("deputy_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date, nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("cancelled_by", sa.String(64), nullable=True),
        sa.Column("cancelled_at", UTCDateTime, nullable=True),
        sa.Column("handed_over_at", UTCDateTime, nullable=True),
    )
    op.create_index("ix_absences_user_period", "absences", ["user_id", "starts_on", "ends_on"])
    op.create_index("ix_absences_deputy_period", "absences", ["deputy_id", "starts_on", "ends_on"])


def downgrade() -> None:
    """Drop it."""
    op.drop_index("ix_absences_deputy_period", "absences")
    op.drop_index("ix_absences_user_period", "absences")
    op.drop_table("absences")
