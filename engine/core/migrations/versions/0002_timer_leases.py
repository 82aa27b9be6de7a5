"""timer leases: a worker claims due timers for a while; a dead worker's claims expire

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the claim columns and an index for the scheduler's due-timer query."""
    with op.batch_alter_table("case_timers") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(length=128), nullable=True))
        batch.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_case_timers_due", "case_timers", ["status", "fire_at"])


def downgrade() -> None:
    """Drop the claim columns and the index."""
    op.drop_index("ix_case_timers_due", table_name="case_timers")
    with op.batch_alter_table("case_timers") as batch:
        batch.drop_column("lease_until")
        batch.drop_column("claimed_by")
