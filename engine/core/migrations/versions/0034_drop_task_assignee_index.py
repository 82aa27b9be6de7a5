"""human tasks: drop the index of the assignee alone (every query by assignee seeks ix_human_tasks_inbox)

Revision ID: 0034
Revises: 0033
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0034"
down_revision: str | Sequence[str] | None = "0033"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Drop ix_human_tasks_assignee.

    Every query that names an assignee also asks for open tasks (``state = 'ready'``: the inbox's own tasks, an
    absent person's tasks for their deputy, the overdue steps by assignee), so it seeks ``ix_human_tasks_inbox``
    (state, assignee, …). The index of the assignee alone only cost a page write whenever a task was opened or
    closed: one of the ~28 pages a task completion writes.
    """
    op.drop_index("ix_human_tasks_assignee", table_name="human_tasks")


def downgrade() -> None:
    """Bring it back."""
    op.create_index("ix_human_tasks_assignee", "human_tasks", ["assignee"])
