"""Set-up for syncs against fakes scripted to misbehave: connection rows, a page recorder, the
sleep recorder, and the cursor check (a saved cursor is one whose page, and every page before
it, is in the store)."""

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import httpx
from sqlalchemy import select
from sqlmodel import SQLModel
from starlette.applications import Starlette

from prodops_tui.connectors.base import Page
from prodops_tui.fakes import growthbook, jira, mixpanel, zendesk
from prodops_tui.services.generator import Company, generate
from prodops_tui.services.registry import open_connector
from prodops_tui.services.sync import SyncReport, sync_connection
from prodops_tui.store.store import Store
from tests.connectors.jira_helpers import Sleeps

DAY = date(2025, 1, 15)
ROWS: dict[str, dict[str, Any]] = {
    "jira": {
        "base_url": "https://acme.atlassian.net",
        "account": "ops@acme.example",
        "auth_method": "token",
        "options": {"site": "acme", "projects": ["CHK", "SRCH", "MOB", "BILL", "ONB", "API"]},
    },
    "zendesk": {
        "base_url": "https://acme.zendesk.com",
        "account": "ops@acme.example",
        "auth_method": "oauth",
        "options": {"subdomain": "acme", "per_page": 25, "incremental_per_minute": 1000},
    },
    "growthbook": {
        "base_url": "https://api.growthbook.io",
        "account": "",
        "auth_method": "token",
        "options": {"project_id": "prj_acme", "page_size": 5},
    },
    "mixpanel": {
        "base_url": "https://mixpanel.com",
        "account": "svc.acme",
        "auth_method": "token",
        "options": {"usage_days": 30, "project_id": "42"},
    },
}


def company() -> Company:
    return generate("tiny", 7, DAY)


def fake(kind: str, world: Company) -> Starlette:
    """The fake for `kind`, with budgets wide enough that only injected faults misbehave."""
    if kind == "jira":
        return jira.create_app(world, token="fake-token", email="ops@acme.example")
    if kind == "zendesk":
        now = world.spec.now_ts + 3600
        return zendesk.create_app(world, clock=lambda: now, incremental_per_minute=1000)
    if kind == "growthbook":
        return growthbook.create_app(world, token="fake-token")
    return mixpanel.create_app(world, token="fake-token")


def row(kind: str) -> dict[str, Any]:
    """The `connection` row of one service's `acme` account."""
    return {"id": f"{kind}:acme", "kind": kind, "name": kind, **ROWS[kind]}


def connection(kind: str, app: Starlette) -> dict[str, Any]:
    """`row(kind)` fitted to the fake `app` serving it."""
    found = row(kind)
    if kind == "mixpanel":
        found["options"] = {**found["options"], "project_id": app.state.project_id}
    return found


@dataclass
class Recorded:
    """The registry's connector, noting every page it hands the sync engine."""

    inner: Any
    pages: list[Page] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return str(self.inner.kind)

    @property
    def streams(self) -> tuple[str, ...]:
        return tuple(self.inner.streams)

    @property
    def connection_id(self) -> str:
        return str(self.inner.connection_id)

    async def check(self) -> str:
        return str(await self.inner.check())

    def pull(self, stream: str, cursor: str) -> AsyncIterator[Page]:
        return self._pull(stream, cursor)

    async def _pull(self, stream: str, cursor: str) -> AsyncIterator[Page]:
        async for page in self.inner.pull(stream, cursor):
            self.pages.append(page)
            yield page


@dataclass
class Run:
    report: SyncReport
    pages: list[Page]
    waits: list[float]

    @property
    def error(self) -> str:
        return " | ".join(s.error for s in self.report.streams if s.error)


async def sync_faulted(store: Store, kind: str, app: Starlette, stream: str, **kw: Any) -> Run:
    """One sync of `stream` through the registry's connector, the waits recorded, not slept."""
    row = connection(kind, app)
    store.upsert("connection", [row])
    sleeps = Sleeps()
    transport = kw.pop("transport", None) or httpx.ASGITransport(app=app)
    async with open_connector(row, "fake-token", transport=transport, sleep=sleeps) as connector:
        recorded = Recorded(connector)
        report = await sync_connection(store, recorded, streams=[stream], **kw)
    return Run(report, recorded.pages, sleeps.waits)


def saved_cursor(store: Store, connection_id: str, stream: str) -> tuple[str, str]:
    """(cursor, last_error) of one stream's sync_state."""
    table = SQLModel.metadata.tables["sync_state"]
    query = select(table.c.cursor, table.c.last_error).where(
        table.c.connection_id == connection_id, table.c.stream == stream
    )
    with store.read() as conn:
        found = conn.execute(query).first()
    return ("", "") if found is None else (str(found[0] or ""), str(found[1] or ""))


def assert_cursor_behind_saved_data(store: Store, run: Run, connection_id: str, stream: str) -> int:
    """The saved cursor is a recorded page's, and that page and all before it are stored;
    the number of pages that covers."""
    cursor, _ = saved_cursor(store, connection_id, stream)
    if not cursor:
        return 0
    index = next(i for i, page in enumerate(run.pages) if page.cursor == cursor)
    for page in run.pages[: index + 1]:
        ids = {row["id"] for row in page.rows if "id" in row}
        if not ids:
            continue
        table = SQLModel.metadata.tables[page.table]
        with store.read() as conn:
            stored = set(conn.execute(select(table.c.id).where(table.c.id.in_(ids))).scalars())
        assert stored == ids, f"{len(ids - stored)} rows of a page before the saved cursor lost"
    return index + 1


def backoff(waits: list[float]) -> bool:
    """Exponential backoff with jitter, as HttpCore waits without Retry-After: 0.5-0.75 s,
    1-1.5 s, 2-3 s, ..."""
    return all(0.5 * 2**i <= wait <= 0.75 * 2**i for i, wait in enumerate(waits))


def assert_one_line(text: str) -> None:
    assert text and "\n" not in text and len(text) <= 300, text
