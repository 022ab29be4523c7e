"""httpx auth for connectors: Basic, static Bearer, and Zendesk's refreshing OAuth bearer.

Tokens travel only in the Authorization header; reprs never show them.
"""

import asyncio
import inspect
import json
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import dataclass
from typing import Any

import httpx

from prodops_tui.connectors.errors import AuthError


def basic(user: str, secret: str) -> httpx.Auth:
    """HTTP Basic auth (Jira email + API token, Mixpanel service account)."""
    return httpx.BasicAuth(user, secret)


class _Bearer(httpx.Auth):
    def __init__(self, token: str) -> None:
        self._header = f"Bearer {token}"

    def __repr__(self) -> str:
        return "Bearer(***)"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._header
        yield request


def bearer(token: str) -> httpx.Auth:
    """A static `Authorization: Bearer <token>` (GrowthBook secret keys, legacy tokens)."""
    return _Bearer(token)


@dataclass(frozen=True, repr=False)
class OAuthGrant:
    """An OAuth access/refresh pair; `expires_at` is Unix seconds, 0 when unknown."""

    access_token: str
    refresh_token: str = ""
    expires_at: float = 0.0

    def __repr__(self) -> str:
        return f"OAuthGrant(access_token=***, refresh_token=***, expires_at={self.expires_at})"

    def expired(self, now: float, skew: float = 30.0) -> bool:
        """True when the access token is past (or within `skew` s of) its expiry."""
        return self.expires_at > 0 and now >= self.expires_at - skew

    def to_json(self) -> str:
        """The grant as the one JSON value the credential store keeps."""
        return json.dumps(
            {
                "access_token": self.access_token,
                "refresh_token": self.refresh_token,
                "expires_at": self.expires_at,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> "OAuthGrant":
        """Parse `to_json` output; ValueError (without the value) when it is not a grant."""
        try:
            raw = json.loads(text)
        except ValueError:
            raise ValueError("the stored OAuth grant is not valid JSON") from None
        if not isinstance(raw, dict) or not isinstance(raw.get("access_token"), str):
            raise ValueError("the stored OAuth grant has no access token")
        refresh = raw.get("refresh_token") or ""
        expires = raw.get("expires_at") or 0.0
        if not isinstance(refresh, str) or not isinstance(expires, int | float):
            raise ValueError("the stored OAuth grant is malformed")
        return cls(raw["access_token"], refresh, float(expires))


Refresh = Callable[[OAuthGrant], Awaitable[OAuthGrant]]
Save = Callable[[OAuthGrant], Awaitable[None] | None]
Load = Callable[[], OAuthGrant | None]
Guard = Callable[[], AbstractAsyncContextManager[object]]


class RefreshingBearer(httpx.Auth):
    """Bearer auth that renews an expired or refused access token once per request.

    On expiry (before sending) or a 401 it calls `refresh(grant)`, then `save(new)` before any
    request carries the new token (Zendesk deletes the old pair on refresh). Concurrent
    requests share one refresh. `guard`, if given, is held around reading, refreshing and saving
    (a lock shared with other processes); `load`, if given, re-reads the stored grant under it so
    a pair another process already rotated is used instead of refreshing again (its refresh
    token is spent). A 401 after the refresh raises AuthError(expired=True). Works with
    httpx.AsyncClient only.
    """

    def __init__(
        self,
        grant: OAuthGrant,
        refresh: Refresh,
        save: Save,
        *,
        load: Load | None = None,
        guard: Guard | None = None,
        service: str = "zendesk",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.grant = grant
        self._refresh = refresh
        self._save = save
        self._load = load
        self._guard = guard
        self._service = service
        self._clock = clock
        self._lock = asyncio.Lock()

    def __repr__(self) -> str:
        return f"RefreshingBearer({self.grant!r})"

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        raise RuntimeError("RefreshingBearer needs httpx.AsyncClient")

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        grant = self.grant
        renewed = False
        if grant.expired(self._clock()):
            grant, renewed = await self._renew(grant), True
        request.headers["Authorization"] = f"Bearer {grant.access_token}"
        response = yield request
        if response.status_code != 401:
            return
        if renewed:
            raise self._expired()
        grant = await self._renew(grant)
        request.headers["Authorization"] = f"Bearer {grant.access_token}"
        response = yield request
        if response.status_code == 401:
            raise self._expired()

    async def _renew(self, used: OAuthGrant) -> OAuthGrant:
        """A fresh grant, refreshing only if nobody replaced `used` while we waited."""
        async with self._lock:
            if self.grant.access_token != used.access_token:
                return self.grant
            async with self._guard() if self._guard is not None else nullcontext():
                return await self._renew_held(used)

    async def _renew_held(self, used: OAuthGrant) -> OAuthGrant:
        load = self._load
        stored = await asyncio.to_thread(load) if load is not None else None
        if stored is not None and stored.access_token != used.access_token:
            self.grant = stored
            if not stored.expired(self._clock()):
                return stored
        new = await self._refresh(self.grant)
        saved: Any = self._save(new)
        if inspect.isawaitable(saved):
            await saved
        self.grant = new
        return new

    def _expired(self) -> AuthError:
        name = self._service.capitalize()
        return AuthError(
            f"The {name} sign-in has expired; run `prodops connect {self._service}`",
            service=self._service,
            status=401,
            expired=True,
        )
