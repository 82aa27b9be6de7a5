"""official documents: the units' registers of outgoing documents and the documents issued by the cases' steps

Revision ID: 0021
Revises: 0020
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UTCDateTime = sa.DateTime(timezone=True)

revision: str = "0021"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add document_registers and issued_documents."""
    op.create_table(
        "document_registers",
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(48), primary_key=True),
        sa.Column("last_number", sa.Integer, nullable=False),
    )
    op.create_table(
        "issued_documents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=True),
        sa.Column("task_id", sa.String(36), nullable=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), nullable=False),
        sa.Column("kind", sa.String(48), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("symbol", sa.String(64), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("issued_on", sa.Date, nullable=False),
        sa.Column("issued_at", UTCDateTime, nullable=False),
        sa.Column("issued_by", sa.String(64), nullable=False),
        sa.Column("signer_name", sa.String(200), nullable=False),
        sa.Column("signed", sa.Boolean, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("identity_bearing", sa.Boolean, nullable=False),
        sa.Column("docx", sa.LargeBinary, nullable=False),
        sa.Column("pdf", sa.LargeBinary, nullable=False),
        sa.Column("redacted_pdf", sa.LargeBinary, nullable=True),
        sa.UniqueConstraint("unit_id", "year", "kind", "number"),
    )
    op.create_index("ix_issued_documents_case", "issued_documents", ["case_id"])
    op.create_index("ix_issued_documents_sha256", "issued_documents", ["sha256"])


def downgrade() -> None:
    """Drop the documents and the registers."""
    op.drop_table("issued_documents")
    op.drop_table("document_registers")
