"""What the Tools screen does to one connection over the network: test it (sign in, look at
the token, the clock and the rate budget), sync it now (and count its seats), and sign in again
with a new secret (the same check `prodops connect` makes, then the credential store)."""

import asyncio
import os
from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlmodel import SQLModel

from prodops_tui.connectors.errors import ConnectorError
from prodops_tui.credentials import env_var, store_secret
from prodops_tui.services.background import Secrets
from prodops_tui.services.doctor import Check, check_connection
from prodops_tui.services.health import connection_row
from prodops_tui.services.registry import open_connector
from prodops_tui.services.seats import SeatUse, refresh_people
from prodops_tui.services.sync import SyncReport, sync_connection
from prodops_tui.store.store import Store, StoreError

__all__ = ["SignedIn", "SyncNow", "reauthenticate", "sign_in", "sync_now", "probe_connection"]

RATE_HEADERS = ("x-ratelimit-remaining", "x-rate-limit-remaining", "ratelimit-remaining")
"""Where Jira, Zendesk and others say how many requests are left in the window."""


@dataclass(frozen=True)
class SyncNow:
    """One connection's sync and seat count, or why it could not run."""

    report: SyncReport | None = None
    seats: SeatUse | None = None
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error and self.report is not None and self.report.ok


@dataclass(frozen=True)
class SignedIn:
    """A new secret that works: who it signs in as, where it is kept, and what to know."""

    who: str
    store: str
    warnings: tuple[str, ...] = ()


def _row(store: Store, connection_id: str) -> dict[str, Any]:
    row = connection_row(store, connection_id)
    if row is None:
        raise StoreError(f"no connection {connection_id} in the workspace")
    return row


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


async def sign_in(row: dict[str, Any], secret: str, **http: Any) -> tuple[str, str | None]:
    """Sign in once with `secret`: the account's display name and any deprecation warning.
    Raises ConnectorError when the service refuses it."""
    async with open_connector(row, secret, **http) as connector:
        who = await connector.check()
        warning: str | None = getattr(connector, "deprecation_warning", lambda: None)()
    return who, warning


def _remaining(response: Any) -> int | None:
    for name in RATE_HEADERS:
        value = str(response.headers.get(name, "")).strip()
        if value.isdigit():
            return int(value)
    return None


def record_rate(store: Store, connection_id: str, remaining: int) -> None:
    """Note the rate budget a service reported on every stream of the connection."""
    table = SQLModel.metadata.tables["sync_state"]
    with store.write() as conn:
        conn.execute(
            update(table)
            .where(table.c.connection_id == connection_id)
            .values(rate_remaining=remaining)
        )


async def probe_connection(
    store: Store, connection_id: str, *, secrets: Secrets | None = None, **http: Any
) -> list[Check]:
    """Sign in with the stored secret and look at the token, the clock and the rate budget
    (the doctor's checks for this connection); the budget is saved for the health panel."""
    row = _row(store, connection_id)
    try:
        secret = (secrets or Secrets())(row)
    except Exception as exc:  # credential stores fail in many ways: one line
        return [Check(connection_id, "fail", _one_line(exc))]
    seen: list[int] = []

    def watch(response: Any) -> None:
        remaining = _remaining(response)
        if remaining is not None:
            seen.append(remaining)

    checks = await check_connection(row, secret, transport=http.get("transport"), watch=watch)
    if seen:
        await asyncio.to_thread(record_rate, store, connection_id, seen[-1])
        checks.append(Check(f"{connection_id} rate", "ok", f"{seen[-1]:,} requests left"))
    return checks


async def sync_now(
    store: Store, connection_id: str, *, secrets: Secrets | None = None, **http: Any
) -> SyncNow:
    """Sync one connection (the same engine as `prodops sync`), then count its seats."""
    row = _row(store, connection_id)
    secrets = secrets or Secrets()
    try:
        secret = secrets(row)
    except Exception as exc:  # credential stores fail in many ways: one line
        return SyncNow(error=_one_line(exc))
    if secret is None:
        return SyncNow(error=f"no credential: press c or run `prodops connect {row['kind']}`")
    try:
        saving, loading = secrets.saver(row), secrets.loader(row)
        async with open_connector(
            row, secret, save_secret=saving, load_secret=loading, **http
        ) as opened:
            report = await sync_connection(store, opened)
            seats = await refresh_people(store, opened) if report.ok else None
    except ConnectorError as exc:
        return SyncNow(error=exc.message)
    return SyncNow(report, seats)


async def reauthenticate(
    store: Store,
    connection_id: str,
    secret: str,
    *,
    passphrase: str | None = None,
    allow_plaintext: bool = False,
    **http: Any,
) -> SignedIn:
    """Check a new secret against the service, then keep it in the safest store available.

    ConnectorError when the service refuses it (nothing is stored), CredentialError when no
    store will take it."""
    row = _row(store, connection_id)
    who, warning = await sign_in(row, secret.strip(), **http)
    where = store_secret(
        connection_id, secret.strip(), allow_plaintext=allow_plaintext, passphrase=passphrase
    )
    notes = [warning] if warning else []
    name = env_var(str(row["kind"]))
    if os.environ.get(name, "").strip():
        notes.append(f"{name} is set and is used instead of the stored secret: unset it")
    if where == "plaintext":
        notes.append("the secret is stored in plaintext")
    return SignedIn(who, where, tuple(notes))
