"""matters (vụ việc) of petitions, cases.matter_id; identity-bearing attachments and their redacted copies

Revision ID: 0009
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the matters table, the case's matter and the attachment protection columns."""
    op.create_table(
        "matters",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), nullable=False),
        sa.Column("title", sa.String(512), nullable=False, server_default=""),
        sa.Column("subject_name", sa.String(255)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("guided_at", sa.DateTime(timezone=True)),
        sa.Column("guided_by_case", sa.String(32)),
    )
    op.create_index("ix_matters_unit_id", "matters", ["unit_id"])
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("matter_id", sa.Integer, nullable=True))
        batch.create_foreign_key("fk_cases_matter_id", "matters", ["matter_id"], ["id"])
        batch.create_index("ix_cases_matter_id", ["matter_id"])
    with op.batch_alter_table("attachments") as batch:
        batch.add_column(sa.Column("identity_bearing", sa.Boolean, nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("redacted_copy_of", sa.Integer, nullable=True))
        batch.create_foreign_key("fk_attachments_redacted_copy_of", "attachments", ["redacted_copy_of"], ["id"])


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table("attachments") as batch:
        batch.drop_constraint("fk_attachments_redacted_copy_of", type_="foreignkey")
        batch.drop_column("redacted_copy_of")
        batch.drop_column("identity_bearing")
    with op.batch_alter_table("cases") as batch:
        batch.drop_index("ix_cases_matter_id")
        batch.drop_constraint("fk_cases_matter_id", type_="foreignkey")
        batch.drop_column("matter_id")
    op.drop_index("ix_matters_unit_id", table_name="matters")
    op.drop_table("matters")
