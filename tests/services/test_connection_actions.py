"""Test, sync now and re-authenticate one connection against the in-process fakes; seats read
from Jira users and Zendesk agents into the person cache."""

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from prodops_tui.connectors.errors import AuthError
from prodops_tui.credentials import resolve
from prodops_tui.fakes import jira as fake_jira
from prodops_tui.fakes import zendesk as fake_zendesk
from prodops_tui.fakes.zendesk_wire import Fault
from prodops_tui.services.connection_actions import probe_connection, reauthenticate, sync_now
from prodops_tui.services.generator import generate
from prodops_tui.services.health import connection_health
from prodops_tui.services.seats import seat_use
from prodops_tui.store.store import Store

DAY = date(2025, 1, 15)
JIRA = {
    "id": "jira:acme",
    "kind": "jira",
    "name": "Acme Jira",
    "base_url": "https://acme.atlassian.net",
    "account": "ops@acme.example",
    "auth_method": "basic",
    "options": {"projects": ["API"], "poll_interval": 0},
}
ZENDESK = {
    "id": "zendesk:acme",
    "kind": "zendesk",
    "name": "Acme Zendesk",
    "base_url": "https://acme.zendesk.com",
    "account": "ops@acme.example",
    "auth_method": "token",
    "options": {"subdomain": "acme", "incremental_per_minute": 1000},
}


@pytest.fixture(autouse=True)
def credential_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No OS keyring and no token in the environment: secrets go to a plaintext file here."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setenv("PRODOPS_DATA_DIR", str(tmp_path / "data"))
    for kind in ("JIRA", "ZENDESK"):
        monkeypatch.delenv(f"PRODOPS_{kind}_TOKEN", raising=False)
    return tmp_path / "data"


@pytest.fixture
def store(sqlite_url: str) -> Iterator[Store]:
    opened = Store.open(sqlite_url)
    opened.upsert("connection", [JIRA, ZENDESK])
    yield opened
    opened.close()


@pytest.fixture
def jira_transport() -> httpx.ASGITransport:
    return httpx.ASGITransport(app=fake_jira.create_app(generate("tiny", 7, DAY), token="good"))


def count(store: Store, sql: str) -> int:
    with store.read() as conn:
        return int(conn.execute(text(sql)).scalar() or 0)


async def test_a_bad_token_fails_then_recovers_after_reauthentication(
    store: Store, jira_transport: httpx.ASGITransport
) -> None:
    await reauthenticate(store, "jira:acme", "good", allow_plaintext=True, transport=jira_transport)
    from prodops_tui.credentials import store_secret

    store_secret("jira:acme", "bad", allow_plaintext=True)  # the token was revoked or mistyped
    checks = await probe_connection(store, "jira:acme", transport=jira_transport)
    assert checks[0].level == "fail" and "rejected the credentials (HTTP 401)" in checks[0].detail
    failed = await sync_now(store, "jira:acme", transport=jira_transport)
    assert not failed.ok
    now = datetime.now(UTC)
    broken = connection_health(store, "jira:acme", now=now)
    assert broken is not None and broken.state == "failing" and broken.credential == "plaintext"

    with pytest.raises(AuthError):
        await reauthenticate(
            store, "jira:acme", "wrong", allow_plaintext=True, transport=jira_transport
        )
    secret = resolve("jira:acme", env_name="PRODOPS_JIRA_TOKEN")
    assert secret is not None and secret.value == "bad"  # a refused secret is never stored

    signed = await reauthenticate(
        store, "jira:acme", " good ", allow_plaintext=True, transport=jira_transport
    )
    assert (signed.who, signed.store) == ("Acme Ops Bot", "plaintext")
    assert "the secret is stored in plaintext" in signed.warnings
    checks = await probe_connection(store, "jira:acme", transport=jira_transport)
    assert checks[0].level == "ok" and checks[0].detail == "signed in as Acme Ops Bot"
    done = await sync_now(store, "jira:acme", transport=jira_transport)
    assert done.ok and done.report is not None and done.report.changed > 0
    healthy = connection_health(store, "jira:acme", now=datetime.now(UTC))
    assert healthy is not None and healthy.state == "ok"


async def test_sync_now_counts_licensed_jira_users(
    store: Store, jira_transport: httpx.ASGITransport
) -> None:
    await reauthenticate(store, "jira:acme", "good", allow_plaintext=True, transport=jira_transport)
    done = await sync_now(store, "jira:acme", transport=jira_transport)
    assert done.seats is not None and done.seats.in_service == 25  # the bot, 16 team, 8 PMs
    assert count(store, "SELECT count(*) FROM person WHERE connection_id = 'jira:acme'") == 27
    assert count(store, "SELECT count(*) FROM person WHERE role = 'app'") == 1
    assert count(store, "SELECT count(*) FROM person WHERE NOT active") == 1
    again = await sync_now(store, "jira:acme", transport=jira_transport)
    assert again.seats is not None and again.seats.in_service == 25
    assert count(store, "SELECT count(*) FROM person") == 27  # a cache: upserted, not doubled
    assert seat_use(store, "jira:acme") == again.seats


async def test_zendesk_agents_are_counted_and_the_token_deprecation_shown(store: Store) -> None:
    app = fake_zendesk.create_app(generate("tiny", 7, DAY), token="zd", agents=12)
    transport = httpx.ASGITransport(app=app)
    signed = await reauthenticate(
        store, "zendesk:acme", "zd", allow_plaintext=True, transport=transport
    )
    assert any("2027-04-30" in note for note in signed.warnings)
    done = await sync_now(store, "zendesk:acme", transport=transport)
    assert done.ok and done.seats is not None
    assert done.seats.in_service == 14  # the admin, Sam Agent and 12 support agents
    checks = await probe_connection(store, "zendesk:acme", transport=transport)
    assert [c.level for c in checks if c.name == "zendesk:acme rate"] == ["ok"]
    assert count(store, "SELECT count(*) FROM sync_state WHERE rate_remaining IS NULL") == 0
    health = connection_health(store, "zendesk:acme", now=datetime.now(UTC))
    assert health is not None and health.deprecation[0] == "info"


async def test_no_credential_is_one_line(store: Store) -> None:
    result = await sync_now(store, "jira:acme")
    assert result.error == "no credential: press c or run `prodops connect jira`"
    [check] = await probe_connection(store, "jira:acme")
    assert check.level == "fail" and "prodops connect jira" in check.detail


async def test_a_refused_seat_count_keeps_the_last_one_and_says_why(
    store: Store, jira_transport: httpx.ASGITransport
) -> None:
    await reauthenticate(store, "jira:acme", "good", allow_plaintext=True, transport=jira_transport)
    first = await sync_now(store, "jira:acme", transport=jira_transport)
    assert first.seats is not None and first.seats.in_service == 25
    app = jira_transport.app
    app.state.faults.append(Fault("status", 403, path="/rest/api/3/users/search"))  # type: ignore[attr-defined]
    again = await sync_now(store, "jira:acme", transport=jira_transport)
    assert again.ok  # the issues synced; only the count failed
    assert again.seats is not None and again.seats.in_service == 25
    assert again.seats.error.startswith("Jira denied access (HTTP 403)")
    assert seat_use(store, "jira:acme") == again.seats
