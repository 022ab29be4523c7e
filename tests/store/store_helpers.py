"""Row builders and full-text helpers shared by the store tests (imported as a module)."""

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text

from prodops_tui.store.store import Store

T0 = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)


def issue_row(i: int, *, days: int = 0, **fields: Any) -> dict[str, Any]:
    """A remote issue as sync would upsert it (no local-only fields)."""
    row: dict[str, Any] = {
        "id": f"jira:acme:{i}",
        "key": f"PROD-{i}",
        "project": "PROD",
        "summary": f"Export button number {i}",
        "description_md": "Users cannot export their reports",
        "labels": ["export", "reports"],
        "updated": T0 + timedelta(days=days),
    }
    row.update(fields)
    return row


def feedback_row(i: int, *, days: int = 0, **fields: Any) -> dict[str, Any]:
    """A remote ticket as sync would upsert it (no local state)."""
    row: dict[str, Any] = {
        "id": f"zendesk:acme:{i}",
        "subject": f"Ticket {i} about invoices",
        "body": "The invoice PDF is blank",
        "requester": "Zoë Martin",
        "tags": ["billing"],
        "updated": T0 + timedelta(days=days),
    }
    row.update(fields)
    return row


def search(store: Store, table: str, words: str) -> set[str]:
    """Ids matching every word as a prefix, through the dialect's full-text index."""
    terms = words.split()
    with store.read() as conn:
        if store.dialect == "sqlite":
            query = " ".join(f'"{w}"*' for w in terms)
            sql = (
                f"SELECT t.id FROM {table}_fts f JOIN {table} t ON t.seq = f.rowid "
                f"WHERE {table}_fts MATCH :q"
            )
        else:
            query = " & ".join(f"{w}:*" for w in terms)
            sql = f"SELECT id FROM {table} WHERE search_vector @@ to_tsquery('simple', :q)"
        return {row[0] for row in conn.execute(text(sql), {"q": query})}


def scalar(store: Store, sql: str, **params: Any) -> Any:
    """One value from a query, read in its own transaction."""
    with store.read() as conn:
        return conn.execute(text(sql), params).scalar_one()
