"""sessions: tokens revoked by signing out, refused until they would have expired

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UTCDateTime = sa.DateTime(timezone=True)

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the revoked tokens table."""
    op.create_table(
        "revoked_tokens",
        sa.Column("token_id", sa.String(64), primary_key=True),
        sa.Column("expires_at", UTCDateTime, nullable=False, index=True),
    )


def downgrade() -> None:
    """Drop it."""
    op.drop_table("revoked_tokens")
