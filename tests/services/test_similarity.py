"""services.similarity: issue suggestions for a feedback text, typed narrowing, duplicates."""

from datetime import UTC, datetime

from prodops_tui.services.similarity import IssueIndex, duplicates, feedback_text, tokens
from prodops_tui.store.store import Store

ISSUES = [
    ("jira:a:1", "API-1", "CSV export times out for large workspaces"),
    ("jira:a:2", "API-2", "Dark mode for the dashboard"),
    ("jira:a:3", "BILL-3", "Invoice PDF shows the wrong currency"),
    ("jira:a:4", "API-12", "Export to Excel"),
]


def test_the_issue_the_text_is_about_ranks_first() -> None:
    index = IssueIndex(ISSUES)
    text = feedback_text("Export broken", "Our CSV export times out every time, large workspace.")
    ranked = index.rank(text, 3)
    assert ranked[0].key == "API-1"
    assert 0.5 < ranked[0].score <= 1.0
    assert [s.key for s in index.rank("the invoice currency is wrong", 1)] == ["BILL-3"]
    assert index.rank("nothing in common here", 3) == []


def test_typed_words_narrow_by_prefix_and_keys_by_key_prefix() -> None:
    index = IssueIndex(ISSUES)
    text = "CSV export times out"
    assert [s.key for s in index.rank(text, 5, typed="exc")] == ["API-12"]
    assert [s.key for s in index.rank(text, 5, typed="exp tim")] == ["API-1"]
    assert [s.key for s in index.rank(text, 5, typed="api-1")] == ["API-1", "API-12"]
    assert index.rank(text, 5, typed="zzz") == []


def test_tokens_drop_stop_words() -> None:
    assert tokens("Hi team, the Export is BROKEN!") == ["export", "broken"]


def test_duplicates_find_the_same_complaint(store: Store) -> None:
    now = datetime(2026, 11, 1, tzinfo=UTC)
    body = "The CSV export times out on our large workspace every morning"
    rows = [
        {"id": "f1", "subject": "Export timeout", "body": body, "updated": now},
        {"id": "f2", "subject": "Export timeout again", "body": body + " again", "updated": now},
        {"id": "f3", "subject": "Dark mode", "body": "Please add dark mode", "updated": now},
    ]
    store.upsert("feedback", rows)
    found = duplicates(store, "f1", feedback_text("Export timeout", body))
    assert [s.id for s in found] == ["f2"]
    assert found[0].score > 0.9
    assert duplicates(store, "f3", "") == []
