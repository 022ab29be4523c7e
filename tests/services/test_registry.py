"""The registry builds every kind's connector from a connection row against the real fakes."""

import json
import time
from datetime import date
from typing import Any

import httpx
import pytest

from prodops_tui.connectors.errors import Rejected
from prodops_tui.fakes import growthbook, mixpanel, zendesk
from prodops_tui.services.generator import generate
from prodops_tui.services.registry import open_connector

COMPANY = generate("tiny", 7, date(2026, 11, 27))


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
