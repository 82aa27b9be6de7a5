"""migration_batches.unit_id: the unit of the designer who requested the batch (None for older batches)

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the batch's unit (nullable: batches requested before this revision carry none)."""
    with op.batch_alter_table("migration_batches") as batch:
        batch.add_column(sa.Column("unit_id", sa.Integer, nullable=True))
        batch.create_foreign_key("fk_migration_batches_unit_id", "units", ["unit_id"], ["id"])
        batch.create_index("ix_migration_batches_unit_id", ["unit_id"])


def downgrade() -> None:
    """Drop it."""
    with op.batch_alter_table("migration_batches") as batch:
        batch.drop_index("ix_migration_batches_unit_id")
        batch.drop_constraint("fk_migration_batches_unit_id", type_="foreignkey")
        batch.drop_column("unit_id")
