"""public portal: tracking secrets, rate limits, used form tokens, publications, subscriptions, e-mail outbox

Revision ID: 0011
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UTCDateTime = sa.DateTime(timezone=True)

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the portal tables."""
    op.create_table(
        "case_access_secrets",
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), primary_key=True),
        sa.Column("secret_hash", sa.String(128), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "rate_limit_hits",
        sa.Column("key", sa.String(128), primary_key=True),
        sa.Column("window_start", UTCDateTime, primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
    )
    op.create_table(
        "used_form_tokens",
        sa.Column("token_id", sa.String(64), primary_key=True),
        sa.Column("used_at", UTCDateTime, nullable=False, index=True),
    )
    op.create_table(
        "case_publications",
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), primary_key=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), nullable=False, index=True),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("published_on", sa.String(10)),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "case_subscriptions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False, index=True),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("unsubscribe_token", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("case_id", "email"),
    )
    op.create_table(
        "email_outbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id")),
        sa.Column("recipient", sa.String(254), nullable=False),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("next_attempt_at", UTCDateTime, nullable=False),
        sa.Column("sent_at", UTCDateTime),
    )


def downgrade() -> None:
    """Drop them."""
    for table in (
        "email_outbox", "case_subscriptions", "case_publications", "used_form_tokens", "rate_limit_hits",
        "case_access_secrets",
    ):  # fmt: skip
        op.drop_table(table)
