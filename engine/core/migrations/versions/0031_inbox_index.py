"""inbox index: open tasks of a person, or of a group in its units, by deadline (replaces the state index)

Revision ID: 0031
Revises: 0030
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0031"
down_revision: str | Sequence[str] | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INBOX_COLUMNS = ["state", "assignee", "unit_id", "lane", "due_at"]


def upgrade() -> None:
    """Add ix_human_tasks_inbox (state, assignee, unit_id, lane, due_at).

    Both halves of the inbox's condition seek into it: ``state = 'ready' AND assignee = :me`` and
    ``state = 'ready' AND assignee IS NULL AND unit_id IN (…) AND lane IN (…)``; the counts read only the index.
    """
    op.create_index("ix_human_tasks_inbox", "human_tasks", INBOX_COLUMNS)
    # Its first column serves every ``state = …`` lookup; the index of the state alone only misled the planners
    # (PostgreSQL read all open tasks through it and filtered them) and cost a write on every task change.
    op.drop_index("ix_human_tasks_state", table_name="human_tasks")


def downgrade() -> None:
    """Drop it, and bring back the index of the state alone."""
    op.create_index("ix_human_tasks_state", "human_tasks", ["state"])
    op.drop_index("ix_human_tasks_inbox", table_name="human_tasks")
