"""report counters: recount every case, so that each also counts its overdue spells

Revision ID: 0032
Revises: 0031
"""

import os
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from alembic import op

from engine.core.settings import Settings
from engine.reports.counters import rebuild_counters

revision: str = "0032"
down_revision: str | Sequence[str] | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Recount the cases already there (the counters gained ``overdue_from`` and ``overdue_until``)."""
    rebuild_counters(op.get_bind(), zone=_zone())


def _zone() -> ZoneInfo:
    """The calendar's zone of the settings, read alone (as migration 0030 reads it)."""
    return ZoneInfo(os.environ.get("PHANANH_TIMEZONE") or Settings.model_fields["timezone"].default)


def downgrade() -> None:
    """Nothing to undo: the older code reads no overdue counter, and its recount of a case takes back the keys
    the case counted, these included."""
