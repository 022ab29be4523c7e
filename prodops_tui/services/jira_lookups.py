"""On-demand Jira reads for triage and the Backlog's detail pane, cached in the workspace: an
issue's transitions (on the issue row), its comments (`comment`) and the people it can be
assigned to (`person`). A person waits on each: they use the INTERACTIVE retry policy."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, Protocol, TypeVar

from sqlalchemy import delete, insert, select, update
from sqlmodel import SQLModel

from prodops_tui.connectors import jira_lookups
from prodops_tui.connectors.http import HttpCore
from prodops_tui.connectors.retry import INTERACTIVE
from prodops_tui.models import tables  # noqa: F401  (registers the tables on the metadata)
from prodops_tui.models.enums import OutboxState
from prodops_tui.services.background import Secrets
from prodops_tui.services.push import connection_for
from prodops_tui.services.registry import open_connector
from prodops_tui.store.store import Store, StoreError

__all__ = [
    "HasHttp",
    "cached_transitions",
    "jira_for",
    "people",
    "refresh_assignable",
    "refresh_comments",
    "refresh_transitions",
    "run",
]


T = TypeVar("T")


class HasHttp(Protocol):
    http: HttpCore
    connection_id: str


def _connection_of(store: Store, issue_id: str) -> dict[str, Any]:
    """The connection row an issue id belongs to (`jira:acme:10001` -> `jira:acme`)."""
    connection = SQLModel.metadata.tables["connection"]
    with store.read() as conn:
        found = {r["id"]: dict(r) for r in conn.execute(select(connection)).mappings()}
    conn_id = connection_for(issue_id, found)
    if conn_id is None:
        raise StoreError(f"{issue_id} has no Jira connection in this workspace")
    return found[conn_id]


@asynccontextmanager
async def jira_for(store: Store, issue_id: str, **http: Any) -> AsyncIterator[HasHttp]:
    """The Jira connector of the issue's connection, with its stored credential."""
    row = _connection_of(store, issue_id)
    secrets = Secrets()
    try:
        secret = secrets(row)
    except PermissionError as exc:
        raise StoreError(str(exc)) from None
    if secret is None:
        raise StoreError(f"no credential for {row['id']}: run `prodops connect jira`")
    async with open_connector(row, secret, save_secret=secrets.saver(row), **http) as jira:
        yield jira  # type: ignore[misc]


def run(
    refresh: Callable[[Store, HasHttp, str], Awaitable[T]], store: Store, issue_id: str, **http: Any
) -> T:
    """Open the issue's Jira connection and run one refresh, from a worker thread; one retry
    at most unless `http` carries another `policy`."""
    http.setdefault("policy", INTERACTIVE)

    async def go() -> T:
        async with jira_for(store, issue_id, **http) as jira:
            return await refresh(store, jira, issue_id)

    return asyncio.run(go())


def cached_transitions(store: Store, issue_id: str) -> list[dict[str, Any]]:
    issue = SQLModel.metadata.tables["issue"]
    with store.read() as conn:
        moves = conn.execute(select(issue.c.transitions).where(issue.c.id == issue_id)).scalar()
    return list(moves or [])


async def refresh_transitions(store: Store, jira: HasHttp, issue_id: str) -> list[dict[str, Any]]:
    moves = await jira_lookups.transitions(jira.http, issue_id)
    issue = SQLModel.metadata.tables["issue"]
    with store.write() as conn:
        conn.execute(update(issue).where(issue.c.id == issue_id).values(transitions=moves))
    return moves


async def refresh_comments(store: Store, jira: HasHttp, issue_id: str) -> int:
    """Replace the issue's cached comments with Jira's; our unsent ones stay."""
    rows = await jira_lookups.comments(jira.http, issue_id)
    comment = SQLModel.metadata.tables["comment"]
    outbox = SQLModel.metadata.tables["outbox"]
    live = [OutboxState.PENDING.value, OutboxState.INFLIGHT.value]
    unsent = select(outbox.c.id).where(outbox.c.target == issue_id, outbox.c.state.in_(live))
    with store.write() as conn:
        keep = [f"local:{edit_id}" for edit_id in conn.execute(unsent).scalars()]
        gone = delete(comment).where(comment.c.target == issue_id, comment.c.remote_id.not_in(keep))
        conn.execute(gone)
        if rows:
            conn.execute(insert(comment), rows)
    return len(rows)


async def refresh_assignable(store: Store, jira: HasHttp, issue_id: str) -> list[dict[str, Any]]:
    """The people Jira lets the issue be assigned to, cached (their roles are left alone)."""
    rows = await jira_lookups.assignable(jira.http, jira.connection_id, issue_id)
    if rows:
        store.upsert("person", [{k: v for k, v in row.items() if k != "role"} for row in rows])
    return rows


def people(store: Store, issue_id: str) -> dict[str, str]:
    """Active people of the issue's Jira connection: account id -> display name, by name."""
    person = SQLModel.metadata.tables["person"]
    query = (
        select(person.c.account_id, person.c.display_name)
        .where(
            person.c.connection_id == _connection_of(store, issue_id)["id"],
            person.c.active.is_(True),
        )
        .order_by(person.c.display_name)
    )
    with store.read() as conn:
        return {str(account): str(name) for account, name in conn.execute(query)}
