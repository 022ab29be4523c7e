"""The registry builds every kind's connector from a connection row against the real fakes."""

import asyncio
import json
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from prodops_tui.connectors.auth import OAuthGrant
from prodops_tui.connectors.errors import Rejected
from prodops_tui.credentials import resolve, store_secret
from prodops_tui.fakes import growthbook, mixpanel, zendesk
from prodops_tui.services.file_lock import LockTimeout, held
from prodops_tui.services.generator import generate
from prodops_tui.services.registry import grant_json, open_connector
from prodops_tui.services.secrets import Secrets

COMPANY = generate("tiny", 7, date(2026, 11, 27))


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Renewal lock files and stored secrets in a folder of the test's own, no OS keyring."""
    monkeypatch.setenv("PRODOPS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.delenv("PRODOPS_ZENDESK_TOKEN", raising=False)


def row(kind: str, **extra: Any) -> dict[str, Any]:
    base = next(c for c in COMPANY.connections() if c["kind"] == kind)
    return {**base, "base_url": f"https://{kind}.test", **extra}


async def test_growthbook_signs_in_with_its_bearer_key_and_its_budget() -> None:
    app = growthbook.create_app(COMPANY, token="gb-key")
    transport = httpx.ASGITransport(app=app)
    async with open_connector(row("growthbook"), "gb-key", transport=transport) as connector:
        assert "experiments in prj_acme" in await connector.check()
        budget = connector.http.budgets["growthbook"]  # type: ignore[attr-defined]
        assert (budget.per, budget.limit) == (60, 60)


async def test_mixpanel_signs_in_as_a_service_account_with_project_and_budget() -> None:
    app = mixpanel.create_app(COMPANY, token="mp-secret", username="svc.prodops")
    transport = httpx.ASGITransport(app=app)
    conn = row("mixpanel", account="svc.prodops")
    async with open_connector(conn, "mp-secret", transport=transport) as connector:
        project = conn["options"]["project_id"]
        assert await connector.check() == f"Mixpanel service account (project {project})"
        budget = connector.http.budgets["mixpanel.query"]  # type: ignore[attr-defined]
        assert (budget.per, budget.limit, budget.concurrency) == (3600, 60, 5)
        assert connector.export_url == "https://mixpanel.test/api/2.0/export"  # type: ignore[attr-defined]
    async with open_connector(
        row("mixpanel", account="someone-else"), "mp-secret", transport=transport
    ) as connector:
        with pytest.raises(Exception, match="(?i)sign|auth|401|credential"):
            await connector.check()


async def test_zendesk_gets_its_budgets_and_auth_method() -> None:
    app = zendesk.create_app(COMPANY, token="zd-token")
    transport = httpx.ASGITransport(app=app)
    conn = row("zendesk", auth_method="token", account="ops@acme.example")
    async with open_connector(conn, "zd-token", transport=transport) as connector:
        assert await connector.check()
        assert connector.options["auth_method"] == "token"  # type: ignore[attr-defined]
        assert "2027-04-30" in (connector.deprecation_warning() or "")  # type: ignore[attr-defined]
        assert "zendesk.incremental" in connector.http.budgets  # type: ignore[attr-defined]


async def test_an_expired_zendesk_grant_is_refreshed_and_saved_before_use() -> None:
    app = zendesk.create_app(COMPANY, token="unused")
    server = app.state.oauth
    issued = server.issue("read write")
    stale = {
        "access_token": issued["access_token"],
        "refresh_token": issued["refresh_token"],
        "expires_at": time.time() - 60,
    }
    seen: list[str] = []
    saved: list[dict[str, Any]] = []

    def save(value: str) -> None:
        grant = json.loads(value)
        assert grant["access_token"] in server.access  # issued, not yet sent
        assert not seen  # saved before any request carried it
        saved.append(grant)

    async def record(request: httpx.Request) -> None:
        seen.append(request.headers["authorization"])

    conn = row("zendesk", options={"subdomain": "acme", "client_id": "prodops"})
    async with open_connector(
        conn,
        json.dumps(stale),
        save_secret=save,
        transport=httpx.ASGITransport(app=app),
        event_hooks={"request": [record]},
    ) as connector:
        assert await connector.check()
    assert len(saved) == 1 and saved[0]["refresh_token"] != issued["refresh_token"]
    assert seen == [f"Bearer {saved[0]['access_token']}"]
    assert issued["refresh_token"] not in server.refresh  # rotated: the old pair is gone


async def test_a_client_credentials_grant_is_renewed_with_its_client_secret() -> None:
    app = zendesk.create_app(COMPANY, token="unused")
    server = app.state.oauth
    issued = server.issue("read write", with_refresh=False)
    stored = {
        "access_token": issued["access_token"],
        "expires_at": time.time() - 60,
        "client_id": server.client_id,
        "client_secret": server.client_secret,
    }
    saved: list[dict[str, Any]] = []
    conn = row("zendesk", auth_method="client_credentials")
    async with open_connector(
        conn,
        json.dumps(stored),
        save_secret=lambda value: saved.append(json.loads(value)),
        transport=httpx.ASGITransport(app=app),
    ) as connector:
        assert await connector.check()
    assert saved[0]["client_secret"] == server.client_secret
    assert saved[0]["access_token"] != issued["access_token"]


async def test_an_unknown_kind_is_rejected() -> None:
    with pytest.raises(Rejected, match="unknown connection kind"):
        async with open_connector({**row("jira"), "kind": "trello"}, "x"):
            pass


class SlowTokens:
    """The fake behind a token endpoint that takes its time, so two renewals would overlap;
    counts the renewals."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.renewals = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == "/oauth/tokens":
            self.renewals += 1
            await asyncio.sleep(0.3)
        await self.app(scope, receive, send)


def test_two_processes_renew_a_rotating_grant_once() -> None:
    """Two members (each its own thread, event loop and credential reader, as the TUI's
    background sync and `prodops sync` are) find the stored grant expired at once: one renews
    it, the other waits on the lock file and uses the pair it saved (no spent refresh token)."""
    app = zendesk.create_app(COMPANY, token="unused")
    issued = app.state.oauth.issue("read write")
    stale = OAuthGrant(issued["access_token"], issued["refresh_token"], time.time() - 60)
    conn = row("zendesk", options={"subdomain": "acme", "client_id": "prodops"})
    store_secret(conn["id"], grant_json(stale, "prodops"), allow_plaintext=True)
    tokens = SlowTokens(app)
    ready = threading.Barrier(2)
    results: list[object] = []

    async def check(secrets: Secrets, secret: str) -> str:
        async with open_connector(
            conn,
            secret,
            save_secret=secrets.saver(conn),
            load_secret=secrets.loader(conn),
            transport=httpx.ASGITransport(app=tokens),
        ) as connector:
            return await connector.check()

    def member() -> None:
        secrets = Secrets()
        secret = secrets(conn)
        assert secret is not None
        ready.wait()
        try:
            results.append(asyncio.run(check(secrets, secret)))
        except Exception as exc:  # recorded for the assertion below
            results.append(exc)

    members = [threading.Thread(target=member) for _ in range(2)]
    for each in members:
        each.start()
    for each in members:
        each.join(timeout=30)
    assert len(results) == 2 and all(isinstance(r, str) for r in results), results
    assert tokens.renewals == 1
    found = resolve(conn["id"], env_name="PRODOPS_ZENDESK_TOKEN")
    assert found is not None and found.store == "plaintext"
    kept = json.loads(found.value)
    assert kept["refresh_token"] in app.state.oauth.refresh
    assert kept["access_token"] in app.state.oauth.access


async def test_the_renewal_lock_excludes_a_second_holder_until_released(tmp_path: Path) -> None:
    path = tmp_path / "locks" / "oauth.lock"
    async with held(path):
        with pytest.raises(LockTimeout, match="oauth.lock stayed locked"):
            async with held(path, timeout=0.1):
                pass
    async with held(path, timeout=0.1):
        assert oct(path.stat().st_mode & 0o777) == "0o600"
