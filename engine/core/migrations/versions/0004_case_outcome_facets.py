"""case outcome facets (screening, violation, sanctions, publication channels) for reports

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FLAGS = ("published_writing", "published_media", "published_portal")


def upgrade() -> None:
    """Add the outcome columns; the runtime keeps them in step with the case data."""
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("screening", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("violation", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("party_sanction", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("state_sanction", sa.String(length=32), nullable=True))
        for flag in FLAGS:
            batch.add_column(sa.Column(flag, sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    """Drop the outcome columns."""
    with op.batch_alter_table("cases") as batch:
        for column in ("screening", "violation", "party_sanction", "state_sanction", *FLAGS):
            batch.drop_column(column)
