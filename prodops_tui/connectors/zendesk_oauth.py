"""Zendesk sign-in: OAuth with PKCE (pasting the code back works over SSH), client credentials,
rotating refresh, and the legacy API token's end-of-life warning."""

import base64
import hashlib
import secrets
import time
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from prodops_tui.connectors import json_body
from prodops_tui.connectors.auth import OAuthGrant
from prodops_tui.connectors.errors import AuthError, BadResponse, Rejected
from prodops_tui.connectors.http import HttpCore

__all__ = [
    "TOKEN_END",
    "authorize_url",
    "client_credentials",
    "code_challenge",
    "deprecation_warning",
    "exchange_code",
    "loopback_redirect",
    "make_refresh",
    "new_state",
    "new_verifier",
    "parse_pasted",
    "refresh",
]

TOKEN_END = date(2027, 4, 30)
"""Zendesk deactivates every API token for the Ticketing API on this day."""
_WARN_DAYS = 90
_TOKENS = "/oauth/tokens"


def new_verifier() -> str:
    """A PKCE code verifier: 64 URL-safe characters (RFC 7636 allows 43-128)."""
    return secrets.token_urlsafe(48)


def code_challenge(verifier: str) -> str:
    """The S256 challenge of a verifier."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def new_state() -> str:
    return secrets.token_urlsafe(16)


def loopback_redirect(port: int) -> str:
    """The redirect URL of a local listener; Zendesk allows plain http only for loopback."""
    return f"http://127.0.0.1:{port}/callback"


def authorize_url(
    base_url: str,
    client_id: str,
    redirect_uri: str,
    *,
    state: str,
    challenge: str,
    scope: str = "read write",
) -> str:
    """Where the user approves prodops in a browser (on any machine, for SSH sessions)."""
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": scope,
        "state": state,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    return f"{base_url.rstrip('/')}/oauth/authorizations/new?{urlencode(query)}"


def parse_pasted(text: str, state: str) -> str:
    """The authorization code from what the user pasted: the bare code or the whole redirect
    URL (whose state must match ours)."""
    pasted = text.strip()
    if not pasted:
        raise AuthError(
            "Nothing was pasted; paste the code or the address you were sent to.", service="zendesk"
        )
    if "://" not in pasted and "?" not in pasted and "=" not in pasted:
        return pasted
    query = parse_qs(urlsplit(pasted).query or pasted.lstrip("?"))
    if "error" in query:
        raise AuthError(
            "Zendesk did not grant access (the request was declined).", service="zendesk"
        )
    if query.get("state", [""])[0] != state:
        raise AuthError(
            "The pasted address belongs to another sign-in attempt; start again.", service="zendesk"
        )
    code = query.get("code", [""])[0]
    if not code:
        raise AuthError("The pasted address holds no code.", service="zendesk")
    return code


def grant_from(body: Any, now: float, previous: OAuthGrant | None = None) -> OAuthGrant:
    """An OAuthGrant from a `/oauth/tokens` answer (client credentials give no refresh token)."""
    if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
        raise BadResponse("Zendesk's token answer held no access token.", service="zendesk")
    refresh_token = body.get("refresh_token")
    if refresh_token is not None and not isinstance(refresh_token, str):
        raise BadResponse(
            "Zendesk's token answer had a malformed refresh token.", service="zendesk"
        )
    lifetime = body.get("expires_in")
    seconds = (
        lifetime if isinstance(lifetime, int | float) and not isinstance(lifetime, bool) else 0
    )
    return OAuthGrant(
        access_token=body["access_token"],
        refresh_token=refresh_token or (previous.refresh_token if previous else ""),
        expires_at=now + seconds if seconds > 0 else 0.0,
    )


async def _token(http: HttpCore, form: dict[str, Any]) -> Any:
    """POST /oauth/tokens once (never retried: codes and refresh tokens are single-use)."""
    try:
        response = await http.request("POST", _TOKENS, json=form, retry=False)
    except Rejected:
        raise AuthError(
            "Zendesk refused the sign-in; run `prodops connect zendesk` again.",
            service="zendesk",
            expired=True,
        ) from None
    try:
        return json_body.loads(response.content)
    except ValueError:
        raise BadResponse("Zendesk's token answer was not JSON.", service="zendesk") from None


async def exchange_code(
    http: HttpCore, code: str, verifier: str, client_id: str, redirect_uri: str
) -> OAuthGrant:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "code_verifier": verifier,
    }
    return grant_from(await _token(http, form), time.time())


async def client_credentials(
    http: HttpCore, client_id: str, client_secret: str, scope: str = "read write"
) -> OAuthGrant:
    form = {
        "grant_type": "client_credentials",
        "client_id": client_id,
        "client_secret": client_secret,
        "scope": scope,
    }
    return grant_from(await _token(http, form), time.time())


async def refresh(
    http: HttpCore, grant: OAuthGrant, client_id: str, client_secret: str = ""
) -> OAuthGrant:
    """A new pair; Zendesk deletes the old one at once, so the caller must save it first."""
    if not grant.refresh_token:
        raise AuthError(
            "The Zendesk sign-in has expired; run `prodops connect zendesk`.",
            service="zendesk",
            expired=True,
        )
    form = {
        "grant_type": "refresh_token",
        "refresh_token": grant.refresh_token,
        "client_id": client_id,
    }
    if client_secret:
        form["client_secret"] = client_secret
    return grant_from(await _token(http, form), time.time(), grant)


def make_refresh(
    http: HttpCore, client_id: str, client_secret: str = ""
) -> Callable[[OAuthGrant], Awaitable[OAuthGrant]]:
    """The `refresh(grant)` function RefreshingBearer calls; `http` must be unauthenticated."""

    async def renew(grant: OAuthGrant) -> OAuthGrant:
        return await refresh(http, grant, client_id, client_secret)

    return renew


def deprecation_warning(auth_method: str, today: date | None = None) -> str | None:
    """A warning for connections on the legacy API token; None for OAuth."""
    if auth_method not in ("api_token", "token", "basic"):
        return None
    day = today or date.today()
    left = (TOKEN_END - day).days
    if left <= 0:
        return (
            "Zendesk API tokens stopped working on 2027-04-30; "
            "run `prodops connect zendesk` to use OAuth."
        )
    urgency = "Only " if left <= _WARN_DAYS else ""
    return (
        f"{urgency}{left} days left: Zendesk ends API tokens on 2027-04-30; "
        "switch this connection to OAuth with `prodops connect zendesk`."
    )
