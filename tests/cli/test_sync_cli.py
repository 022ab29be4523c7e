"""connect, sync, push and outbox end to end against the fakes over loopback sockets."""

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import text

from prodops_tui.cli import cli
from prodops_tui.config import paths
from prodops_tui.fakes.serve import RunningFakes, start_fakes
from prodops_tui.services.generator import generate
from prodops_tui.store.store import Store

DAY = date(2025, 1, 15)


@pytest.fixture
def fakes() -> Iterator[RunningFakes]:
    with start_fakes(generate("tiny", 7, DAY)) as running:
        yield running


@pytest.fixture(autouse=True)
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """A headless box: no OS keyring, so secrets go to the plaintext file when allowed."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    for kind in ("JIRA", "ZENDESK", "GROWTHBOOK", "MIXPANEL"):
        monkeypatch.delenv(f"PRODOPS_{kind}_TOKEN", raising=False)


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def connect_both(fakes: RunningFakes) -> None:
    jira = run(
        "connect", "jira", "--url", fakes.urls["jira"], "--email", "ops@acme.example",
        "--plaintext", input=f"CHK,SRCH,MOB,BILL,ONB,API\n{fakes.tokens['jira']}\n",
    )  # fmt: skip
    assert jira.exit_code == 0, jira.output
    assert "connected jira:local as Acme Ops Bot" in jira.output
    assert "plaintext" in jira.output
    zendesk = run(
        "connect", "zendesk", "--url", fakes.urls["zendesk"], "--plaintext",
        input=f"{fakes.tokens['zendesk']}\n",
    )  # fmt: skip
    assert zendesk.exit_code == 0, zendesk.output


def workspace() -> Store:
    return Store.open(f"sqlite:///{paths.workspace_db('default')}")


def scalar(sql: str, **params: Any) -> Any:
    store = workspace()
    try:
        with store.read() as conn:
            return conn.execute(text(sql), params).scalar()
    finally:
        store.close()


def test_connect_then_sync_fills_the_workspace(fakes: RunningFakes) -> None:
    connect_both(fakes)
    result = run("sync", "--quiet")
    assert result.exit_code == 0, result.output
    database = paths.workspace_db("default").read_bytes()
    assert fakes.tokens["jira"].encode() not in database
    assert "jira:local" in result.output and "tickets" in result.output
    assert scalar("SELECT count(*) FROM issue") == 200
    assert scalar("SELECT count(*) FROM feedback WHERE kind = 'ticket'") > 0
    again = run("sync", "jira", "--quiet")
    assert again.exit_code == 0 and "jira:local" in again.output


def test_sync_fails_with_a_bad_token(fakes: RunningFakes, monkeypatch: pytest.MonkeyPatch) -> None:
    connect_both(fakes)
    monkeypatch.setenv("PRODOPS_ZENDESK_TOKEN", "revoked")
    result = run("sync", "--quiet")
    assert result.exit_code == 1
    assert "sync failed for zendesk:local" in result.output
    assert "Traceback" not in result.output and "revoked" not in result.output


def test_an_unknown_source_is_one_line(fakes: RunningFakes) -> None:
    connect_both(fakes)
    result = run("sync", "mixpanel")
    assert result.exit_code == 1
    assert "no connection for mixpanel" in result.output


def test_push_and_outbox_resolution(fakes: RunningFakes) -> None:
    connect_both(fakes)
    assert run("sync", "jira", "--quiet").exit_code == 0
    issue_id, key, updated = _first_issue()
    edit_id = _enqueue(issue_id, "Highest", updated)
    pushed = run("push")
    assert pushed.exit_code == 0, pushed.output
    assert "1 sent" in pushed.output
    jira = fakes.apps["jira"].state
    assert jira.data.find(key)["fields"]["priority"]["name"] == "Highest"
    stale = _enqueue(issue_id, "Lowest", updated)
    conflicted = run("push")
    assert conflicted.exit_code == 1 and "1 in conflict" in conflicted.output
    listing = run("outbox")
    assert stale in listing.output and "conflict" in listing.output
    assert edit_id not in listing.output
    assert run("outbox", "retry", stale[:8]).exit_code == 0
    assert run("push").exit_code == 0
    assert jira.data.find(key)["fields"]["priority"]["name"] == "Lowest"
    third = _enqueue(issue_id, "Low", updated)
    run("push")
    assert scalar("SELECT priority FROM issue WHERE id = :i", i=issue_id) == "Low"
    discarded = run("outbox", "discard", third)
    assert discarded.exit_code == 0 and "shows the service's values again" in discarded.output
    assert scalar("SELECT priority FROM issue WHERE id = :i", i=issue_id) == "Lowest"
    listing = run("outbox", "list").output
    assert third in listing and "discarded after a conflict" in listing


def _first_issue() -> tuple[str, str, datetime]:
    store = workspace()
    try:
        with store.read() as conn:
            row = conn.execute(text("SELECT id, key, updated FROM issue ORDER BY key")).first()
    finally:
        store.close()
    assert row is not None
    moment = datetime.fromisoformat(row[2]) if isinstance(row[2], str) else row[2]
    return row[0], row[1], moment.replace(tzinfo=UTC)


def _enqueue(issue_id: str, priority: str, base: datetime) -> str:
    store = workspace()
    try:
        with store.write() as conn:  # the local change and its outbox row, as an edit does
            conn.execute(
                text("UPDATE issue SET priority = :p WHERE id = :i"), {"p": priority, "i": issue_id}
            )
            return store.enqueue(
                conn,
                target=issue_id,
                op="priority",
                payload={"name": priority},
                base_version=base.isoformat(),
                actor="pat",
            )
    finally:
        store.close()
