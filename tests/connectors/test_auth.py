"""Connector auth: Basic, Bearer and the refreshing OAuth bearer's order of refresh and save."""

import asyncio
import base64

import httpx
import pytest

from prodops_tui.connectors.auth import OAuthGrant, RefreshingBearer, basic, bearer
from prodops_tui.connectors.errors import AuthError
from prodops_tui.connectors.http import HttpCore

NOW = 1_750_000_000.0


class Server:
    """A MockTransport handler accepting one access token and logging what it saw."""

    def __init__(self, events: list[str], valid: str) -> None:
        self.events = events
        self.valid = valid

    def __call__(self, request: httpx.Request) -> httpx.Response:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        self.events.append(f"request {token}")
        if token != self.valid:
            return httpx.Response(401, json={"error": "invalid_token"})
        return httpx.Response(200, json={"user": {"name": "Pat"}})


class Vault:
    """A refresh endpoint and a credential store that log their calls into `events`."""

    def __init__(self, events: list[str], server: Server | None = None) -> None:
        self.events = events
        self.server = server
        self.refreshes = 0
        self.saved: list[OAuthGrant] = []

    async def refresh(self, grant: OAuthGrant) -> OAuthGrant:
        self.refreshes += 1
        await asyncio.sleep(0.01)
        new = OAuthGrant(f"access-{self.refreshes}", f"refresh-{self.refreshes}", NOW + 1800)
        self.events.append(f"refresh {grant.refresh_token} -> {new.access_token}")
        if self.server is not None:
            self.server.valid = new.access_token
        return new

    def save(self, grant: OAuthGrant) -> None:
        self.events.append(f"save {grant.access_token}")
        self.saved.append(grant)


def make(grant: OAuthGrant, valid: str) -> tuple[HttpCore, RefreshingBearer, Vault, list[str]]:
    events: list[str] = []
    server = Server(events, valid)
    vault = Vault(events, server)
    auth = RefreshingBearer(grant, vault.refresh, vault.save, clock=lambda: NOW)
    http = HttpCore(
        "zendesk", "https://acme.zendesk.com", auth, transport=httpx.MockTransport(server)
    )
    return http, auth, vault, events


async def test_expired_grant_is_refreshed_and_saved_before_first_use() -> None:
    http, auth, vault, events = make(OAuthGrant("old", "r0", NOW - 5), valid="never")
    async with http:
        assert (await http.get_json("/api/v2/users/me"))["user"]["name"] == "Pat"
    assert events == ["refresh r0 -> access-1", "save access-1", "request access-1"]
    assert auth.grant == vault.saved[-1]


async def test_401_refreshes_once_and_saves_before_the_retry() -> None:
    http, _, vault, events = make(OAuthGrant("old", "r0", NOW + 600), valid="revoked-elsewhere")
    async with http:
        await http.request("GET", "/api/v2/users/me")
    assert events == [
        "request old",
        "refresh r0 -> access-1",
        "save access-1",
        "request access-1",
    ]
    assert vault.refreshes == 1


async def test_second_401_after_refresh_raises_expired_auth_error() -> None:
    events: list[str] = []
    server = Server(events, valid="nothing-works")
    vault = Vault(events)
    auth = RefreshingBearer(OAuthGrant("old", "r0", 0.0), vault.refresh, vault.save)
    transport = httpx.MockTransport(server)
    async with HttpCore("zendesk", "https://acme.zendesk.com", auth, transport=transport) as http:
        with pytest.raises(AuthError) as caught:
            await http.request("GET", "/api/v2/tickets/1")
    assert caught.value.expired is True and caught.value.status == 401
    assert "prodops connect zendesk" in str(caught.value)
    assert vault.refreshes == 1
    assert events.count("request old") == 1 and events.count("request access-1") == 1


async def test_concurrent_401s_share_one_refresh() -> None:
    http, auth, vault, events = make(OAuthGrant("old", "r0", NOW + 600), valid="rotated")
    async with http:
        await asyncio.gather(*(http.request("GET", f"/api/v2/tickets/{n}") for n in range(6)))
    assert vault.refreshes == 1
    assert events.count("save access-1") == 1
    assert events.count("request access-1") == 6
    assert auth.grant.access_token == "access-1"


async def test_grant_rotated_by_another_process_is_loaded_instead_of_refreshed() -> None:
    events: list[str] = []
    server = Server(events, valid="from-store")
    vault = Vault(events, server)
    stored = OAuthGrant("from-store", "r9", NOW + 1800)
    auth = RefreshingBearer(
        OAuthGrant("old", "r0", NOW + 600),
        vault.refresh,
        vault.save,
        load=lambda: stored,
        clock=lambda: NOW,
    )
    transport = httpx.MockTransport(server)
    async with HttpCore("zendesk", "https://acme.zendesk.com", auth, transport=transport) as http:
        await http.request("GET", "/api/v2/users/me")
    assert vault.refreshes == 0
    assert events == ["request old", "request from-store"]


async def test_async_save_is_awaited_before_use() -> None:
    events: list[str] = []
    server = Server(events, valid="never")
    vault = Vault(events, server)

    async def save(grant: OAuthGrant) -> None:
        await asyncio.sleep(0.01)
        events.append(f"async save {grant.access_token}")

    auth = RefreshingBearer(
        OAuthGrant("old", "r0", NOW - 1), vault.refresh, save, clock=lambda: NOW
    )
    transport = httpx.MockTransport(server)
    async with HttpCore("zendesk", "https://z.example", auth, transport=transport) as http:
        await http.request("GET", "/api/v2/users/me")
    assert events == ["refresh r0 -> access-1", "async save access-1", "request access-1"]


def test_grant_round_trips_as_one_json_value_and_hides_tokens() -> None:
    grant = OAuthGrant("acc-secret", "ref-secret", NOW)
    assert OAuthGrant.from_json(grant.to_json()) == grant
    assert "secret" not in repr(grant) and "secret" not in repr(
        RefreshingBearer(grant, Vault([]).refresh, Vault([]).save)
    )
    for bad in (
        "not json",
        "[]",
        '{"access_token": 1}',
        '{"access_token": "a", "expires_at": "x"}',
    ):
        with pytest.raises(ValueError) as caught:
            OAuthGrant.from_json(bad)
        assert bad not in str(caught.value)
    assert grant.expired(NOW - 10) and not grant.expired(NOW - 60)
    assert not OAuthGrant("a").expired(NOW)


def test_refreshing_bearer_refuses_a_sync_client() -> None:
    auth = RefreshingBearer(OAuthGrant("a"), Vault([]).refresh, Vault([]).save)
    transport = httpx.MockTransport(lambda r: httpx.Response(200))
    with (
        httpx.Client(auth=auth, transport=transport) as client,
        pytest.raises(RuntimeError, match="AsyncClient"),
    ):
        client.get("https://z.example/x")


async def test_basic_and_bearer_headers() -> None:
    seen: list[str] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["authorization"])
        return httpx.Response(200)

    for auth in (basic("pm@example.com", "tok"), bearer("secret_abc")):
        transport = httpx.MockTransport(record)
        async with HttpCore("jira", "https://acme.atlassian.net", auth, transport=transport) as h:
            await h.request("GET", "/rest/api/3/myself")
    assert seen[0] == "Basic " + base64.b64encode(b"pm@example.com:tok").decode()
    assert seen[1] == "Bearer secret_abc"
