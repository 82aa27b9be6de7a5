"""notifications: staff e-mail addresses, delivery preferences and the in-app notifications

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UTCDateTime = sa.DateTime(timezone=True)

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the users' e-mail and delivery preference, and the notifications table."""
    with op.batch_alter_table("users") as users:
        users.add_column(sa.Column("email", sa.String(254), nullable=True))
        users.add_column(sa.Column("notification_mode", sa.String(16), nullable=False, server_default="immediate"))
        users.add_column(sa.Column("digest_hour", sa.Integer, nullable=False, server_default="7"))
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=True, index=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("link", sa.String(512), nullable=False, server_default=""),
        sa.Column("dedupe_key", sa.String(200), nullable=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("read_at", UTCDateTime, nullable=True),
        sa.Column("email_status", sa.String(16), nullable=False, server_default="none"),
        sa.UniqueConstraint("user_id", "dedupe_key"),
    )
    op.create_index("ix_notifications_user_unread", "notifications", ["user_id", "read_at", "id"])


def downgrade() -> None:
    """Drop them."""
    op.drop_index("ix_notifications_user_unread", "notifications")
    op.drop_table("notifications")
    with op.batch_alter_table("users") as users:
        users.drop_column("digest_hour")
        users.drop_column("notification_mode")
        users.drop_column("email")
