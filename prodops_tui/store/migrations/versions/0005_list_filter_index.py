"""An index the query bar's filters read instead of the issue rows (SQLite only).

A filter on status, priority, assignee, type, labels, project or triage state (`status:"To Do"`,
`label:quick-win priority:lowest`) otherwise reads every issue row, descriptions included. This
index holds those columns in display order (updated, seq), so such a list, its count and its
first page walk the index alone. PostgreSQL cannot put the JSON `labels` in a B-tree and plans
its own scans: it gets nothing.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_issue_list_filters"
COLUMNS = [
    *("updated", "seq", "status", "priority", "assignee", "type", "labels", "project"),
    *("triage_state", "status_category", "snoozed_until", "score", "id"),
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.create_index(INDEX, "issue", COLUMNS)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.drop_index(INDEX, table_name="issue")
