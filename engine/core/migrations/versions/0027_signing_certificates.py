"""signing certificates: the instance's trust roots and the units' signing keys (the demo CA and its units)

Revision ID: 0027
Revises: 0026
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UTCDateTime = sa.DateTime(timezone=True)

revision: str = "0027"
down_revision: str | Sequence[str] | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add signing_certificates."""
    op.create_table(
        "signing_certificates",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), nullable=True),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("certificate", sa.LargeBinary, nullable=False),
        sa.Column("p12", sa.LargeBinary, nullable=True),
        sa.Column("demo", sa.Boolean, nullable=False),
        sa.Column("not_after", UTCDateTime, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("role", "unit_id"),
    )


def downgrade() -> None:
    """Drop the signing certificates."""
    op.drop_table("signing_certificates")
