"""reception of citizens by leaders (schedule, sessions) and case categories

Revision ID: 0023
Revises: 0022
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UTCDateTime = sa.DateTime(timezone=True)

revision: str = "0023"
down_revision: str | Sequence[str] | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add reception_days, reception_sessions, reception_session_cases and case_categories."""
    op.create_table(
        "reception_days",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), nullable=False),
        sa.Column("partner_unit_id", sa.Integer, sa.ForeignKey("units.id"), nullable=True),
        sa.Column("held_on", sa.Date, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("online", sa.Boolean, nullable=False),
        sa.Column("leader_name", sa.String(200), nullable=False),
        sa.Column("leader_title", sa.String(200), nullable=False),
        sa.Column("place", sa.String(300), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_reception_days_unit_held", "reception_days", ["unit_id", "held_on"])
    op.create_table(
        "reception_sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("day_id", sa.Integer, sa.ForeignKey("reception_days.id"), nullable=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), nullable=False),
        sa.Column("partner_unit_id", sa.Integer, sa.ForeignKey("units.id"), nullable=True),
        sa.Column("held_on", sa.Date, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("online", sa.Boolean, nullable=False),
        sa.Column("received_by", sa.String(200), nullable=False),
        sa.Column("visits", sa.Integer, nullable=False),
        sa.Column("people", sa.Integer, nullable=False),
        sa.Column("matters", sa.Integer, nullable=False),
        sa.Column("group_sizes", sa.JSON, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_reception_sessions_unit_held", "reception_sessions", ["unit_id", "held_on"])
    op.create_table(
        "reception_session_cases",
        sa.Column("session_id", sa.Integer, sa.ForeignKey("reception_sessions.id"), primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), primary_key=True),
    )
    op.create_table(
        "case_categories",
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), primary_key=True),
        sa.Column("category", sa.String(16), primary_key=True),
        sa.Column("set_by", sa.String(64), nullable=False),
        sa.Column("set_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    """Drop the case categories and the reception tables."""
    op.drop_table("case_categories")
    op.drop_table("reception_session_cases")
    op.drop_index("ix_reception_sessions_unit_held", table_name="reception_sessions")
    op.drop_table("reception_sessions")
    op.drop_index("ix_reception_days_unit_held", table_name="reception_days")
    op.drop_table("reception_days")
