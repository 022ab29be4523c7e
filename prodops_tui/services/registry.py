"""Build a service connector from a `connection` row and its secret.

Each kind's connector module is imported only when a connection of that kind is opened. The
secret reaches the HTTP core as an auth flow (headers only, never a URL); `transport` is an
httpx transport for tests and the demo.
"""

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from functools import partial
from typing import Any, Protocol

from prodops_tui.connectors.auth import OAuthGrant, RefreshingBearer, basic, bearer
from prodops_tui.connectors.errors import ConnectorError, Rejected
from prodops_tui.connectors.http import HttpCore, RateBudget
from prodops_tui.connectors.retry import PATIENT, RetryPolicy
from prodops_tui.services.push import Writer
from prodops_tui.services.sync import Connector

__all__ = ["KINDS", "ServiceConnector", "env_name", "grant_json", "open_connector"]

KINDS = ("jira", "zendesk", "growthbook", "mixpanel")
SaveSecret = Callable[[str], None]
LoadSecret = Callable[[], str | None]
REFRESH_WAIT = 30.0
"""Seconds a process waits for another one renewing the same sign-in."""


class ServiceConnector(Connector, Writer, Protocol):
    """A connector that pulls and writes (read-only services reject every edit)."""


Factory = Callable[[HttpCore, str, dict[str, Any]], ServiceConnector]


def env_name(kind: str) -> str:
    """The environment variable that overrides a connection's stored secret."""
    return f"PRODOPS_{kind.upper()}_TOKEN"


@asynccontextmanager
async def open_connector(
    connection: Mapping[str, Any],
    secret: str,
    *,
    save_secret: SaveSecret | None = None,
    load_secret: LoadSecret | None = None,
    transport: Any = None,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    event_hooks: Mapping[str, list[Callable[..., Any]]] | None = None,
    policy: RetryPolicy = PATIENT,
) -> AsyncIterator[ServiceConnector]:
    """A connector for the row, its HTTP client closed on exit. `save_secret` keeps a renewed
    OAuth grant; `load_secret` re-reads the stored one (another process may have renewed it);
    `policy` is how long its requests keep trying (INTERACTIVE when a person waits)."""
    kind = str(connection["kind"])
    if kind not in KINDS:
        raise Rejected(f"unknown connection kind {kind!r}", service=kind)
    options = {**dict(connection.get("options") or {}), "auth_method": _method(connection)}
    base_url = str(connection["base_url"])
    helpers: list[HttpCore] = []  # unauthenticated clients for token refreshes, if any

    def helper() -> HttpCore:
        plain = HttpCore(kind, base_url, None, transport=transport, sleep=sleep, **policy.options())
        helpers.append(plain)
        return helpers[-1]

    http = HttpCore(
        kind,
        base_url,
        _auth(connection, secret, helper, (save_secret, load_secret)),
        transport=transport,
        budgets=_budgets(kind, options),
        sleep=sleep,
        event_hooks=event_hooks,
        **policy.options(),
    )
    try:
        yield _factory(kind)(http, str(connection["id"]), options)
    finally:
        await http.aclose()
        for each in helpers:
            await each.aclose()


def _method(connection: Mapping[str, Any]) -> str:
    return str(connection.get("auth_method") or "")


def _auth(
    connection: Mapping[str, Any],
    secret: str,
    helper: Callable[[], HttpCore],
    stored: tuple[SaveSecret | None, LoadSecret | None],
) -> Any:
    kind, method, account = connection["kind"], _method(connection), connection.get("account")
    if kind == "zendesk" and (method in ("oauth", "client_credentials") or _is_grant(secret)):
        return _zendesk_oauth(connection, secret, helper, stored)
    if method in ("oauth", "bearer") or kind == "growthbook":
        return bearer(secret)
    if kind == "zendesk":
        return basic(f"{account}/token", secret)
    return basic(str(account or ""), secret)


def _is_grant(secret: str) -> bool:
    return secret.lstrip().startswith("{")


