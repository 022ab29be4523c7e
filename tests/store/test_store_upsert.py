"""Store.upsert on both dialects: natural keys, skip-unchanged, local fields, full-text triggers."""

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import insert, select, text
from sqlmodel import SQLModel
from store_helpers import T0, feedback_row, issue_row, scalar, search

from prodops_tui.store.errors import StoreError
from prodops_tui.store.sqlite_bulk import fts_appended
from prodops_tui.store.store import Store

ISSUE = SQLModel.metadata.tables["issue"]


def test_insert_then_update_counts_rows_written(store: Store) -> None:
    assert store.upsert("issue", [issue_row(i) for i in range(1, 11)], batch=3) == 10
    assert scalar(store, "SELECT count(*) FROM issue") == 10
    newer = [issue_row(i, days=1, summary=f"Renamed {i}") for i in range(1, 4)]
    assert store.upsert("issue", newer) == 3
    assert scalar(store, "SELECT summary FROM issue WHERE id = 'jira:acme:2'") == "Renamed 2"
    assert scalar(store, "SELECT count(*) FROM issue") == 10


def test_values_round_trip(store: Store) -> None:
    store.upsert("issue", [issue_row(1, labels=["a", "b"], estimate=3.5)])
    with store.read() as conn:
        row = conn.execute(select(ISSUE)).one()
    assert row.labels == ["a", "b"]
    assert row.estimate == 3.5
    assert row.updated.replace(tzinfo=UTC) == T0


def test_unchanged_rows_are_skipped(store: Store) -> None:
    store.upsert("issue", [issue_row(i) for i in range(5)])
    stale = [issue_row(i, summary="older copy") for i in range(5)]
    assert store.upsert("issue", stale) == 0
    assert scalar(store, "SELECT count(*) FROM issue WHERE summary = 'older copy'") == 0
    assert scalar(store, "SELECT max(version) FROM issue") == 1


def test_remote_update_keeps_local_only_fields(store: Store) -> None:
    store.upsert("issue", [issue_row(1)])
    snooze = datetime(2024, 4, 1, tzinfo=UTC)
    with store.write() as conn:
        conn.execute(
            text(
                "UPDATE issue SET triage_state = 'accepted', reach = 500, impact = 2, "
                "confidence = 0.8, effort = 3, score = 266.7, snoozed_until = :s"
            ),
            {"s": snooze},
        )
    assert store.upsert("issue", [issue_row(1, days=2, status="In Progress")]) == 1
    with store.read() as conn:
        row = conn.execute(select(ISSUE)).mappings().one()
    assert row["status"] == "In Progress"
    assert row["triage_state"] == "accepted"
    assert (row["reach"], row["impact"], row["confidence"], row["effort"]) == (500, 2, 0.8, 3)
    assert row["score"] == pytest.approx(266.7)
    assert row["snoozed_until"].replace(tzinfo=UTC) == snooze
    assert row["version"] == 2


def test_feedback_state_survives_a_resync(store: Store) -> None:
    store.upsert("feedback", [feedback_row(1)])
    with store.write() as conn:
        conn.execute(text("UPDATE feedback SET state = 'processed'"))
    store.upsert("feedback", [feedback_row(1, days=1, body="Still blank")])
    assert scalar(store, "SELECT state FROM feedback") == "processed"
    assert scalar(store, "SELECT body FROM feedback") == "Still blank"


def test_new_rows_get_column_defaults(store: Store) -> None:
    store.upsert("issue", [issue_row(1)])
    assert scalar(store, "SELECT triage_state FROM issue") == "untriaged"
    assert scalar(store, "SELECT deleted FROM issue") in (False, 0)


def test_missing_json_columns_default_on_insert_and_are_kept_on_update(store: Store) -> None:
    store.upsert("connection", [{"id": "c1", "kind": "jira", "name": "A", "base_url": "x"}])
    options = {"jql": "project = PROD"}
    store.upsert(
        "connection",
        [{"id": "c2", "kind": "jira", "name": "B", "base_url": "y", "options": options}],
    )
    store.upsert("connection", [{"id": "c2", "kind": "jira", "name": "B2", "base_url": "y"}])
    table = SQLModel.metadata.tables["connection"]
    with store.read() as conn:
        rows = {r.id: r for r in conn.execute(select(table))}
    assert rows["c1"].options == {}
    assert rows["c2"].options == options
    assert rows["c2"].name == "B2"


