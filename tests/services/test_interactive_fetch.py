"""Reads a person waits on (Backlog comments, Inbox thread) give up fast when the service is
unreachable: one retry, then the reason; background sync keeps its patient policy."""

import socket
import time
from typing import Any

import httpx
import pytest

from prodops_tui.connectors.errors import NetworkError, RateLimited
from prodops_tui.connectors.http import HttpCore
from prodops_tui.connectors.retry import INTERACTIVE, PATIENT
from prodops_tui.services import jira_lookups
from prodops_tui.services.feedback_thread import fetch_comments
from prodops_tui.store.store import Store

BUDGET = 3.0
"""Seconds within which the pane must say why it has no comments."""


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


class Tries:
    """The HTTP core's request hook (one call per attempt) and its planned waits."""

    def __init__(self) -> None:
        self.attempts = 0
        self.waits: list[float] = []
        self.hooks: dict[str, list[Any]] = {"request": [self.sent]}

    async def sent(self, request: httpx.Request) -> None:
        self.attempts += 1

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def offline(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Store:
    """A workspace whose Jira and Zendesk connections point at a port nobody listens on."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setenv("PRODOPS_JIRA_TOKEN", "token")
    base = f"http://127.0.0.1:{closed_port()}"
    store = Store.open(db_url)
    rows = [
        {"id": "jira:acme", "kind": "jira", "name": "Jira", "account": "pm@acme.example"},
        {"id": "zendesk:acme", "kind": "zendesk", "name": "Zendesk", "account": "pm@acme"},
    ]
    store.upsert("connection", [{**row, "base_url": base, "options": {}} for row in rows])
    return store


def test_backlog_comments_give_up_after_one_retry(offline: Store) -> None:
    tries, started = Tries(), time.monotonic()
    with pytest.raises(NetworkError, match=r"Jira could not connect .* \(tried 2 times\)"):
        jira_lookups.run(
            jira_lookups.refresh_comments,
            offline,
            "jira:acme:10001",
            event_hooks=tries.hooks,
            sleep=tries.sleep,
        )
    assert tries.attempts == INTERACTIVE.max_attempts == 2
    assert time.monotonic() - started + sum(tries.waits) < BUDGET
    offline.close()


async def test_inbox_thread_gives_up_after_one_retry(offline: Store) -> None:
    tries, started = Tries(), time.monotonic()
    with pytest.raises(NetworkError, match="Zendesk could not connect"):
        await fetch_comments(
            offline,
            "zendesk:acme:ticket:7",
            lambda row: "token",
            event_hooks=tries.hooks,
            sleep=tries.sleep,
        )
    assert tries.attempts == 2
    assert time.monotonic() - started + sum(tries.waits) < BUDGET
    offline.close()


async def test_interactive_retry_after_is_honoured_only_up_to_a_few_seconds() -> None:
    answers = [
        httpx.Response(429, headers={"Retry-After": "2"}),
        httpx.Response(200, json={}),
        httpx.Response(429, headers={"Retry-After": "30"}),
    ]
    tries = Tries()
    transport = httpx.MockTransport(lambda request: answers.pop(0))
    async with HttpCore(
        "jira",
        "https://acme.example",
        None,
        transport=transport,
        sleep=tries.sleep,
        **INTERACTIVE.options(),
    ) as http:
        assert (await http.request("GET", "/rest/api/3/myself")).status_code == 200
        with pytest.raises(RateLimited) as caught:
            await http.request("GET", "/rest/api/3/myself")
    assert caught.value.retry_after == 30.0
    assert tries.waits == [2.0]  # the 30 s one is reported at once, not waited for
    assert PATIENT.max_attempts == 6 and PATIENT.max_wait == 60.0  # background sync waits
