"""services.feedback_actions: link, tag, states, snooze, new issue; previews; one transaction."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from prodops_tui.services.feedback_actions import (
    LINK_TAG,
    Action,
    IssueDraft,
    apply,
    create_issue,
    preview,
)
from prodops_tui.services.new_issue import adopt_created
from prodops_tui.services.versions import ItemChanged, item_version
from prodops_tui.store.store import Store, StoreError

TICKET = "zendesk:acme:ticket:7"
NPS = "mixpanel:acme:nps:3"
ISSUE = "jira:acme:10001"
STAMP = "2026-11-01T09:00:00Z"


@pytest.fixture
def filled(store: Store) -> Store:
    store.upsert(
        "connection",
        [
            {"id": "jira:acme", "kind": "jira", "name": "J", "base_url": "x"},
            {"id": "zendesk:acme", "kind": "zendesk", "name": "Z", "base_url": "x"},
        ],
    )
    updated = datetime(2026, 11, 1, 9, tzinfo=UTC)
    issue = {"id": ISSUE, "key": "API-1", "summary": "Export", "estimate": 3.0, "updated": updated}
    store.upsert("issue", [issue])
    store.upsert(
        "feedback",
        [
            {
                "id": TICKET,
                "kind": "ticket",
                "connection_id": "zendesk:acme",
                "subject": "Export [b]broken[/b]",
                "tags": ["bug"],
                "updated": updated,
                "updated_stamp": STAMP,
            },
            {"id": NPS, "kind": "nps", "subject": "NPS 3", "score": 3, "updated": updated},
        ],
    )
    return store


def rows(store: Store, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    with store.read() as conn:
        return [tuple(r) for r in conn.execute(text(sql), params)]


def test_link_writes_evidence_state_tags_decision_and_one_zendesk_edit(filled: Store) -> None:
    action = Action("link", ISSUE, importance=3, quote="export is broken")
    changes = apply(filled, [TICKET, NPS], action, "pat")
    assert [c.queued for c in changes] == [True, False]
    assert "evidence for API-1 (blocker)" in changes[0].summary
    assert "new -> processed" in changes[0].summary
    evidence = "SELECT feedback_id, importance, quote, created_by FROM evidence ORDER BY 1"
    assert rows(filled, evidence) == [
        (NPS, 3, "export is broken", "pat"),
        (TICKET, 3, "export is broken", "pat"),
    ]
    assert rows(filled, "SELECT state FROM feedback ORDER BY id") == [("processed",)] * 2
    tags = rows(filled, "SELECT tags FROM feedback WHERE id = :i", i=TICKET)[0][0]
    assert LINK_TAG in str(tags) and "jira_api-1" in str(tags)
    edits = rows(filled, "SELECT target, op, payload, base_version FROM outbox")
    assert len(edits) == 1
    target, op, payload, base = edits[0]
    assert (target, op, base) == (TICKET, "tags", STAMP)
    assert "jira_api-1" in str(payload)
    decisions = rows(filled, "SELECT target, action, outbox_id FROM decision ORDER BY target")
    assert [(t, a) for t, a, _ in decisions] == [(NPS, "link"), (TICKET, "link")]
    assert decisions[0][2] is None and decisions[1][2] is not None


def test_linking_rescores_the_issue(filled: Store) -> None:
    assert rows(filled, "SELECT score FROM issue WHERE id = :i", i=ISSUE) == [(None,)]
    apply(filled, [TICKET], Action("link", ISSUE, importance=3), "pat")
    [(one,)] = rows(filled, "SELECT score FROM issue WHERE id = :i", i=ISSUE)
    filled.upsert("feedback", [{"id": "nps:9", "requester": "Zoe", "updated": datetime.now(UTC)}])
    apply(filled, [NPS, "nps:9"], Action("link", ISSUE, importance=3), "pat")
    [(three,)] = rows(filled, "SELECT score FROM issue WHERE id = :i", i=ISSUE)
    assert one is not None and three is not None and three > one


def test_linking_again_updates_importance_and_queues_no_second_tag(filled: Store) -> None:
    apply(filled, [TICKET], Action("link", ISSUE, importance=1), "pat")
    changes = apply(filled, [TICKET], Action("link", ISSUE, importance=2), "pat")
    assert not changes[0].queued
    assert rows(filled, "SELECT importance FROM evidence") == [(2,)]
    assert rows(filled, "SELECT count(*) FROM outbox") == [(1,)]


def test_preview_lists_every_change_and_writes_nothing(filled: Store) -> None:
    changes = preview(filled, [TICKET, NPS], Action("tag", add=("Slow Export",)))
    assert [(c.feedback_id, c.summary, c.queued) for c in changes] == [
        (TICKET, "+slow_export", True),
        (NPS, "+slow_export", False),
    ]
    assert rows(filled, "SELECT count(*) FROM decision") == [(0,)]
    assert rows(filled, "SELECT tags FROM feedback WHERE id = :i", i=NPS)[0][0] in ("[]", [])


def test_bulk_is_all_or_nothing(filled: Store) -> None:
    with pytest.raises(StoreError, match="no feedback nope"):
        apply(filled, [TICKET, "nope"], Action("archive"), "pat")
    assert rows(filled, "SELECT state FROM feedback ORDER BY id") == [("new",)] * 2


def test_states_and_snooze(filled: Store) -> None:
    apply(filled, [NPS], Action("processed"), "pat")
    apply(filled, [TICKET], Action("archive"), "pat")
    assert rows(filled, "SELECT id, state FROM feedback ORDER BY id") == [
        (NPS, "processed"),
        (TICKET, "archived"),
    ]
    with pytest.raises(StoreError, match="future"):
        apply(filled, [NPS], Action("snooze", until=datetime.now(UTC) - timedelta(days=1)), "p")
    until = datetime.now(UTC) + timedelta(days=3)
    [change] = apply(filled, [NPS], Action("snooze", until=until), "pat")
    assert f"until {until.date().isoformat()}" in change.summary
    [(state, snoozed)] = rows(
        filled, "SELECT state, snoozed_until FROM feedback WHERE id=:i", i=NPS
    )
    assert state == "snoozed" and str(snoozed).startswith(until.date().isoformat())
    apply(filled, [NPS], Action("reopen"), "pat")
    assert rows(filled, "SELECT state, snoozed_until FROM feedback WHERE id=:i", i=NPS) == [
        ("new", None)
    ]
    assert rows(filled, "SELECT count(*) FROM outbox") == [(0,)]


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (Action("tag", add=("<b>bad</b>",)), "is not a tag"),
        (Action("tag"), "no tags"),
        (Action("link", "jira:acme:999"), "no issue jira:acme:999"),
        (Action("link", ISSUE, importance=5), "importance is 1"),
        (Action("explode"), "unknown feedback action"),
    ],
)
def test_bad_actions_change_nothing(filled: Store, action: Action, message: str) -> None:
    with pytest.raises(StoreError, match=message):
        apply(filled, [TICKET], action, "pat")
    assert rows(filled, "SELECT count(*) FROM decision") == [(0,)]


def test_create_issue_links_a_placeholder_that_adopts_the_real_id(filled: Store) -> None:
    draft = IssueDraft("api", "Export fails for big files", "From the inbox")
    issue_id, changes = create_issue(filled, [TICKET, NPS], draft, "pat", importance=2)
    assert issue_id.startswith("jira:acme:new-")
    assert rows(filled, "SELECT key, summary FROM issue WHERE id = :i", i=issue_id) == [
        ("API-new", "Export fails for big files")
    ]
    [(op, payload)] = rows(filled, "SELECT op, payload FROM outbox WHERE target = :i", i=issue_id)
    assert op == "create" and "From the inbox" in str(payload)
    assert len(changes) == 2
    tags = str(rows(filled, "SELECT tags FROM feedback WHERE id = :i", i=TICKET)[0][0])
    assert LINK_TAG in tags and "jira_" not in tags
    adopt_created(filled, issue_id, "jira:acme:10999")
    assert rows(filled, "SELECT count(*) FROM issue WHERE id = :i", i=issue_id) == [(0,)]
    assert rows(filled, "SELECT key FROM issue WHERE id = 'jira:acme:10999'") == [("API-new",)]
    assert sorted(rows(filled, "SELECT issue_id FROM evidence")) == [("jira:acme:10999",)] * 2


def test_create_issue_needs_a_summary_and_changes_nothing_without(filled: Store) -> None:
    with pytest.raises(StoreError, match="summary"):
        create_issue(filled, [TICKET], IssueDraft("API", "  "), "pat")
    assert rows(filled, "SELECT count(*) FROM issue") == [(1,)]


def test_an_item_changed_by_another_member_is_logged_not_applied(
    filled: Store, db_url: str
) -> None:
    """Ana decides on the versions she saw; Bob changed the ticket meanwhile (another Store,
    as another member's app): Ana's decision on it is kept in the log with what was stale, not
    applied and not sent to Zendesk; her decision on the other item is applied."""
    seen = {i: v for i in (TICKET, NPS) if (v := item_version(filled, "feedback", i)) is not None}
    assert len(seen) == 2
    other = Store.open(db_url)
    try:
        apply(other, [TICKET], Action("processed"), "bob")
    finally:
        other.close()
    with pytest.raises(ItemChanged, match="Export .* changed under you by bob"):
        apply(filled, [TICKET, NPS], Action("tag", add=("vip",)), "ana", seen=seen)
    tags = dict(rows(filled, "SELECT id, tags FROM feedback"))
    assert "vip" not in str(tags[TICKET]) and "vip" in str(tags[NPS])
    decisions = rows(
        filled, "SELECT actor, detail, outbox_id FROM decision WHERE target = :i", i=TICKET
    )
    assert [d[0] for d in decisions] == ["bob", "ana"] and decisions[1][2] is None
    detail = decisions[1][1] if isinstance(decisions[1][1], dict) else json.loads(decisions[1][1])
    assert detail["stale"]["last_by"] == "bob" and detail["stale"]["seen_version"] == seen[TICKET]
    assert rows(filled, "SELECT count(*) FROM outbox") == [(0,)]