def test_composite_natural_keys(store: Store) -> None:
    store.upsert("connection", [{"id": "c1", "kind": "jira", "name": "Acme", "base_url": "x"}])
    state = {"connection_id": "c1", "stream": "issues", "cursor": "a", "items_changed": 1}
    store.upsert("sync_state", [state])
    store.upsert("sync_state", [{**state, "cursor": "b"}])
    assert scalar(store, "SELECT cursor FROM sync_state") == "b"
    store.upsert("issue", [issue_row(1)])
    store.upsert("feedback", [feedback_row(1)])
    link = {"feedback_id": "zendesk:acme:1", "issue_id": "jira:acme:1", "importance": 1}
    store.upsert("evidence", [link])
    store.upsert("evidence", [{**link, "importance": 3}])
    assert scalar(store, "SELECT importance FROM evidence") == 3
    assert scalar(store, "SELECT count(*) FROM evidence") == 1


def test_rows_with_different_columns_in_one_batch(store: Store) -> None:
    rows: list[dict[str, Any]] = [
        {"id": "t1", "name": "Figma", "renewal_date": date(2024, 9, 1)},
        {"id": "t2", "name": "Miro"},
    ]
    assert store.upsert("tool", rows) == 2
    assert scalar(store, "SELECT count(*) FROM tool WHERE renewal_date IS NULL") == 1


def test_unknown_table_or_column_is_refused(store: Store) -> None:
    with pytest.raises(StoreError, match="no upsert"):
        store.upsert("nonsense", [{"id": "x"}])
    with pytest.raises(StoreError, match="unknown column"):
        store.upsert("org", [{"id": "o1", "name": "A", "shoe_size": 43}])


def test_a_failing_batch_leaves_earlier_batches_committed(store: Store) -> None:
    broken = {"id": "jira:acme:3", "key": "PROD-3", "updated": None}
    rows: list[dict[str, Any]] = [issue_row(1), issue_row(2), broken]
    with pytest.raises(Exception, match="(?i)null"):
        store.upsert("issue", rows, batch=2)
    assert scalar(store, "SELECT count(*) FROM issue") == 2


def test_full_text_follows_inserts_updates_and_deletes(store: Store) -> None:
    store.upsert("issue", [issue_row(1, summary="Dark mode toggle"), issue_row(2)])
    assert search(store, "issue", "dark mod") == {"jira:acme:1"}
    assert search(store, "issue", "prod-2") == {"jira:acme:2"} or store.dialect == "postgresql"
    store.upsert("issue", [issue_row(1, days=1, summary="Light theme switch")])
    assert search(store, "issue", "dark") == set()
    assert search(store, "issue", "theme") == {"jira:acme:1"}
    with store.write() as conn:
        conn.execute(text("DELETE FROM issue WHERE id = 'jira:acme:1'"))
    assert search(store, "issue", "theme") == set()
    assert search(store, "issue", "export") == {"jira:acme:2"}


def test_feedback_full_text_covers_subject_body_and_requester(store: Store) -> None:
    second = feedback_row(2, subject="Login loop", body="Redirects forever")
    store.upsert("feedback", [feedback_row(1), second])
    assert search(store, "feedback", "invoice") == {"zendesk:acme:1"}
    assert search(store, "feedback", "login") == {"zendesk:acme:2"}
    assert search(store, "feedback", "blank") == {"zendesk:acme:1"}
    assert search(store, "feedback", "redirect for") == {"zendesk:acme:2"}
    assert search(store, "feedback", "zoe") == {"zendesk:acme:1", "zendesk:acme:2"} or (
        store.dialect == "postgresql"
    )
    assert search(store, "feedback", "zoë mar") == {"zendesk:acme:1", "zendesk:acme:2"}


