"""People and comments caches; duplicate links, cached transitions, session progress.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("connection_id", sa.String(), nullable=False),
        sa.Column("account_id", sa.String(), nullable=False),
        sa.Column("display_name", sa.String(), nullable=False),
        sa.Column("email", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("seen_at", MOMENT, nullable=True),
        sa.ForeignKeyConstraint(["connection_id"], ["connection.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("connection_id", "account_id"),
    )
    op.create_index("ix_person_connection_id", "person", ["connection_id"])
    op.create_table(
        "comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(), nullable=False),
        sa.Column("remote_id", sa.String(), nullable=False),
        sa.Column("author", sa.String(), nullable=False),
        sa.Column("body", sa.String(), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("created", MOMENT, nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("target", "remote_id"),
    )
    op.create_index("ix_comment_target_created", "comment", ["target", "created"])
    with op.batch_alter_table("issue") as batch:
        batch.add_column(sa.Column("duplicate_of", sa.String(), nullable=False, server_default=""))
        batch.add_column(sa.Column("transitions", sa.JSON(), nullable=False, server_default="[]"))
    with op.batch_alter_table("triage_session") as batch:
        batch.add_column(sa.Column("policy", sa.String(), nullable=False, server_default="lead"))
        batch.add_column(sa.Column("progress", sa.JSON(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("triage_session") as batch:
        batch.drop_column("progress")
        batch.drop_column("policy")
    with op.batch_alter_table("issue") as batch:
        batch.drop_column("transitions")
        batch.drop_column("duplicate_of")
    op.drop_index("ix_comment_target_created", table_name="comment")
    op.drop_table("comment")
    op.drop_index("ix_person_connection_id", table_name="person")
    op.drop_table("person")
