"""federation: this instance's keys, its peers, the transactional outbox, the inbox, refused messages, fingerprints

Revision ID: 0029
Revises: 0028
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UTCDateTime = sa.DateTime(timezone=True)

revision: str = "0029"
down_revision: str | Sequence[str] | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the federation tables."""
    op.create_table(
        "federation_identity",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("signing_key", sa.LargeBinary, nullable=False),
        sa.Column("exchange_key", sa.LargeBinary, nullable=False),
        sa.Column("public_key", sa.String(200), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "federation_peers",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("url", sa.String(500), nullable=False),
        sa.Column("public_key", sa.String(200), nullable=False),
        sa.Column("upward", sa.Boolean, nullable=False),
        sa.Column("added_by", sa.String(64), nullable=False),
        sa.Column("added_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "federation_outbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("message_id", sa.String(36), nullable=False, unique=True),
        sa.Column("peer", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("body", sa.JSON, nullable=False),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", UTCDateTime, nullable=False),
        sa.Column("claimed_until", UTCDateTime, nullable=True),
        sa.Column("last_error", sa.String(500), nullable=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("delivered_at", UTCDateTime, nullable=True),
    )
    op.create_index("ix_federation_outbox_due", "federation_outbox", ["status", "next_attempt_at"])
    op.create_index("ix_federation_outbox_peer", "federation_outbox", ["peer"])
    op.create_table(
        "federation_inbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("message_id", sa.String(36), nullable=False, unique=True),
        sa.Column("sender", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("body", sa.JSON, nullable=False),
        sa.Column("sent_at", UTCDateTime, nullable=False),
        sa.Column("received_at", UTCDateTime, nullable=False),
        sa.Column("handled_at", UTCDateTime, nullable=True),
    )
    op.create_index("ix_federation_inbox_sender", "federation_inbox", ["sender"])
    op.create_table(
        "federation_refusals",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("sender", sa.String(64), nullable=False),
        sa.Column("message_id", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("remote_address", sa.String(64), nullable=True),
    )
    op.create_index("ix_federation_refusals_at", "federation_refusals", ["at"])
    op.create_table(
        "matter_fingerprints",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("instance", sa.String(64), nullable=False),
        sa.Column("unit_name", sa.String(255), nullable=False),
        sa.Column("tracking_code", sa.String(32), nullable=False),
        sa.Column("since", sa.Date, nullable=False),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=True),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("instance", "tracking_code"),
    )
    op.create_index("ix_matter_fingerprints_fingerprint", "matter_fingerprints", ["fingerprint"])
    op.create_table(
        "case_transfers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("transfer_id", sa.String(36), nullable=False, unique=True),
        sa.Column("source_case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=True),
        sa.Column("source_peer", sa.String(64), nullable=True),
        sa.Column("source_tracking_code", sa.String(32), nullable=False),
        sa.Column("source_body", sa.String(255), nullable=False),
        sa.Column("target_unit_id", sa.Integer, sa.ForeignKey("units.id"), nullable=True),
        sa.Column("target_peer", sa.String(64), nullable=True),
        sa.Column("target_case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=True),
        sa.Column("target_tracking_code", sa.String(32), nullable=True),
        sa.Column("target_body", sa.String(255), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("chain", sa.JSON, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("progress", sa.String(500), nullable=True),
        sa.Column("result", sa.Text, nullable=True),
        sa.Column("sent_by", sa.String(64), nullable=False),
        sa.Column("sent_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "received_reports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sender", sa.String(64), nullable=False),
        sa.Column("period_code", sa.String(32), nullable=False),
        sa.Column("unit_name", sa.String(255), nullable=False),
        sa.Column("summary", sa.JSON, nullable=False),
        sa.Column("received_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("sender", "period_code"),
    )
    op.create_index("ix_case_transfers_source", "case_transfers", ["source_case_id"])
    op.create_index("ix_case_transfers_target", "case_transfers", ["target_case_id"])


def downgrade() -> None:
    """Drop the federation tables."""
    tables = (
        "received_reports", "case_transfers", "matter_fingerprints", "federation_refusals", "federation_inbox",
        "federation_outbox", "federation_peers", "federation_identity",
    )  # fmt: skip
    for table in tables:
        op.drop_table(table)
