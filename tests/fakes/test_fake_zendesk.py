"""The fake Zendesk behaves like the real API: paging, auth, rate limits, safe_update, OAuth."""

import base64
from collections.abc import AsyncIterator
from datetime import date
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from starlette.applications import Starlette

from prodops_tui.fakes.zendesk import Fault, create_app
from prodops_tui.fakes.zendesk_auth import challenge_of
from prodops_tui.services.generator import generate

BASE = "https://acme.zendesk.com"
BEARER = {"Authorization": "Bearer fake-token"}


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    company = generate("tiny", 7, date(2025, 1, 15))
    return Clock(company.spec.now_ts + 3600)


@pytest.fixture
def app(clock: Clock) -> Starlette:
    return create_app(generate("tiny", 7, date(2025, 1, 15)), clock=clock, rate_clock=clock)


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE, headers=BEARER) as c:
        yield c


async def test_auth_is_enforced(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/v2/users/me", headers={"Authorization": ""})).status_code == 401
    wrong = {"Authorization": "Bearer nope"}
    assert (await client.get("/api/v2/tickets/1", headers=wrong)).status_code == 401
    legacy = base64.b64encode(b"ops@acme.example/token:fake-token").decode()
    me = await client.get("/api/v2/users/me.json", headers={"Authorization": f"Basic {legacy}"})
    assert me.status_code == 200
    assert me.json()["user"]["role"] == "admin"


async def test_ticket_export_pages_to_the_end_with_cursors(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    seen: list[int] = []
    params: dict[str, object] = {"start_time": 0, "per_page": 200}
    while True:
        page = (await client.get("/api/v2/incremental/tickets/cursor.json", params=params)).json()
        seen += [ticket["id"] for ticket in page["tickets"]]
        assert all("requester_id" in ticket for ticket in page["tickets"])
        if page["end_of_stream"]:
            break
        params = {"cursor": page["after_cursor"], "per_page": 200}
    assert sorted(seen) == sorted(app.state.data.tickets)
    again = await client.get(
        "/api/v2/incremental/tickets/cursor", params={"cursor": page["after_cursor"]}
    )
    assert again.json()["tickets"] == []
    assert again.json()["end_of_stream"] is True


async def test_last_minute_is_withheld_and_deletions_show_as_status(
    app: Starlette, client: httpx.AsyncClient, clock: Clock
) -> None:
    first = (
        await client.get("/api/v2/incremental/tickets/cursor", params={"start_time": 0})
    ).json()
    app.state.touch(5, subject="changed remotely")
    app.state.delete(6)
    cursor = {"cursor": first["after_cursor"]}
    hidden = (await client.get("/api/v2/incremental/tickets/cursor", params=cursor)).json()
    assert hidden["tickets"] == []
    clock.now += 61
    shown = (await client.get("/api/v2/incremental/tickets/cursor", params=cursor)).json()
    by_id = {ticket["id"]: ticket for ticket in shown["tickets"]}
    assert by_id[5]["subject"] == "changed remotely"
    assert by_id[6]["status"] == "deleted"
    assert (await client.get("/api/v2/tickets/6")).status_code == 404


async def test_incremental_budget_answers_429_with_retry_after(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    statuses = []
    for _ in range(11):
        response = await client.get("/api/v2/incremental/users/cursor", params={"start_time": 0})
        statuses.append(response.status_code)
    assert statuses == [200] * 10 + [429]
    assert 1 <= float(response.headers["Retry-After"]) <= 60
    assert (await client.get("/api/v2/users/me")).status_code == 200
    clock.now += 61
    ok = await client.get("/api/v2/incremental/users/cursor", params={"start_time": 0})
    assert ok.status_code == 200


async def test_safe_update_conflict_leaves_the_ticket_unchanged(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    before = dict(app.state.data.tickets[3])
    stale = {
        "ticket": {
            "additional_tags": ["x"],
            "safe_update": True,
            "updated_stamp": "2020-01-01T00:00:00Z",
        }
    }
    response = await client.put("/api/v2/tickets/3.json", json=stale)
    assert response.status_code == 409
    assert app.state.data.tickets[3] == before
    fresh = {
        "ticket": {
            "additional_tags": ["x"],
            "remove_tags": [before["tags"][0]],
            "safe_update": True,
            "updated_stamp": before["updated_at"],
        }
    }
    ok = await client.put("/api/v2/tickets/3", json=fresh)
    assert ok.status_code == 200
    assert ok.json()["ticket"]["tags"] == before["tags"][1:] + ["x"]
    assert ok.json()["ticket"]["updated_at"] > before["updated_at"]
    assert [w["status"] for w in app.state.writes] == [409, 200]


async def test_tag_endpoints_add_replace_and_remove(client: httpx.AsyncClient) -> None:
    current = (await client.get("/api/v2/tickets/4")).json()["ticket"]
    stamp = current["updated_at"]
    added = await client.put(
        "/api/v2/tickets/4/tags",
        json={"tags": ["vip"], "safe_update": True, "updated_stamp": stamp},
    )
    assert added.status_code == 200 and "vip" in added.json()["tags"]
    stale = await client.put(
        "/api/v2/tickets/4/tags", json={"tags": ["b"], "safe_update": True, "updated_stamp": stamp}
    )
    assert stale.status_code == 409
    assert (await client.post("/api/v2/tickets/4/tags", json={"tags": ["a"]})).json() == {
        "tags": ["a"]
    }
    gone = await client.request("DELETE", "/api/v2/tickets/4/tags", json={"tags": ["a"]})
    assert gone.status_code == 204
    assert (await client.get("/api/v2/tickets/4/tags")).json() == {"tags": []}


async def test_faults_are_served_in_order(app: Starlette, client: httpx.AsyncClient) -> None:
    app.state.faults.extend(
        [Fault("status", 429, retry_after=7), Fault("html", 502), Fault("truncated")]
    )
    first = await client.get("/api/v2/users/me")
    assert (first.status_code, first.headers["Retry-After"]) == (429, "7")
    second = await client.get("/api/v2/users/me")
    assert second.status_code == 502 and second.text.startswith("<html>")
    with pytest.raises(ValueError):
        (await client.get("/api/v2/users/me")).json()
    assert (await client.get("/api/v2/users/me")).status_code == 200


async def test_cursor_paging_of_ratings_and_orgs(client: httpx.AsyncClient) -> None:
    ids: list[int] = []
    params: dict[str, object] = {"page[size]": 50}
    while True:
        page = (await client.get("/api/v2/satisfaction_ratings", params=params)).json()
        ids += [rating["id"] for rating in page["satisfaction_ratings"]]
        if not page["meta"]["has_more"]:
            break
        params = {"page[size]": 50, "page[after]": page["meta"]["after_cursor"]}
    assert len(ids) == len(set(ids)) > 100
    orgs = (await client.get("/api/v2/incremental/organizations", params={"start_time": 0})).json()
    assert orgs["end_of_stream"] is True
    assert {"tier", "arr"} <= set(orgs["organizations"][0]["organization_fields"])


async def test_oauth_pkce_then_rotation_kills_the_old_pair(client: httpx.AsyncClient) -> None:
    verifier = "v" * 50
    redirect = "http://127.0.0.1:8765/callback"
    query = {
        "response_type": "code",
        "client_id": "prodops",
        "redirect_uri": redirect,
        "state": "s1",
        "code_challenge": challenge_of(verifier),
        "code_challenge_method": "S256",
    }
    answer = await client.get("/oauth/authorizations/new", params=query)
    assert answer.status_code == 302
    sent = parse_qs(urlsplit(answer.headers["location"]).query)
    assert sent["state"] == ["s1"]
    code = sent["code"][0]
    exchange = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": "prodops",
        "redirect_uri": redirect,
        "code_verifier": "wrong" * 10,
    }
    assert (await client.post("/oauth/tokens", json=exchange)).status_code == 400
    answer = await client.get("/oauth/authorizations/new", params=query)
    exchange["code"] = parse_qs(urlsplit(answer.headers["location"]).query)["code"][0]
    exchange["code_verifier"] = verifier
    first = (await client.post("/oauth/tokens", json=exchange)).json()
    auth = {"Authorization": f"Bearer {first['access_token']}"}
    assert (await client.get("/api/v2/users/me", headers=auth)).status_code == 200
    rotate = {
        "grant_type": "refresh_token",
        "refresh_token": first["refresh_token"],
        "client_id": "prodops",
    }
    second = (await client.post("/oauth/tokens", json=rotate)).json()
    assert second["refresh_token"] != first["refresh_token"]
    assert (await client.get("/api/v2/users/me", headers=auth)).status_code == 401
    assert (await client.post("/oauth/tokens", json=rotate)).status_code == 400
    new_auth = {"Authorization": f"Bearer {second['access_token']}"}
    assert (await client.get("/api/v2/users/me", headers=new_auth)).status_code == 200


async def test_access_tokens_expire(client: httpx.AsyncClient, clock: Clock) -> None:
    body = {
        "grant_type": "client_credentials",
        "client_id": "prodops",
        "client_secret": "fake-client-secret",
        "expires_in": 300,
    }
    token = (await client.post("/oauth/tokens", json=body)).json()
    assert "refresh_token" not in token
    auth = {"Authorization": f"Bearer {token['access_token']}"}
    assert (await client.get("/api/v2/users/me", headers=auth)).status_code == 200
    clock.now += 301
    assert (await client.get("/api/v2/users/me", headers=auth)).status_code == 401


async def test_organization_list_and_single_users(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    first = (await client.get("/api/v2/organizations.json", params={"page[size]": 15})).json()
    assert len(first["organizations"]) == 15 and first["meta"]["has_more"]
    rest = await client.get(
        "/api/v2/organizations",
        params={"page[size]": 15, "page[after]": first["meta"]["after_cursor"]},
    )
    assert len(rest.json()["organizations"]) == 5 and not rest.json()["meta"]["has_more"]
    assert (await client.get("/api/v2/users/3")).json()["user"]["role"] == "end-user"
    assert (await client.get("/api/v2/users/999999")).status_code == 404
    assert (
        await client.get("/api/v2/organizations", params={"page[size]": 500})
    ).status_code == 400
