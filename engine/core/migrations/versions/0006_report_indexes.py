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


# Covering indexes: every column the report queries read is in the index, so they never visit the table rows.
CASE_REPORT_COLUMNS = [  # process_key first, so that case lists keep using (unit_id, created_at)
    "process_key", "unit_id", "created_at", "source", "field", "screening", "party_sanction", "state_sanction",
    "published_writing", "published_media", "published_portal", "completed_at",
]  # fmt: skip


def upgrade() -> None:
    """Add the indexes the report queries use."""
    op.create_index("ix_human_tasks_unit_due", "human_tasks", ["unit_id", "due_at", "completed_at", "state", "case_id"])
    op.create_index("ix_human_tasks_unit_completed", "human_tasks", ["unit_id", "completed_at", "due_at", "escalated"])
    op.create_index("ix_cases_unit_completed", "cases", ["unit_id", "completed_at", "process_key"])
    op.create_index("ix_cases_report", "cases", CASE_REPORT_COLUMNS)
    # Fewer indexes to maintain on every task write: the (unit_id, …) indexes serve unit lookups, and the lane is
    # always filtered together with the unit and state.
    op.drop_index("ix_human_tasks_unit_id", table_name="human_tasks")
    op.drop_index("ix_human_tasks_lane", table_name="human_tasks")


def downgrade() -> None:
    """Drop them."""
    op.create_index("ix_human_tasks_lane", "human_tasks", ["lane"])
    op.create_index("ix_human_tasks_unit_id", "human_tasks", ["unit_id"])
    op.drop_index("ix_cases_report", table_name="cases")
    op.drop_index("ix_cases_unit_completed", table_name="cases")
    op.drop_index("ix_human_tasks_unit_completed", table_name="human_tasks")
    op.drop_index("ix_human_tasks_unit_due", table_name="human_tasks")
