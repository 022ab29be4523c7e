"""One background cycle for the TUI: sync every connection in turn, then push the outbox.

The same code path as `prodops sync` / `prodops push` (sync_connection, push, open_connector);
secrets come from `credentials` without ever asking for a passphrase (the TUI owns the terminal).
"""

from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlmodel import SQLModel

from prodops_tui.models import tables  # noqa: F401  (registers the tables on the metadata)
from prodops_tui.services.push import PushReport, owner, push
from prodops_tui.services.registry import ServiceConnector, open_connector
from prodops_tui.services.restore import restore_remote
from prodops_tui.services.seats import refresh_people
from prodops_tui.services.secrets import Secrets
from prodops_tui.services.sync import SyncReport, sync_connection
from prodops_tui.store.store import Store

__all__ = ["Cycle", "Secrets", "Status", "owner", "restore_discarded", "run_cycle"]

Status = Callable[[str, str, str], None]
"""status(connection kind, "syncing" | "done" | "error", one-line error)."""


@dataclass
class Cycle:
    """What one background cycle did."""

    synced: list[SyncReport] = field(default_factory=list)
    pushed: PushReport | None = None
    problems: dict[str, str] = field(default_factory=dict)
    """Connection id -> why it was not used (no credential, locked credential file)."""

    @property
    def changed(self) -> int:
        """Rows the sync wrote plus edits the push settled."""
        pushed = self.pushed
        settled = (pushed.done + pushed.conflicts + pushed.rejected) if pushed else 0
        return sum(report.changed for report in self.synced) + settled


def connection_rows(store: Store) -> list[dict[str, Any]]:
    table = SQLModel.metadata.tables["connection"]
    with store.read() as conn:
        return [dict(r) for r in conn.execute(select(table).order_by(table.c.id)).mappings()]


@asynccontextmanager
async def _opened(
    rows: list[dict[str, Any]], secrets: Secrets, cycle: Cycle, **http: Any
) -> AsyncIterator[dict[str, ServiceConnector]]:
    found: dict[str, ServiceConnector] = {}
    async with AsyncExitStack() as stack:
        for row in rows:
            try:
                secret = secrets(row)
            except Exception as exc:  # credential stores fail in many ways: one line each
                cycle.problems[row["id"]] = str(exc).splitlines()[0] if str(exc) else repr(exc)
                continue
            if secret is None:
                cycle.problems[row["id"]] = f"no credential: run `prodops connect {row['kind']}`"
                continue
            saving = secrets.saver(row)
            context = open_connector(
                row, secret, save_secret=saving, load_secret=secrets.loader(row), **http
            )
            found[row["id"]] = await stack.enter_async_context(context)
        yield found


async def run_cycle(
    store: Store,
    status: Status,
    *,
    sync: bool = True,
    secrets: Secrets | None = None,
    **http: Any,
) -> Cycle:
    """Sync each connection in turn (unless `sync` is False), then push due edits."""
    cycle = Cycle()
    rows = connection_rows(store)
    async with _opened(rows, secrets or Secrets(), cycle, **http) as found:
        for row in rows:
            kind = str(row["kind"])
            if row["id"] in cycle.problems:
                status(kind, "error", cycle.problems[row["id"]])
                continue
            if not sync or row["id"] not in found:
                continue
            status(kind, "syncing", "")
            report = await sync_connection(store, found[row["id"]])
            if report.ok:
                await refresh_people(store, found[row["id"]])  # seats in use, for Tools
            cycle.synced.append(report)
            error = report.busy or next((s.error for s in report.streams if s.error), "")
            status(kind, "error" if error else "done", error)
        if found:
            cycle.pushed = await push(store, found, owner=owner())
    return cycle


async def restore_discarded(store: Store, secrets: Secrets | None = None, **http: Any) -> list[str]:
    """Give items of discarded edits the service's values now (services/restore.py); one line
    per connection that could not be read (its items wait for the next push)."""
    cycle = Cycle()
    async with _opened(connection_rows(store), secrets or Secrets(), cycle, **http) as found:
        problems = await restore_remote(store, found)
    return problems
