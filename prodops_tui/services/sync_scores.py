"""Scores after a sync: the issues a run wrote are rescored once at its end (one pass, instead
of a rescore inside every page's write).

Crash safety: every page with issues also marks the connection in `workspace_meta` inside the
page's own transaction, and the mark is cleared in the transaction that rescores. A run that
died between the two leaves the mark, so the next sync of that connection rescores every issue
first: a committed page never keeps a stale score past the next sync.
"""

from collections.abc import Iterable

from sqlalchemy import Connection, delete, select
from sqlmodel import SQLModel

from prodops_tui.services.scoring import rescore_in
from prodops_tui.store.store import Store

__all__ = ["mark_unscored", "rescore_left_over", "rescore_synced"]


def _key(connection_id: str) -> str:
    return f"scoring.pending:{connection_id}"


def mark_unscored(store: Store, conn: Connection, connection_id: str) -> None:
    """In a page's write transaction: this connection has issues written but not rescored."""
    store.upsert_in(conn, "workspace_meta", [{"key": _key(connection_id), "value": "1"}])


def rescore_synced(store: Store, connection_id: str, issue_ids: Iterable[str]) -> int:
    """Rescore the issues a run wrote and clear the connection's mark, in one transaction."""
    meta = SQLModel.metadata.tables["workspace_meta"]
    with store.write() as conn:
        changed = rescore_in(conn, list(dict.fromkeys(issue_ids)))
        conn.execute(delete(meta).where(meta.c.key == _key(connection_id)))
    return changed


def rescore_left_over(store: Store, connection_id: str) -> int:
    """If an earlier run of this connection stopped before rescoring, rescore every issue."""
    meta = SQLModel.metadata.tables["workspace_meta"]
    with store.read() as conn:
        marked = conn.execute(select(meta.c.key).where(meta.c.key == _key(connection_id)))
        if marked.first() is None:
            return 0
        issue = SQLModel.metadata.tables["issue"]
        ids = list(conn.execute(select(issue.c.id).where(issue.c.deleted.is_(False))).scalars())
    return rescore_synced(store, connection_id, ids)
