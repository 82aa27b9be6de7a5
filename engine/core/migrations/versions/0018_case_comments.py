"""case comments: threaded remarks of the staff on a case, and the files attached to them

Revision ID: 0018
Revises: 0017
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UTCDateTime = sa.DateTime(timezone=True)

revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the case_comments table and the comment an attachment belongs to."""
    op.create_table(
        "case_comments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), nullable=False),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("case_comments.id"), nullable=True),
        sa.Column("author_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_case_comments_case", "case_comments", ["case_id", "id"])
    with op.batch_alter_table("attachments") as batch:
        batch.add_column(sa.Column("comment_id", sa.Integer, nullable=True))
        batch.create_foreign_key("fk_attachments_comment_id", "case_comments", ["comment_id"], ["id"])
        batch.create_index("ix_attachments_comment_id", ["comment_id"])


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table("attachments") as batch:
        batch.drop_index("ix_attachments_comment_id")
        batch.drop_constraint("fk_attachments_comment_id", type_="foreignkey")
        batch.drop_column("comment_id")
    op.drop_index("ix_case_comments_case", table_name="case_comments")
    op.drop_table("case_comments")