def test_sqlite_fts_index_stays_consistent(sqlite_url: str) -> None:
    store = Store.open(sqlite_url)
    try:
        store.upsert("issue", [issue_row(i) for i in range(50)])
        store.upsert("issue", [issue_row(i, days=1, summary=f"v2 {i}") for i in range(0, 50, 2)])
        store.upsert("issue", [issue_row(i) for i in range(50)])
        with store.write() as conn:
            conn.execute(text("DELETE FROM issue WHERE seq % 5 = 0"))
            conn.execute(
                text("INSERT INTO issue_fts(issue_fts, rank) VALUES('integrity-check', 1)")
            )
        assert search(store, "issue", "v2") == {
            f"jira:acme:{i}" for i in range(0, 50, 2) if (i + 1) % 5
        }
    finally:
        store.close()


def test_timestamps_compare_in_order_across_formats(store: Store) -> None:
    store.upsert("issue", [issue_row(1, updated=datetime(2024, 3, 1, 9, 30, 0, 500, tzinfo=UTC))])
    later = issue_row(1, summary="later", updated=datetime(2024, 3, 1, 9, 30, 1, tzinfo=UTC))
    assert store.upsert("issue", [later]) == 1


def test_bulk_load_rebuilds_search_once_at_the_end(store: Store) -> None:
    with store.bulk_load("issue"):
        store.upsert("issue", [issue_row(i) for i in range(1, 4)])
        store.upsert("issue", [issue_row(1, days=1, summary="Dark mode")])
    assert search(store, "issue", "dark") == {"jira:acme:1"}
    assert search(store, "issue", "button") == {"jira:acme:2", "jira:acme:3"}
    store.upsert("issue", [issue_row(2, days=1, summary="Light theme")])
    assert search(store, "issue", "light") == {"jira:acme:2"}


def test_a_bulk_load_cut_short_is_restored_by_the_next_open(sqlite_url: str) -> None:
    store = Store.open(sqlite_url)
    loading = store.bulk_load("feedback")
    loading.__enter__()  # the process dies inside the load: the exit never runs
    store.upsert("feedback", [feedback_row(1)])
    assert search(store, "feedback", "invoice") == set()
    store.close()
    reopened = Store.open(sqlite_url)
    assert search(reopened, "feedback", "invoice") == {"zendesk:acme:1"}
    reopened.upsert("feedback", [feedback_row(2, subject="Login loop")])
    assert search(reopened, "feedback", "login") == {"zendesk:acme:2"}
    assert scalar(reopened, "SELECT count(*) FROM workspace_meta WHERE key LIKE 'fts.bulk:%'") == 0
    reopened.close()


def test_rows_inserted_under_fts_appended_are_searchable_in_one_go(store: Store) -> None:
    store.upsert("feedback", [feedback_row(1)])
    feedback = SQLModel.metadata.tables["feedback"]
    new = [feedback_row(2, subject="Login loop"), feedback_row(3, subject="Dark mode")]
    with pytest.raises(RuntimeError), store.write() as conn, fts_appended(conn, "feedback"):
        conn.execute(insert(feedback), new)
        raise RuntimeError("the import failed")  # all or nothing: the trigger comes back too
    assert scalar(store, "SELECT count(*) FROM feedback") == 1
    with store.write() as conn, fts_appended(conn, "feedback"):
        conn.execute(insert(feedback), new)
    assert search(store, "feedback", "login") == {"zendesk:acme:2"}
    assert search(store, "feedback", "dark") == {"zendesk:acme:3"}
    assert len(search(store, "feedback", "invoice")) == 3
    if store.dialect == "sqlite":  # the index matches the table exactly (each row once)
        with store.write() as conn:
            conn.exec_driver_sql(
                "INSERT INTO feedback_fts(feedback_fts) VALUES ('integrity-check')"
            )
    store.upsert("feedback", [feedback_row(4, subject="Login again")])  # the trigger is back
    assert search(store, "feedback", "login") == {"zendesk:acme:2", "zendesk:acme:4"}
