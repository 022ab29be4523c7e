"""services.edits: one transaction for the change, its decision and its outbox row."""

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from prodops_tui.services.edits import badges, conflicts, set_priority
from prodops_tui.store.store import Store, StoreError

UPDATED = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
def issue(store: Store) -> str:
    store.upsert("connection", [{"id": "jira:acme", "kind": "jira", "name": "J", "base_url": "x"}])
    row = {
        "id": "jira:acme:10001",
        "connection_id": "jira:acme",
        "key": "API-1",
        "summary": "Export [b]fails[/b]",
        "priority": "Medium",
        "updated": UPDATED,
    }
    store.upsert("issue", [row])
    return "jira:acme:10001"


def one(store: Store, sql: str) -> tuple[object, ...]:
    with store.read() as conn:
        found = conn.execute(text(sql)).first()
    assert found is not None
    return tuple(found)


def test_set_priority_writes_issue_decision_and_outbox(store: Store, issue: str) -> None:
    edit_id = set_priority(store, issue, "High", "pat")
    assert one(store, "SELECT priority, version FROM issue") == ("High", 2)
    actor, target, action, detail, outbox_id = one(
        store, "SELECT actor, target, action, detail, outbox_id FROM decision"
    )
    assert (actor, target, action, outbox_id) == ("pat", issue, "priority", edit_id)
    detail = json.loads(detail) if isinstance(detail, str) else detail
    assert (detail["restore"], detail["set"]) == ({"priority": "Medium"}, {"priority": "High"})
    op, payload, base, state, who = one(
        store, "SELECT op, payload, base_version, state, actor FROM outbox"
    )
    assert (op, state, who) == ("priority", "pending", "pat")
    assert payload in ({"name": "High"}, '{"name": "High"}')
    assert datetime.fromisoformat(str(base)) == UPDATED
    assert datetime.fromisoformat(str(base)).tzinfo is not None
    assert badges(store) == {issue: "queued"}


def test_conflicts_list_our_value_and_the_message(store: Store, issue: str) -> None:
    edit_id = set_priority(store, issue, "Low", "pat")
    assert [row["id"] for row in store.lease_outbox("me", 10, 60)] == [edit_id]
    store.finish_outbox(edit_id, "conflict", "API-1 changed in Jira since", remote_id="v2")
    [found] = conflicts(store)
    assert (found.id, found.key, found.op, found.value) == (edit_id, "API-1", "priority", "Low")
    assert found.message == "API-1 changed in Jira since"
    assert badges(store) == {issue: "conflict"}


def test_bad_edits_write_nothing(store: Store, issue: str) -> None:
    with pytest.raises(StoreError, match="unknown priority"):
        set_priority(store, issue, "Urgent!", "pat")
    with pytest.raises(StoreError, match="no issue"):
        set_priority(store, "jira:acme:404", "High", "pat")
    assert one(store, "SELECT count(*) FROM outbox") == (0,)
    assert one(store, "SELECT count(*) FROM decision") == (0,)
    assert one(store, "SELECT priority, version FROM issue") == ("Medium", 1)
