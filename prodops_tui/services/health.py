"""Connector health for the Tools screen: per connection, where each stream has synced to, its
last error, the rate budget left, the credential store in use, token expiry, announced auth
deprecations, seats in the service, and whether it is stale (not synced within its interval).

Read from the store and the credential store only (no network); `services.connection_actions`
does the network side (test, sync now, re-authenticate)."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import SQLModel

from prodops_tui.connectors.zendesk_oauth import TOKEN_END, deprecation_warning
from prodops_tui.credentials import CredentialError, PassphraseNeeded, env_var, resolve
from prodops_tui.models import tables  # noqa: F401  (registers the tables on the metadata)
from prodops_tui.services import staleness
from prodops_tui.services.doctor import token_expiry
from prodops_tui.services.seats import SeatUse, seat_use
from prodops_tui.services.staleness import DEFAULT_INTERVAL_MINUTES
from prodops_tui.store.store import Store

__all__ = [
    "DEFAULT_INTERVAL_MINUTES",
    "DEPRECATION_WARN_DAYS",
    "Health",
    "StreamHealth",
    "connection_health",
    "connection_row",
    "credential_of",
    "deprecation",
]

DEPRECATION_WARN_DAYS = 90
"""An announced end of a sign-in method is a warning from this many days before it."""
Lookup = Callable[[Mapping[str, Any]], tuple[str, str | None]]
"""(credential store name, secret or None) of a connection row."""


@dataclass(frozen=True)
class StreamHealth:
    """One stream's row of `sync_state`, and whether it is stale."""

    stream: str
    cursor: str = ""
    last_success_at: datetime | None = None
    items_changed: int = 0
    last_error: str = ""
    last_error_at: datetime | None = None
    rate_remaining: int | None = None
    rate_reset_at: datetime | None = None
    stale: bool = False

    @property
    def failing(self) -> bool:
        """The last run failed (an error newer than the last success)."""
        if not self.last_error or self.last_error_at is None:
            return False
        return self.last_success_at is None or self.last_error_at >= self.last_success_at


@dataclass(frozen=True)
class Health:
    """What the Tools screen shows about one connection."""

    connection_id: str
    kind: str
    name: str
    auth_method: str
    interval_minutes: float
    streams: tuple[StreamHealth, ...] = ()
    credential: str = "none"
    """env, keyring, encrypted-file, encrypted-file (locked), plaintext, none or unreadable."""
    token: tuple[str, str] = ("", "")
    """(level, line) about the OAuth token's expiry; empty for other sign-ins."""
    deprecation: tuple[str, str] = ("", "")
    """(level, line) about an announced end of this sign-in method: info, warn or fail."""
    seats: SeatUse | None = None
    problems: tuple[str, ...] = field(default=())

    @property
    def state(self) -> str:
        """One word: no credential, failing, never synced, stale or ok."""
        if self.credential in ("none", "unreadable"):
            return "no credential"
        if any(s.failing for s in self.streams):
            return "failing"
        if not any(s.last_success_at for s in self.streams):
            return "never synced"
        return "stale" if any(s.stale for s in self.streams) else "ok"

    @property
    def last_success_at(self) -> datetime | None:
        """When the least recently synced stream last succeeded."""
        moments = [s.last_success_at for s in self.streams]
        return None if not moments or None in moments else min(m for m in moments if m)

    @property
    def rate_remaining(self) -> int | None:
        known = [s.rate_remaining for s in self.streams if s.rate_remaining is not None]
        return min(known) if known else None


def _aware(moment: Any) -> datetime | None:
    if not isinstance(moment, datetime):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def connection_row(store: Store, connection_id: str) -> dict[str, Any] | None:
    table = SQLModel.metadata.tables["connection"]
    with store.read() as conn:
        found = conn.execute(select(table).where(table.c.id == connection_id)).mappings().first()
    return None if found is None else dict(found)


def _streams(
    store: Store, connection_id: str, now: datetime, interval: float
) -> list[StreamHealth]:
    table = SQLModel.metadata.tables["sync_state"]
    query = select(table).where(table.c.connection_id == connection_id).order_by(table.c.stream)
    with store.read() as conn:
        rows = [dict(r) for r in conn.execute(query).mappings()]
    found = []
    for row in rows:
        success = _aware(row["last_success_at"])
        found.append(
            StreamHealth(
                stream=str(row["stream"]),
                cursor=str(row["cursor"] or ""),
                last_success_at=success,
                items_changed=int(row["items_changed"] or 0),
                last_error=str(row["last_error"] or ""),
                last_error_at=_aware(row["last_error_at"]),
                rate_remaining=row["rate_remaining"],
                rate_reset_at=_aware(row["rate_reset_at"]),
                stale=staleness.is_stale(success, now, interval),
            )
        )
    return found


def credential_of(connection: Mapping[str, Any]) -> tuple[str, str | None]:
    """(store name, secret) without asking for anything: an encrypted file stays locked."""
    env = env_var(str(connection["kind"]))
    try:
        secret = resolve(str(connection["id"]), env_name=env)
    except PassphraseNeeded:
        return "encrypted-file (locked)", None
    except CredentialError:
        return "unreadable", None
    return ("none", None) if secret is None else (secret.store, secret.value)


def deprecation(kind: str, auth_method: str, today: date) -> tuple[str, str]:
    """(level, line) for an announced end of the connection's sign-in method: Zendesk API
    tokens end on 2027-04-30 (info until 90 days before, then warn, fail after)."""
    if kind != "zendesk":
        return "", ""
    line = deprecation_warning(auth_method, today)
    if line is None:
        return "", ""
    left = (TOKEN_END - today).days
    level = "fail" if left <= 0 else "warn" if left <= DEPRECATION_WARN_DAYS else "info"
    return level, line


def connection_health(
    store: Store,
    connection_id: str,
    *,
    now: datetime,
    interval_minutes: float = DEFAULT_INTERVAL_MINUTES,
    lookup: Lookup = credential_of,
) -> Health | None:
    """The health of one connection (None if there is no such connection)."""
    row = connection_row(store, connection_id)
    if row is None:
        return None
    interval = staleness.interval_minutes(row.get("options"), interval_minutes)
    kind, method = str(row["kind"]), str(row.get("auth_method") or "")
    credential, secret = lookup(row)
    token = ("", "")
    if secret is not None:
        for check in token_expiry("token", row, secret, now.timestamp()):
            token = (check.level, f"token {check.detail}")
    streams = tuple(_streams(store, connection_id, now, interval))
    problems = [f"{s.stream}: {s.last_error}" for s in streams if s.failing]
    if credential == "plaintext":
        problems.append("the secret is stored in plaintext: run `prodops connect` to move it")
    return Health(
        connection_id=connection_id,
        kind=kind,
        name=str(row.get("name") or connection_id),
        auth_method=method,
        interval_minutes=interval,
        streams=streams,
        credential=credential,
        token=token,
        deprecation=deprecation(kind, method, now.date()),
        seats=seat_use(store, connection_id),
        problems=tuple(problems),
    )
