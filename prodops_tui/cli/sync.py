"""`prodops sync [SOURCE...]`: pull every (or the named) connection with progress bars, then a
summary; also the helpers other headless commands share (connections, secrets, connectors)."""

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from functools import partial
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from prodops_tui.services.secrets import Secrets as StoredSecrets

if TYPE_CHECKING:
    from prodops_tui.cli import Options
    from prodops_tui.services.registry import ServiceConnector
    from prodops_tui.services.sync import SyncReport
    from prodops_tui.store.store import Store

SecretFor = Callable[[dict[str, Any]], str | None]
"""The secret of a connection row, or None when none is stored."""
SaveFor = Callable[[dict[str, Any]], Callable[[str], None] | None]


def open_store(options: "Options", *, read_only: bool = False) -> "Store":
    from prodops_tui.store.store import Store

    workspace = options.resolve()
    store = Store.open(workspace.url, read_only=read_only or options.read_only, create=True)
    store.actor = options.config.actor_name  # the sync lock says who syncs
    return store


def connections(store: "Store", sources: Sequence[str] = ()) -> list[dict[str, Any]]:
    """Connection rows, optionally only those whose kind or id is in `sources`."""
    from sqlalchemy import select
    from sqlmodel import SQLModel

    table = SQLModel.metadata.tables["connection"]
    with store.read() as conn:
        rows = [dict(r) for r in conn.execute(select(table).order_by(table.c.id)).mappings()]
    unknown = [s for s in sources if not any(s in (r["kind"], r["id"]) for r in rows)]
    if unknown:
        raise click.ClickException(
            f"no connection for {', '.join(unknown)}: run `prodops connect {unknown[0]}`"
        )
    return [r for r in rows if not sources or r["kind"] in sources or r["id"] in sources]


class Secrets(StoredSecrets):
    """Secrets of connection rows from the credential store; asks for the encrypted file's
    passphrase once, on the terminal, before anything else runs."""

    def __call__(self, connection: Mapping[str, Any]) -> str | None:
        from prodops_tui.credentials import CredentialError, PassphraseNeeded, env_var, resolve

        conn_id = str(connection["id"])
        env = env_var(str(connection["kind"]))
        try:
            try:
                secret = resolve(conn_id, env_name=env, passphrase=self.passphrase)
            except PassphraseNeeded:
                self.passphrase = click.prompt("Credential file passphrase", hide_input=True)
                secret = resolve(conn_id, env_name=env, passphrase=self.passphrase)
        except CredentialError as exc:
            raise click.ClickException(str(exc)) from None
        if secret is None:
            return None
        self.stores[conn_id] = secret.store
        return secret.value


@asynccontextmanager
async def opened(
    rows: Sequence[dict[str, Any]],
    secret_for: SecretFor,
    save_for: SaveFor,
    **http: Any,
) -> AsyncIterator[tuple[dict[str, "ServiceConnector"], dict[str, str]]]:
    """Connectors for the rows that have a secret, and a one-line problem for the rest. With
    `Secrets`, a renewed OAuth grant is re-read from the store before refreshing again."""
    from prodops_tui.services.registry import open_connector

    load_for = secret_for.loader if isinstance(secret_for, StoredSecrets) else _no_loader

    found: dict[str, ServiceConnector] = {}
    missing: dict[str, str] = {}
    async with AsyncExitStack() as stack:
        for row in rows:
            secret = secret_for(row)
            if secret is None:
                missing[row["id"]] = f"no credential: run `prodops connect {row['kind']}`"
                continue
            saving = save_for(row)
            context = open_connector(
                row, secret, save_secret=saving, load_secret=load_for(row), **http
            )
            found[row["id"]] = await stack.enter_async_context(context)
        yield found, missing


def _no_loader(row: Mapping[str, Any]) -> None:
    return None


async def sync_all(
    store: "Store",
    rows: Sequence[dict[str, Any]],
    secret_for: SecretFor,
    save_for: SaveFor,
    progress: Callable[[str, str, int], None],
    **http: Any,
) -> list["SyncReport"]:
    """Sync each connection in turn; connections without a secret get an error report."""
    from prodops_tui.services.seats import refresh_people
    from prodops_tui.services.sync import StreamReport, SyncReport, sync_connection

    reports: list[SyncReport] = []
    async with opened(rows, secret_for, save_for, **http) as (found, missing):
        for row in rows:
            conn_id = row["id"]
            if conn_id in missing:
                reports.append(SyncReport(conn_id, [StreamReport("*", error=missing[conn_id])]))
                continue
            report = await sync_connection(
                store, found[conn_id], progress=partial(progress, conn_id)
            )
            if report.ok:
                await refresh_people(store, found[conn_id])
            reports.append(report)
    return reports


@contextmanager
def progress_bars(quiet: bool = False) -> Iterator[Callable[[str, str, int], None]]:
    """A spinner line per connection stream with the rows received so far."""
    if quiet:
        yield lambda conn, stream, rows: None
        return
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description:<28}"),
        TextColumn("{task.fields[rows]:>8} rows"),
    )
    with Progress(*columns, TimeElapsedColumn(), transient=False) as bars:
        tasks: dict[str, TaskID] = {}

        def report(conn: str, stream: str, rows: int) -> None:
            key = f"{conn} {stream}"
            if key not in tasks:
                tasks[key] = bars.add_task(key, total=None, rows=0)
            bars.update(tasks[key], rows=rows)

        yield report


def summary(reports: Sequence["SyncReport"]) -> Table:
    table = Table("connection", "stream", "pages", "received", "changed", "deleted", "result")
    for report in reports:
        if report.busy:
            table.add_row(report.connection_id, "*", "", "", "", "", report.busy)
        for s in report.streams:
            result = s.error or "ok"
            cells = (s.pages, s.received, s.changed, s.deleted)
            table.add_row(report.connection_id, s.stream, *map(str, cells), result)
    return table


@click.command("sync")
@click.argument("sources", nargs=-1, type=str)
@click.option("--quiet", "-q", is_flag=True, help="No progress bars.")
@click.pass_obj
def sync_command(options: "Options", sources: tuple[str, ...], quiet: bool) -> None:
    """Pull changes from every connection, or only the named SOURCEs (kind or id)."""
    store = open_store(options)
    try:
        rows = connections(store, sources)
        if not rows:
            raise click.ClickException(
                "no connections yet: run `prodops connect jira` (or zendesk, ...)"
            )
        with progress_bars(quiet) as progress:
            secrets = Secrets()
            reports = asyncio.run(sync_all(store, rows, secrets, secrets.saver, progress))
    finally:
        store.close()
    Console(soft_wrap=True).print(summary(reports))
    failed = [r.connection_id for r in reports if not r.ok]
    if failed:
        raise click.ClickException(f"sync failed for {', '.join(failed)}")


__all__ = ["Secrets", "connections", "open_store", "opened", "sync_all", "sync_command"]
