"""The outbox: written with the local change or not at all; leased once; finished."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from store_helpers import issue_row, scalar

from prodops_tui.store.errors import StoreError
from prodops_tui.store.store import Store


class Boom(Exception):
    """Raised on purpose inside a write transaction."""


def _edit(store: Store, target: str = "jira:acme:1", summary: str = "New title") -> str:
    with store.write() as conn:
        conn.execute(
            text("UPDATE issue SET summary = :s, version = version + 1 WHERE id = :id"),
            {"s": summary, "id": target},
        )
        return store.enqueue(
            conn,
            target=target,
            op="edit_summary",
            payload={"summary": summary},
            base_version="2024-03-01T09:30:00Z",
            actor="pm@acme.test",
        )


def test_local_change_and_outbox_row_commit_together(store: Store) -> None:
    store.upsert("issue", [issue_row(1)])
    edit_id = _edit(store)
    assert scalar(store, "SELECT summary FROM issue") == "New title"
    assert scalar(store, "SELECT state FROM outbox WHERE id = :id", id=edit_id) == "pending"
    assert scalar(store, "SELECT actor FROM outbox") == "pm@acme.test"


def test_an_exception_leaves_neither_the_change_nor_the_outbox_row(store: Store) -> None:
    store.upsert("issue", [issue_row(1)])
    with pytest.raises(Boom), store.write() as conn:
        conn.execute(text("UPDATE issue SET summary = 'lost'"))
        store.enqueue(
            conn, target="jira:acme:1", op="edit", payload={}, base_version="", actor="pm"
        )
        raise Boom
    assert scalar(store, "SELECT summary FROM issue") == issue_row(1)["summary"]
    assert scalar(store, "SELECT count(*) FROM outbox") == 0
    _edit(store)
    assert scalar(store, "SELECT count(*) FROM outbox") == 1


def test_a_failed_commit_is_rolled_back_not_left_open(sqlite_url: str) -> None:
    store = Store.open(sqlite_url)
    try:
        store.upsert("issue", [issue_row(1)])
        with pytest.raises(Exception, match="FOREIGN KEY"), store.write() as conn:
            conn.execute(text("PRAGMA defer_foreign_keys = ON"))
            conn.execute(text("UPDATE issue SET summary = 'ghost'"))
            conn.execute(text("UPDATE issue SET connection_id = 'nowhere'"))
        for _ in range(3):
            with store.write() as conn:
                conn.execute(text("UPDATE issue SET version = version + 1"))
        assert scalar(store, "SELECT summary FROM issue") == issue_row(1)["summary"]
        assert scalar(store, "SELECT version FROM issue") == 4
    finally:
        store.close()


def test_lease_marks_rows_inflight_once(store: Store) -> None:
    store.upsert("issue", [issue_row(i) for i in (1, 2, 3)])
    ids = [_edit(store, f"jira:acme:{i}") for i in (1, 2, 3)]
    first = store.lease_outbox("pusher-a", limit=2, lease_seconds=60)
    assert [row["id"] for row in first] == ids[:2]
    assert {row["state"] for row in first} == {"inflight"}
    assert {row["lease_owner"] for row in first} == {"pusher-a"}
    assert first[0]["attempts"] == 1
    assert first[0]["payload"] == {"summary": "New title"}
    second = store.lease_outbox("pusher-b", limit=5, lease_seconds=60)
    assert [row["id"] for row in second] == ids[2:]
    assert store.lease_outbox("pusher-c", limit=5, lease_seconds=60) == []


def test_edits_to_one_target_go_out_in_order(store: Store) -> None:
    store.upsert("issue", [issue_row(1)])
    older = _edit(store, summary="first")
    newer = _edit(store, summary="second")
    assert [r["id"] for r in store.lease_outbox("p", limit=5, lease_seconds=60)] == [older]
    assert store.lease_outbox("p", limit=5, lease_seconds=60) == []
    store.finish_outbox(older, "done", remote_id="10001")
    assert [r["id"] for r in store.lease_outbox("p", limit=5, lease_seconds=60)] == [newer]


def test_an_expired_lease_is_taken_over(store: Store) -> None:
    store.upsert("issue", [issue_row(1)])
    edit_id = _edit(store)
    store.lease_outbox("crashed", limit=1, lease_seconds=60)
    with store.write() as conn:
        past = datetime.now(UTC) - timedelta(seconds=1)
        conn.execute(text("UPDATE outbox SET lease_until = :t"), {"t": past})
    taken = store.lease_outbox("rescuer", limit=1, lease_seconds=60)
    assert [(r["id"], r["lease_owner"], r["attempts"]) for r in taken] == [(edit_id, "rescuer", 2)]


def test_finish_states(store: Store) -> None:
    store.upsert("issue", [issue_row(i) for i in (1, 2, 3)])
    done, conflict, retry = (_edit(store, f"jira:acme:{i}") for i in (1, 2, 3))
    store.lease_outbox("p", limit=3, lease_seconds=60)
    store.finish_outbox(done, "done", remote_id="c-1")
    store.finish_outbox(conflict, "conflict", error="summary changed remotely")
    later = datetime.now(UTC) + timedelta(hours=1)
    store.finish_outbox(retry, "pending", error="503", retry_at=later)
    with store.read() as conn:
        rows = {r.id: r for r in conn.execute(text("SELECT * FROM outbox"))}
    assert (rows[done].state, rows[done].remote_id, rows[done].lease_owner) == ("done", "c-1", "")
    assert (rows[conflict].state, rows[conflict].error) == ("conflict", "summary changed remotely")
    assert rows[retry].state == "pending"
    assert store.lease_outbox("p", limit=3, lease_seconds=60) == []


def test_finish_refuses_unknown_rows_and_states(store: Store) -> None:
    with pytest.raises(StoreError, match="no outbox row"):
        store.finish_outbox("00000000-0000-0000-0000-000000000000", "done")
    with pytest.raises(StoreError, match="unknown outbox state"):
        store.finish_outbox("x", "teleported")
    with pytest.raises(StoreError, match="cannot be finished"):
        store.finish_outbox("x", "inflight")