def _zendesk_oauth(
    connection: Mapping[str, Any],
    secret: str,
    helper: Callable[[], HttpCore],
    keep: tuple[SaveSecret | None, LoadSecret | None],
) -> Any:
    """A refreshing bearer when the secret is a stored grant; a plain bearer otherwise.

    A grant from client credentials has no refresh token: its JSON keeps the client secret, and
    "refreshing" asks for a new token with it. Every new grant is saved (with that client secret)
    before any request uses it: Zendesk deletes the old pair when it issues a new one. Renewals
    take a lock file in the data folder shared by every prodops process (the TUI's background
    sync and `prodops sync` at once) and re-read the stored grant first, so a refresh token is
    never spent twice."""
    from prodops_tui.connectors import zendesk_oauth

    try:
        grant = OAuthGrant.from_json(secret)
    except ValueError:
        return bearer(secret)
    stored = json.loads(secret)
    client_secret = str(stored.get("client_secret") or "")
    client_id = str(stored.get("client_id") or (connection.get("options") or {}).get("client_id"))
    plain = helper()
    refresh_token = zendesk_oauth.make_refresh(plain, client_id, client_secret)

    async def renew(old: OAuthGrant) -> OAuthGrant:
        if old.refresh_token or not client_secret:
            return await refresh_token(old)
        return await zendesk_oauth.client_credentials(plain, client_id, client_secret)

    save, load = keep

    def persist(new: OAuthGrant) -> None:
        if save is not None:
            save(grant_json(new, client_id, client_secret))

    def reload() -> OAuthGrant | None:
        text = load() if load is not None else None
        try:
            return OAuthGrant.from_json(text) if text else None
        except ValueError:
            return None

    guard = partial(_renewing, str(connection["id"]))
    return RefreshingBearer(grant, renew, persist, load=reload, guard=guard)


@asynccontextmanager
async def _renewing(connection_id: str) -> AsyncIterator[None]:
    """The cross-process lock around one connection's token renewal."""
    from prodops_tui.config.paths import data_dir
    from prodops_tui.services.file_lock import LockTimeout, held

    digest = hashlib.sha256(connection_id.encode()).hexdigest()[:16]
    try:
        async with held(data_dir() / "locks" / f"oauth-{digest}.lock", timeout=REFRESH_WAIT):
            yield
    except LockTimeout:
        raise ConnectorError(
            f"Another prodops process has been renewing the {connection_id} sign-in for "
            f"{REFRESH_WAIT:g} s; try again",
            service="zendesk",
        ) from None


def grant_json(grant: OAuthGrant, client_id: str = "", client_secret: str = "") -> str:
    """The stored form of a Zendesk grant: the token pair, plus the client (for client
    credentials, whose grants are renewed by asking again)."""
    value: dict[str, Any] = json.loads(grant.to_json())
    if client_id:
        value["client_id"] = client_id
    if client_secret:
        value["client_secret"] = client_secret
    return json.dumps(value)


def _budgets(kind: str, options: Mapping[str, Any]) -> tuple[RateBudget, ...]:
    if kind == "jira":
        from prodops_tui.connectors.jira import jira_budgets

        return jira_budgets(int(options.get("per_second", 20)))
    if kind == "zendesk":
        from prodops_tui.connectors.zendesk import zendesk_budgets

        return zendesk_budgets(int(options.get("incremental_per_minute", 10)))
    if kind == "growthbook":
        return (RateBudget("growthbook", 60, int(options.get("per_minute", 60))),)
    if kind == "mixpanel":
        from prodops_tui.connectors.mixpanel import QUERY_BUDGET

        per_hour = int(options.get("per_hour", 60))
        return (RateBudget(QUERY_BUDGET, 3600, per_hour, concurrency=5),)
    return ()


def _factory(kind: str) -> Factory:
    if kind == "jira":
        from prodops_tui.connectors.jira import JiraConnector

        return lambda http, conn_id, options: JiraConnector(
            http, connection_id=conn_id, options=options
        )
    if kind == "zendesk":
        from prodops_tui.connectors.zendesk import ZendeskConnector

        return lambda http, conn_id, options: ZendeskConnector(
            http, connection_id=conn_id, options=options
        )
    if kind == "growthbook":
        from prodops_tui.connectors.growthbook import GrowthBookConnector

        return lambda http, conn_id, options: GrowthBookConnector(
            http, connection_id=conn_id, options=options
        )
    from prodops_tui.connectors.mixpanel import MixpanelConnector

    return lambda http, conn_id, options: MixpanelConnector(
        http, connection_id=conn_id, options=options
    )
