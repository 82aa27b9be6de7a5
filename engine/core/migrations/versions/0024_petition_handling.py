"""petition_handling: each petition's classification, jurisdiction decision and resolving case (report forms)

Revision ID: 0024
Revises: 0023
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UTCDateTime = sa.DateTime(timezone=True)

revision: str = "0024"
down_revision: str | Sequence[str] | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the petition_handling table."""
    op.create_table(
        "petition_handling",
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), primary_key=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), nullable=False),
        sa.Column("classification", sa.String(16), nullable=True),
        sa.Column("decision", sa.String(16), nullable=True),
        sa.Column("resolving_case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=True),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_petition_handling_unit_id", "petition_handling", ["unit_id"])


def downgrade() -> None:
    """Drop the petition_handling table."""
    op.drop_index("ix_petition_handling_unit_id", table_name="petition_handling")
    op.drop_table("petition_handling")
