"""fill_workspace writes the generated company into a real store (SQLite and PostgreSQL)."""

from datetime import date

from sqlalchemy import text

from prodops_tui.services.demo import fill_company, fill_workspace
from prodops_tui.services.generator import TABLE_ORDER, generate
from prodops_tui.store.store import Store

TODAY = date(2026, 5, 1)


def _table_counts(store: Store) -> dict[str, int]:
    with store.read() as conn:
        return {
            t: int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one())
            for t in TABLE_ORDER
        }


def test_fill_writes_every_table_in_batches(store: Store) -> None:
    company = generate("tiny", seed=11, today=TODAY)
    expected = company.counts()
    calls: list[tuple[str, int, int]] = []
    written = fill_company(store, company, lambda *args: calls.append(args), batch=300)
    assert written == expected
    assert _table_counts(store) == expected
    for table in TABLE_ORDER:
        mine = [(done, total) for t, done, total in calls if t == table]
        assert mine[-1] == (expected[table], expected[table])
        assert [done for done, _ in mine] == sorted(done for done, _ in mine)
    assert [d for t, d, _ in calls if t == "feedback"][:2] == [300, 600]
    assert [t for t, _, _ in calls] == sorted((t for t, _, _ in calls), key=TABLE_ORDER.index)


def test_written_rows_are_searchable_and_linked(store: Store) -> None:
    company = generate("tiny", seed=11, today=TODAY)
    fill_company(store, company)
    issue = next(company.issues())
    with store.read() as conn:
        row = conn.execute(
            text("SELECT key, summary, labels FROM issue WHERE id = :id"), {"id": issue["id"]}
        ).one()
        linked = conn.execute(
            text(
                "SELECT count(*) FROM evidence e JOIN feedback f ON f.id = e.feedback_id "
                "JOIN issue i ON i.id = e.issue_id"
            )
        ).scalar_one()
        orphans = conn.execute(
            text(
                "SELECT count(*) FROM feedback f LEFT JOIN org o ON o.id = f.org_id "
                "WHERE f.org_id IS NOT NULL AND o.id IS NULL"
            )
        ).scalar_one()
    assert (row.key, row.summary) == (issue["key"], issue["summary"])
    assert linked == company.counts()["evidence"] and orphans == 0


def test_refill_is_idempotent(store: Store) -> None:
    fill_workspace(store, "tiny", seed=5, today=TODAY)
    first = _table_counts(store)
    again = fill_workspace(store, "tiny", seed=5, today=TODAY)
    assert _table_counts(store) == first
    assert again["issue"] == 0 and again["feedback"] == 0
