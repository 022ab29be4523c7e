"""The fake Zendesk's sign-in: OAuth (PKCE, client credentials, rotating refresh), API tokens."""

import base64
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from prodops_tui.fakes.json_response import JSONResponse
from prodops_tui.fakes.zendesk_data import ADMIN_EMAIL, ADMIN_ID

_LOOPBACK = ("http://127.0.0.1", "http://localhost")


@dataclass
class Grant:
    user_id: int
    scope: str
    expires_at: float


@dataclass
class OAuthServer:
    """Clients, issued codes and tokens; `clock` dates expiry."""

    clock: Callable[[], float]
    client_id: str = "prodops"
    client_secret: str = "fake-client-secret"
    api_token: str = "fake-token"
    access_ttl: int = 1800
    refresh_ttl: int = 30 * 86_400
    access: dict[str, Grant] = field(default_factory=dict)
    refresh: dict[str, tuple[Grant, str]] = field(default_factory=dict)
    """refresh token -> (grant, the access token issued with it)."""
    codes: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    """code -> (redirect_uri, code_challenge, scope)."""

    def user_for(self, header: str) -> int | None:
        """The user an Authorization header signs in as, or None."""
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "bearer":
            grant = self.access.get(value.strip())
            if grant is None or grant.expires_at <= self.clock():
                return None
            return grant.user_id
        if scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(value.strip(), validate=True).decode()
            except ValueError:
                return None
            if decoded == f"{ADMIN_EMAIL}/token:{self.api_token}":
                return ADMIN_ID
        return None

    def issue(self, scope: str, access_ttl: int | None = None, with_refresh: bool = True) -> Any:
        ttl = min(self.access_ttl, access_ttl or self.access_ttl)
        access = secrets.token_urlsafe(24)
        grant = Grant(ADMIN_ID, scope, self.clock() + ttl)
        self.access[access] = grant
        body: dict[str, Any] = {
            "access_token": access,
            "token_type": "bearer",
            "scope": scope,
            "expires_in": ttl,
        }
        if with_refresh:
            token = secrets.token_urlsafe(24)
            self.refresh[token] = (Grant(ADMIN_ID, scope, self.clock() + self.refresh_ttl), access)
            body.update(refresh_token=token, refresh_token_expires_in=self.refresh_ttl)
        return body


def _error(status: int, code: str, text: str) -> Response:
    return JSONResponse({"error": code, "error_description": text}, status_code=status)


def challenge_of(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


async def authorize(request: Request) -> Response:
    """`/oauth/authorizations/new`: approve at once for the test user and redirect with a code."""
    server: OAuthServer = request.app.state.oauth
    query = request.query_params
    redirect = query.get("redirect_uri", "")
    if query.get("client_id") != server.client_id:
        return _error(400, "invalid_client", "Unknown client.")
    if not redirect.startswith(_LOOPBACK) or query.get("response_type") != "code":
        return _error(400, "invalid_request", "Redirect must be a loopback http URL.")
    if query.get("code_challenge_method", "S256") != "S256" or not query.get("code_challenge"):
        return _error(400, "invalid_request", "PKCE with S256 is required.")
    code = secrets.token_urlsafe(16)
    server.codes[code] = (redirect, query["code_challenge"], query.get("scope", "read write"))
    target = {"code": code, "state": query.get("state", "")}
    return RedirectResponse(f"{redirect}?{urlencode(target)}", status_code=302)


async def _form(request: Request) -> dict[str, Any]:
    if request.headers.get("content-type", "").startswith("application/json"):
        body = await request.json()
        return body if isinstance(body, dict) else {}
    return dict(await request.form())


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


async def tokens(request: Request) -> Response:
    """`POST /oauth/tokens` for authorization_code, client_credentials and refresh_token."""
    server: OAuthServer = request.app.state.oauth
    form = await _form(request)
    if form.get("client_id") != server.client_id:
        return _error(401, "invalid_client", "Client authentication failed.")
    grant_type = form.get("grant_type")
    ttl = _int(form.get("expires_in"))
    if grant_type == "authorization_code":
        entry = server.codes.pop(str(form.get("code", "")), None)
        if entry is None or entry[0] != form.get("redirect_uri"):
            return _error(400, "invalid_grant", "The code is invalid or was already used.")
        if challenge_of(str(form.get("code_verifier", ""))) != entry[1]:
            return _error(400, "invalid_grant", "The code verifier does not match.")
        return JSONResponse(server.issue(entry[2], ttl))
    if grant_type == "client_credentials":
        if form.get("client_secret") != server.client_secret:
            return _error(401, "invalid_client", "Client authentication failed.")
        return JSONResponse(server.issue(str(form.get("scope", "read")), ttl, with_refresh=False))
    if grant_type == "refresh_token":
        return _rotate(server, str(form.get("refresh_token", "")), ttl)
    return _error(400, "unsupported_grant_type", "Unsupported grant type.")


def _rotate(server: OAuthServer, token: str, ttl: int | None) -> Response:
    entry = server.refresh.pop(token, None)
    if entry is None or entry[0].expires_at <= server.clock():
        return _error(400, "invalid_grant", "The refresh token is invalid or expired.")
    server.access.pop(entry[1], None)
    return JSONResponse(server.issue(entry[0].scope, ttl))
