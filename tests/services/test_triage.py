"""services.triage: each decision writes the change, its decision and its outbox rows in one
transaction; batches, previews, undo and refusals, on SQLite and PostgreSQL."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from prodops_tui.services import triage
from prodops_tui.services.edits import badges
from prodops_tui.services.triage import Action, TriageError
from prodops_tui.services.triage_undo import undo_last
from prodops_tui.store.store import Store

UPDATED = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
A, B, C = "jira:acme:10001", "jira:acme:10002", "jira:acme:10003"
MOVES = [{"id": "71", "name": "Select", "to": "Selected for Development", "category": "new"}]


def issue(n: int, **extra: Any) -> dict[str, Any]:
    row = {
        "id": f"jira:acme:{10000 + n}",
        "connection_id": "jira:acme",
        "key": f"API-{n}",
        "summary": f"Issue {n}",
        "status": "To Do",
        "priority": "Medium",
        "labels": ["api"],
        "assignee": "Ana Lima",
        "estimate": 2.0,
        "updated": UPDATED,
    }
    return row | extra


@pytest.fixture
def seeded(store: Store) -> Store:
    store.upsert("connection", [{"id": "jira:acme", "kind": "jira", "name": "J", "base_url": "x"}])
    store.upsert("org", [{"id": "o1", "name": "Acme", "arr": 100_000.0}])
    feedback = [
        {"id": f"f{n}", "requester": f"R{n}", "org_id": "o1", "updated": UPDATED}
        for n in range(1, 4)
    ]
    store.upsert("feedback", feedback)
    store.upsert("issue", [issue(1), issue(2, transitions=MOVES), issue(3)])
    links = [("f1", A), ("f2", B), ("f3", B), ("f1", B)]
    store.upsert("evidence", [{"feedback_id": f, "issue_id": i, "quote": f} for f, i in links])
    person = {
        "connection_id": "jira:acme",
        "account_id": "acc-ana-lima",
        "display_name": "Ana Lima",
    }
    with store.write() as conn:
        conn.execute(
            text(
                "INSERT INTO person (connection_id, account_id, display_name, email, role, active)"
                " VALUES (:connection_id, :account_id, :display_name, '', 'assignable', true)"
            ),
            person,
        )
    return store


def rows(store: Store, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    with store.read() as conn:
        return [tuple(r) for r in conn.execute(text(sql), params)]


def json(value: Any) -> Any:
    import json as decoder

    return decoder.loads(value) if isinstance(value, str) else value


def outbox(store: Store) -> list[tuple[str, Any, str]]:
    found = rows(store, "SELECT op, payload, state FROM outbox ORDER BY created_at, id")
    return [(op, json(payload), state) for op, payload, state in found]


def test_accept_moves_to_the_ready_status_in_one_transaction(seeded: Store) -> None:
    done = triage.accept(seeded, B, "pat")
    assert rows(seeded, "SELECT status, triage_state FROM issue WHERE id = :i", i=B) == [
        ("Selected for Development", "accepted")
    ]
    assert outbox(seeded) == [("transition", {"to_status": "Selected for Development"}, "pending")]
    [(actor, action, outbox_id)] = rows(seeded, "SELECT actor, action, outbox_id FROM decision")
    assert (actor, action, outbox_id) == ("pat", "accept", done.outbox[0])
    assert badges(seeded) == {B: "queued"}
    triage.set_ready_status(seeded, "In Progress")
    assert triage.get_ready_status(seeded) == "In Progress"


def test_decline_needs_a_reason_and_posts_it(seeded: Store) -> None:
    with pytest.raises(TriageError, match="needs a reason"):
        triage.decline(seeded, A, "  ", "pat")
    assert rows(seeded, "SELECT count(*) FROM outbox") == [(0,)]
    triage.decline(seeded, A, "Out of scope for 2025", "pat")
    assert [(op, state) for op, _, state in outbox(seeded)] == [
        ("transition", "pending"),
        ("comment", "pending"),
    ]
    assert outbox(seeded)[1][1] == {"markdown": "Declined in triage: Out of scope for 2025"}
    assert rows(seeded, "SELECT reason FROM decision") == [("Out of scope for 2025",)]
    assert rows(seeded, "SELECT status, status_category FROM issue WHERE id = :i", i=A) == [
        ("Declined", "done")
    ]
    assert rows(seeded, "SELECT body FROM comment WHERE target = :i", i=A) == [
        ("Declined in triage: Out of scope for 2025",)
    ]


def test_duplicate_moves_evidence_links_and_closes(seeded: Store) -> None:
    with pytest.raises(TriageError, match="duplicate of itself"):
        triage.duplicate_of(seeded, C, C, "pat")
    with pytest.raises(TriageError, match="no longer offers a move from To Do to Duplicate"):
        triage.duplicate_of(seeded, B, A, "pat")
    seeded.upsert("evidence", [{"feedback_id": "f2", "issue_id": C, "importance": 3}])
    triage.duplicate_of(seeded, C, A, "pat")
    evidence = "SELECT feedback_id, importance FROM evidence WHERE issue_id = :i ORDER BY 1"
    assert rows(seeded, evidence, i=A) == [("f1", 1), ("f2", 3)]
    assert rows(seeded, "SELECT count(*) FROM evidence WHERE issue_id = :i", i=C) == [(0,)]
    assert rows(seeded, "SELECT duplicate_of, status FROM issue WHERE id = :i", i=C) == [
        (A, "Duplicate")
    ]
    link = {"type": "Duplicate", "inward": "API-3", "outward": "API-1"}
    assert [(op, payload) for op, payload, _ in outbox(seeded)] == [
        ("transition", {"to_status": "Duplicate"}),
        ("link", link),
    ]
    with pytest.raises(TriageError, match="already a duplicate"):
        triage.duplicate_of(seeded, A, C, "pat")
    undone = undo_last(seeded, "pat")
    assert (undone.keys, undone.dropped) == (["API-3"], 2)
    assert rows(seeded, evidence, i=C) == [("f2", 3)]
    assert rows(seeded, evidence, i=A) == [("f1", 1)]
    assert rows(seeded, "SELECT duplicate_of, status FROM issue WHERE id = :i", i=C) == [
        ("", "To Do")
    ]
    assert outbox(seeded) == []


def test_merged_evidence_comes_back_on_undo(seeded: Store) -> None:
    triage.duplicate_of(seeded, A, B, "pat")
    evidence = "SELECT feedback_id FROM evidence WHERE issue_id = :i ORDER BY 1"
    assert rows(seeded, evidence, i=B) == [("f1",), ("f2",), ("f3",)]
    assert rows(seeded, evidence, i=A) == []
    undo_last(seeded, "pat")
    assert rows(seeded, evidence, i=A) == [("f1",)]
    assert rows(seeded, evidence, i=B) == [("f1",), ("f2",), ("f3",)]


def test_transition_refuses_a_move_no_longer_offered(seeded: Store) -> None:
    with pytest.raises(TriageError, match="no longer offers a move from To Do to Done"):
        triage.transition(seeded, B, "Done", "pat")
    with pytest.raises(TriageError, match="none known"):
        triage.transition(seeded, A, "In Progress", "pat")
    triage.transition(seeded, B, "Selected for Development", "pat")
    assert rows(seeded, "SELECT status, transitions FROM issue WHERE id = :i", i=B) == [
        ("Selected for Development", [] if seeded.dialect == "postgresql" else "[]")
    ]


def test_labels_add_and_remove_never_replace(seeded: Store) -> None:
    triage.labels(seeded, A, "pat", add=["beta", "api"], remove=[])
    triage.labels(seeded, A, "pat", remove=["api"])
    assert [json(v) for (v,) in rows(seeded, "SELECT labels FROM issue WHERE id = :i", i=A)] == [
        ["beta"]
    ]
    assert [payload for _, payload, _ in outbox(seeded)] == [
        {"add": ["beta"], "remove": []},
        {"add": [], "remove": ["api"]},
    ]
    with pytest.raises(TriageError, match="spaces"):
        triage.labels(seeded, A, "pat", add=["two words"])


def test_snooze_assignee_comment_and_score(seeded: Store) -> None:
    with pytest.raises(TriageError, match="after today"):
        triage.snooze(seeded, A, date(2020, 1, 1), "pat")
    later = datetime.now(UTC).date() + timedelta(days=7)
    triage.snooze(seeded, A, later, "pat")
    [(until, state)] = rows(
        seeded, "SELECT snoozed_until, triage_state FROM issue WHERE id = :i", i=A
    )
    assert str(until)[:10] == later.isoformat() and state == "snoozed"
    triage.assign(seeded, C, "acc-bo", "Bo Chen", "pat")
    assert outbox(seeded)[-1][:2] == ("assignee", {"account_id": "acc-bo"})
    triage.comment(seeded, C, "Looks **good**", "pat")
    assert outbox(seeded)[-1][:2] == ("comment", {"markdown": "Looks **good**"})
    with pytest.raises(TriageError, match="confidence"):
        triage.score_inputs(seeded, C, {"confidence": 80}, "pat")
    triage.score_inputs(seeded, C, {"reach": 100, "impact": 2, "confidence": 0.5}, "pat")
    assert rows(seeded, "SELECT score FROM issue WHERE id = :i", i=C) == [(50.0,)]


def test_batch_preview_lists_every_change_and_writes_nothing(seeded: Store) -> None:
    action = Action("priority", "High")
    changes = triage.preview(seeded, [A, B, C], action)
    assert [(c.key, c.field, c.old, c.new) for c in changes] == [
        (f"API-{n}", "priority", "Medium", "High") for n in (1, 2, 3)
    ]
    assert rows(seeded, "SELECT count(*) FROM outbox") == [(0,)]
    done = triage.batch(seeded, [A, B, C], action, "pat")
    assert len(done.decisions) == 3 and len(done.outbox) == 3
    assert rows(seeded, "SELECT DISTINCT priority FROM issue") == [("High",)]
    undone = undo_last(seeded, "pat")
    assert sorted(undone.keys) == ["API-1", "API-2", "API-3"] and undone.dropped == 3
    assert rows(seeded, "SELECT DISTINCT priority FROM issue") == [("Medium",)]
    assert rows(seeded, "SELECT count(*) FROM outbox") == [(0,)]


def test_a_refused_issue_stops_the_whole_batch(seeded: Store) -> None:
    with seeded.write() as conn:
        conn.execute(text("UPDATE issue SET deleted = true WHERE id = :i"), {"i": C})
    with pytest.raises(TriageError, match="API-3 was deleted in Jira"):
        triage.batch(seeded, [A, B, C], Action("priority", "Low"), "pat")
    assert rows(seeded, "SELECT DISTINCT priority FROM issue") == [("Medium",)]
    assert rows(seeded, "SELECT count(*) FROM decision") == [(0,)]


def test_undo_takes_the_actors_last_decision_only(seeded: Store) -> None:
    triage.set_priority(seeded, A, "Low", "pat")
    triage.set_priority(seeded, A, "High", "pat")
    triage.set_priority(seeded, B, "Lowest", "sam")
    undo_last(seeded, "pat")
    assert rows(seeded, "SELECT key, priority FROM issue ORDER BY key") == [
        ("API-1", "Low"),
        ("API-2", "Lowest"),
        ("API-3", "Medium"),
    ]
    undo_last(seeded, "pat")
    assert rows(seeded, "SELECT priority FROM issue WHERE id = :i", i=A) == [("Medium",)]
    with pytest.raises(TriageError, match="nothing to undo"):
        undo_last(seeded, "pat")
    assert rows(seeded, "SELECT action FROM decision WHERE actor = 'pat' ORDER BY id") == [
        ("priority",),
        ("priority",),
        ("undo",),
        ("undo",),
    ]
