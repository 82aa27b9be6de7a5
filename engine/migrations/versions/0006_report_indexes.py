"""indexes for reports: late and closed steps per unit, closed cases per unit

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the indexes the report queries use."""
    op.create_index("ix_human_tasks_unit_due", "human_tasks", ["unit_id", "due_at"])
    op.create_index("ix_human_tasks_unit_completed", "human_tasks", ["unit_id", "completed_at"])
    op.create_index("ix_cases_unit_completed", "cases", ["unit_id", "completed_at"])


def downgrade() -> None:
    """Drop them."""
    op.drop_index("ix_cases_unit_completed", table_name="cases")
    op.drop_index("ix_human_tasks_unit_completed", table_name="human_tasks")
    op.drop_index("ix_human_tasks_unit_due", table_name="human_tasks")
