"""report counters: a tally of each case's settled steps, counted keys stored with their times; recount every case

Revision ID: 0033
Revises: 0032
"""

import os
from collections.abc import Sequence
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

from engine.core.settings import Settings
from engine.reports.counters import rebuild_counters

revision: str = "0033"
down_revision: str | Sequence[str] | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add ``human_tasks.tallied`` and ``report_counted_cases.settled``, then recount the cases already there.

    This is the one recount of the counters' migrations: it runs the live ``rebuild_counters``, which needs the
    whole schema of the counters (0030 and 0032 used to recount too, with columns that came later). A later
    migration that changes what is counted takes the recount over from this one.
    """
    with op.batch_alter_table("human_tasks") as batch:
        batch.add_column(sa.Column("tallied", sa.Boolean, nullable=False, server_default=sa.false()))
    with op.batch_alter_table("report_counted_cases") as batch:
        batch.add_column(sa.Column("settled", sa.JSON, nullable=True))
    rebuild_counters(op.get_bind(), zone=_zone())


def _zone() -> ZoneInfo:
    """The calendar's zone of the settings, read alone (as migration 0030 read it)."""
    return ZoneInfo(os.environ.get("PHANANH_TIMEZONE") or Settings.model_fields["timezone"].default)


def downgrade() -> None:
    """Store the counted keys one entry per time again, as the older code reads them, and drop the columns."""
    connection = op.get_bind()
    counted = sa.table("report_counted_cases", sa.column("case_id"), sa.column("keys", sa.JSON))
    for case_id, keys in connection.execute(sa.select(counted.c.case_id, counted.c["keys"])).all():
        entries = [entry[:5] for entry in keys for _ in range(entry[5] if len(entry) > 5 else 1)]
        connection.execute(sa.update(counted).where(counted.c.case_id == case_id).values(keys=entries))
    with op.batch_alter_table("report_counted_cases") as batch:
        batch.drop_column("settled")
    with op.batch_alter_table("human_tasks") as batch:
        batch.drop_column("tallied")
