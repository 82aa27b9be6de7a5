"""notifications: when each person's daily digest was last queued

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UTCDateTime = sa.DateTime(timezone=True)

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add ``users.last_digest_at``: a digest is queued at most once per digest time."""
    with op.batch_alter_table("users") as users:
        users.add_column(sa.Column("last_digest_at", UTCDateTime, nullable=True))


def downgrade() -> None:
    """Drop it."""
    with op.batch_alter_table("users") as users:
        users.drop_column("last_digest_at")
