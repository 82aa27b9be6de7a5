"""report counters: recount every case, so that each also counts its overdue spells

Revision ID: 0032
Revises: 0031
"""

from collections.abc import Sequence

revision: str = "0032"
down_revision: str | Sequence[str] | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing to change in the schema: the counters gained ``overdue_from`` and ``overdue_until``, and migration
    0033 recounts the cases already there (it used to be done here, with the live code, which now needs 0033's
    columns)."""


def downgrade() -> None:
    """Nothing to undo: the older code reads no overdue counter, and its recount of a case takes back the keys
    the case counted, these included."""
