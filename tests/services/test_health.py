"""services.health: stream states (ok, stale, failing, never), credential store, token expiry
and the Zendesk API token deprecation (info, then a warning from 90 days before, then fail)."""

import json
import time
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from prodops_tui.services.health import Health, connection_health, deprecation
from prodops_tui.services.seats import compare_seats
from prodops_tui.store.store import Store

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
JIRA = {"id": "jira:acme", "kind": "jira", "name": "Jira", "base_url": "http://x"}


def keyring_secret(row: Mapping[str, Any]) -> tuple[str, str | None]:
    return "keyring", "token"


def state(
    store: Store, minutes_ago: float, error: str = "", error_minutes_ago: float = 0
) -> dict[str, Any]:
    return {
        "connection_id": "jira:acme",
        "stream": "issues",
        "cursor": "2026-11-27T09:00:00Z",
        "last_success_at": NOW - timedelta(minutes=minutes_ago),
        "items_changed": 37,
        "last_error": error,
        "last_error_at": NOW - timedelta(minutes=error_minutes_ago) if error else None,
        "rate_remaining": 380,
    }


def health(store: Store, **kw: Any) -> Health:
    found = connection_health(
        store, "jira:acme", now=NOW, lookup=kw.pop("lookup", keyring_secret), **kw
    )
    assert found is not None
    return found


@pytest.fixture
def jira(store: Store) -> Store:
    store.upsert("connection", [JIRA])
    return store


def test_a_recent_sync_is_ok_with_its_cursor_changes_and_budget(jira: Store) -> None:
    jira.upsert("sync_state", [state(jira, 5)])
    found = health(jira)
    assert found.state == "ok" and found.credential == "keyring"
    [stream] = found.streams
    assert (stream.cursor, stream.items_changed, found.rate_remaining) == (
        "2026-11-27T09:00:00Z",
        37,
        380,
    )
    assert found.last_success_at == NOW - timedelta(minutes=5)


def test_not_synced_within_the_interval_is_stale(jira: Store) -> None:
    jira.upsert("sync_state", [state(jira, 16)])
    assert health(jira).state == "stale"
    assert health(jira, interval_minutes=30).state == "ok"
    jira.upsert("connection", [{**JIRA, "options": {"sync_minutes": 10}}])
    assert health(jira, interval_minutes=30).state == "stale"  # the connection's own interval


def test_an_error_after_the_last_success_is_failing_with_its_message(jira: Store) -> None:
    jira.upsert("sync_state", [state(jira, 60, "Jira rejected the credentials (HTTP 401)", 2)])
    found = health(jira)
    assert found.state == "failing"
    assert found.problems == ("issues: Jira rejected the credentials (HTTP 401)",)
    jira.upsert("sync_state", [state(jira, 1, "old trouble", 30)])
    assert health(jira).state == "ok"  # a success since the error


def test_never_synced_and_no_credential(jira: Store) -> None:
    assert health(jira).state == "never synced"
    assert health(jira, lookup=lambda row: ("none", None)).state == "no credential"


def test_plaintext_secrets_are_a_problem(jira: Store) -> None:
    jira.upsert("sync_state", [state(jira, 1)])
    found = health(jira, lookup=lambda row: ("plaintext", "t"))
    assert found.credential == "plaintext"
    assert "plaintext" in found.problems[0]


def test_an_oauth_token_expiry_is_shown(jira: Store) -> None:
    jira.upsert("connection", [{**JIRA, "auth_method": "oauth"}])
    grant = json.dumps(
        {"access_token": "a", "refresh_token": "", "expires_at": NOW.timestamp() + 1200}
    )
    found = health(jira, lookup=lambda row: ("keyring", grant))
    assert found.token == ("ok", "token expires in 20 min")
    expired = json.dumps(
        {"access_token": "a", "refresh_token": "", "expires_at": time.time() - 1e6}
    )
    later = health(jira, lookup=lambda row: ("keyring", expired))
    assert later.token[0] in ("ok", "fail")


@pytest.mark.parametrize(
    ("today", "level", "words"),
    [
        (date(2026, 11, 27), "info", "154 days left"),
        (date(2027, 1, 30), "warn", "Only 90 days left"),
        (date(2027, 2, 15), "warn", "Only 74 days left"),
        (date(2027, 4, 30), "fail", "stopped working"),
    ],
)
def test_zendesk_api_tokens_warn_from_90_days_before_their_end(
    today: date, level: str, words: str
) -> None:
    found_level, line = deprecation("zendesk", "token", today)
    assert found_level == level and words in line and "2027-04-30" in line


def test_no_deprecation_for_oauth_or_other_services() -> None:
    assert deprecation("zendesk", "oauth", date(2027, 2, 15)) == ("", "")
    assert deprecation("jira", "api_token", date(2027, 2, 15)) == ("", "")


def test_zendesk_token_connection_health_carries_the_deprecation(store: Store) -> None:
    store.upsert(
        "connection", [{**JIRA, "id": "zendesk:acme", "kind": "zendesk", "auth_method": "token"}]
    )
    found = connection_health(store, "zendesk:acme", now=NOW, lookup=keyring_secret)
    assert found is not None and found.deprecation[0] == "info"


def test_seat_comparison_flags_more_in_the_service_than_bought() -> None:
    assert compare_seats(60, 14, "agents") == (
        "info",
        "14 agents in the service of 60 bought, 46 free",
    )
    assert compare_seats(20, 25) == ("warn", "25 people in the service, 5 above the 20 bought")
    assert compare_seats(25, 25)[0] == "ok"
