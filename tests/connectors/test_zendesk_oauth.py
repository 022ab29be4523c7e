"""Zendesk OAuth against the fake: PKCE by pasting the redirect back, rotation saved before use."""

from collections.abc import AsyncIterator
from datetime import date

import httpx
import pytest
from starlette.applications import Starlette

from prodops_tui.connectors.auth import OAuthGrant, RefreshingBearer
from prodops_tui.connectors.errors import AuthError
from prodops_tui.connectors.http import HttpCore
from prodops_tui.connectors.zendesk import ZendeskConnector
from prodops_tui.connectors.zendesk_oauth import (
    authorize_url,
    client_credentials,
    code_challenge,
    deprecation_warning,
    exchange_code,
    loopback_redirect,
    make_refresh,
    new_state,
    new_verifier,
    parse_pasted,
    refresh,
)
from prodops_tui.fakes.zendesk import create_app
from prodops_tui.services.generator import generate

BASE = "https://acme.zendesk.com"


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(generate("tiny", 7, date(2025, 1, 15)).spec.now_ts + 3600)


@pytest.fixture
def app(clock: Clock) -> Starlette:
    return create_app(generate("tiny", 7, date(2025, 1, 15)), clock=clock, access_ttl=600)


def http_for(app: Starlette, auth: httpx.Auth | None = None) -> HttpCore:
    return HttpCore("zendesk", BASE, auth, transport=httpx.ASGITransport(app=app))


@pytest.fixture
async def token_http(app: Starlette) -> AsyncIterator[HttpCore]:
    async with http_for(app) as http:
        yield http


async def sign_in(app: Starlette, token_http: HttpCore) -> OAuthGrant:
    """The whole PKCE dance, the browser played by a plain client, the redirect pasted back."""
    verifier, state, redirect = new_verifier(), new_state(), loopback_redirect(8765)
    url = authorize_url(BASE, "prodops", redirect, state=state, challenge=code_challenge(verifier))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as browser:
        answer = await browser.get(url)
    assert answer.status_code == 302
    code = parse_pasted(f"  {answer.headers['location']}\n", state)
    return await exchange_code(token_http, code, verifier, "prodops", redirect)


def test_pkce_pieces() -> None:
    verifier = new_verifier()
    assert 43 <= len(verifier) <= 128 and verifier != new_verifier()
    assert len(code_challenge(verifier)) == 43 and "=" not in code_challenge(verifier)
    url = authorize_url(BASE, "prodops", loopback_redirect(1), state="s", challenge="c")
    assert url.startswith(f"{BASE}/oauth/authorizations/new?")
    assert "code_challenge_method=S256" in url and "redirect_uri=http%3A%2F%2F127.0.0.1%3A1" in url


def test_pasted_codes_and_addresses() -> None:
    assert parse_pasted(" abc123 ", "s") == "abc123"
    assert parse_pasted("http://127.0.0.1:8765/callback?code=xyz&state=s", "s") == "xyz"
    assert parse_pasted("?code=xyz&state=s", "s") == "xyz"
    for bad in (
        "http://127.0.0.1/callback?code=xyz&state=other",
        "?error=access_denied&state=s",
        "http://127.0.0.1/callback?state=s",
        "   ",
    ):
        with pytest.raises(AuthError):
            parse_pasted(bad, "s")


async def test_code_exchange_gives_a_working_grant(app: Starlette, token_http: HttpCore) -> None:
    grant = await sign_in(app, token_http)
    assert grant.refresh_token and grant.expires_at > 0
    bearer = RefreshingBearer(grant, make_refresh(token_http, "prodops"), lambda g: None)
    async with http_for(app, bearer) as http:
        connector = ZendeskConnector(http, connection_id="zendesk:acme", options={})
        assert await connector.check() == "Ops Admin"


async def test_refresh_rotates_and_the_new_pair_is_saved_first(
    app: Starlette, token_http: HttpCore, clock: Clock
) -> None:
    first = await sign_in(app, token_http)
    saved: list[OAuthGrant] = []
    bearer = RefreshingBearer(first, make_refresh(token_http, "prodops"), saved.append)
    clock.now += 601
    async with http_for(app, bearer) as http:
        connector = ZendeskConnector(http, connection_id="zendesk:acme", options={})
        assert await connector.check() == "Ops Admin"
    assert len(saved) == 1 and bearer.grant is saved[0]
    assert saved[0].refresh_token != first.refresh_token
    assert first.access_token not in app.state.oauth.access
    with pytest.raises(AuthError) as caught:
        await refresh(token_http, first, "prodops")
    assert caught.value.expired and first.refresh_token not in caught.value.message


async def test_a_dead_refresh_token_asks_for_reauth(
    app: Starlette, token_http: HttpCore, clock: Clock
) -> None:
    grant = await sign_in(app, token_http)
    app.state.oauth.refresh.clear()
    clock.now += 601
    bearer = RefreshingBearer(grant, make_refresh(token_http, "prodops"), lambda g: None)
    async with http_for(app, bearer) as http:
        with pytest.raises(AuthError) as caught:
            await ZendeskConnector(http, connection_id="zendesk:acme", options={}).check()
    assert caught.value.expired


async def test_client_credentials(app: Starlette, token_http: HttpCore) -> None:
    grant = await client_credentials(token_http, "prodops", "fake-client-secret")
    assert grant.refresh_token == ""
    with pytest.raises(AuthError):
        await client_credentials(token_http, "prodops", "wrong")


def test_api_tokens_always_warn_and_oauth_never() -> None:
    assert deprecation_warning("oauth", date(2027, 4, 1)) is None
    early = deprecation_warning("api_token", date(2026, 1, 1))
    assert early is not None and "2027-04-30" in early and not early.startswith("Only")
    late = deprecation_warning("api_token", date(2027, 3, 1))
    assert late is not None and late.startswith("Only 60 days")
    gone = deprecation_warning("api_token", date(2027, 5, 1))
    assert gone is not None and "stopped working" in gone
