"""`prodops doctor` checks: database integrity and migration level, outbox invariants, each
connection's reachability, auth, token expiry, announced deprecations and clock skew."""

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlmodel import SQLModel

from prodops_tui.connectors.auth import OAuthGrant
from prodops_tui.connectors.errors import ConnectorError
from prodops_tui.models import tables  # noqa: F401  (registers the tables on the metadata)
from prodops_tui.models.enums import OutboxState
from prodops_tui.services.registry import open_connector
from prodops_tui.store.migrate import current_revision, head_revision
from prodops_tui.store.store import Store

__all__ = ["Check", "check_connection", "check_outbox", "check_store", "token_expiry"]

SKEW_WARN_SECONDS = 60.0
ZENDESK_TOKEN_END = "2027-04-30"


@dataclass(frozen=True)
class Check:
    """One line of the doctor's report."""

    name: str
    level: str
    """ok, warn or fail."""
    detail: str


def check_store(store: Store) -> list[Check]:
    """Integrity and foreign keys (SQLite), and the schema's migration level."""
    checks: list[Check] = []
    with store.read() as conn:
        if store.dialect == "sqlite":
            result = [str(r[0]) for r in conn.execute(text("PRAGMA integrity_check"))]
            broken = result != ["ok"]
            checks.append(Check("database integrity", "fail" if broken else "ok", result[0]))
            orphans = conn.execute(text("PRAGMA foreign_key_check")).all()
            detail = f"{len(orphans)} rows point at missing rows" if orphans else "ok"
            checks.append(Check("foreign keys", "fail" if orphans else "ok", detail))
        else:
            version = str(conn.execute(text("SHOW server_version")).scalar())
            checks.append(Check("database integrity", "ok", f"PostgreSQL {version} reachable"))
        level, head = current_revision(conn), head_revision()
    status = "ok" if level == head else "fail"
    checks.append(Check("migration level", status, f"{level} (head {head})"))
    return checks


def check_outbox(store: Store, now: datetime | None = None) -> list[Check]:
    """No done edit without a remote id, no expired inflight lease, conflicts shown."""
    outbox = SQLModel.metadata.tables["outbox"]
    moment = now or datetime.now(UTC)
    queries = {
        "done": (outbox.c.state == OutboxState.DONE.value) & (outbox.c.remote_id == ""),
        "stale": (outbox.c.state == OutboxState.INFLIGHT.value) & (outbox.c.lease_until < moment),
        "conflict": outbox.c.state == OutboxState.CONFLICT.value,
        "pending": outbox.c.state == OutboxState.PENDING.value,
    }
    with store.read() as conn:
        counts = {
            name: int(conn.execute(select(func.count()).where(where)).scalar() or 0)
            for name, where in queries.items()
        }
    problems = []
    if counts["done"]:
        problems.append(f"{counts['done']} sent without a remote id")
    if counts["stale"]:
        problems.append(f"{counts['stale']} inflight with an expired lease")
    detail = f"{counts['pending']} pending, {counts['conflict']} in conflict"
    level = "fail" if problems else "warn" if counts["conflict"] else "ok"
    return [Check("outbox", level, "; ".join([*problems, detail]))]


async def check_connection(
    connection: Mapping[str, Any],
    secret: str | None,
    *,
    transport: Any = None,
    clock: Callable[[], float] = time.time,
    watch: Callable[[Any], None] | None = None,
) -> list[Check]:
    """Reach the service, sign in, and look at the credential and the service's clock;
    `watch` sees every response (e.g. for its rate-limit headers)."""
    name = str(connection["id"])
    if secret is None:
        return [Check(name, "fail", f"no credential: run `prodops connect {connection['kind']}`")]
    dates: list[str] = []

    async def note_date(response: Any) -> None:
        if watch is not None:
            watch(response)
        if "date" in response.headers:
            dates.append(response.headers["date"])

    hooks = {"response": [note_date]}
    try:
        async with open_connector(
            connection, secret, transport=transport, event_hooks=hooks
        ) as connector:
            who = await connector.check()
            warning = getattr(connector, "deprecation_warning", lambda: None)()
    except ConnectorError as exc:
        return [Check(name, "fail", exc.message)]
    checks = [Check(name, "ok", f"signed in as {who}")]
    if warning:
        checks.append(Check(f"{name} deprecation", "warn", str(warning)))
    checks += token_expiry(name, connection, secret, clock())
    if dates:
        checks.append(_skew(name, dates[-1], clock()))
    return checks


def token_expiry(name: str, connection: Mapping[str, Any], secret: str, now: float) -> list[Check]:
    """How long an OAuth access token has left (none for other sign-ins)."""
    if connection.get("auth_method") != "oauth":
        return []
    try:
        grant = OAuthGrant.from_json(secret)
    except ValueError:
        return []
    if not grant.expires_at:
        return [Check(f"{name} token", "ok", "does not expire")]
    left = grant.expires_at - now
    if left > 0:
        return [Check(f"{name} token", "ok", f"expires in {int(left // 60)} min")]
    level = "ok" if grant.refresh_token else "fail"
    renew = "refreshed on next use" if grant.refresh_token else "run `prodops connect` again"
    return [Check(f"{name} token", level, f"expired; {renew}")]


def _skew(name: str, header: str, now: float) -> Check:
    try:
        remote = parsedate_to_datetime(header).timestamp()
    except (TypeError, ValueError):
        return Check(f"{name} clock", "warn", "the service sent an unreadable Date header")
    skew = now - remote
    level = "warn" if abs(skew) > SKEW_WARN_SECONDS else "ok"
    return Check(f"{name} clock", level, f"{skew:+.0f} s against the service")
