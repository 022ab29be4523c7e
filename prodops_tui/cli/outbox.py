"""`prodops outbox [list|retry ID|discard ID]`: see and resolve edits on their way out."""

import asyncio
from typing import TYPE_CHECKING

import click

from prodops_tui.cli.sync import open_store

if TYPE_CHECKING:
    from prodops_tui.cli import Options
    from prodops_tui.store.store import Store

_COLUMNS = ("id", "target", "op", "state", "attempts", "error")


@click.group("outbox", invoke_without_command=True)
@click.pass_context
def outbox_command(ctx: click.Context) -> None:
    """List unfinished edits; `retry ID` re-applies a conflict, `discard ID` drops it."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(list_edits)


@outbox_command.command("list")
@click.option("--all", "everything", is_flag=True, help="Include sent edits.")
@click.pass_obj
def list_edits(options: "Options", everything: bool = False) -> None:
    """One line per edit: id, item, operation, state, attempts and the last error."""
    from sqlalchemy import select
    from sqlmodel import SQLModel

    from prodops_tui.models import tables  # noqa: F401  (registers the tables on the metadata)

    table = SQLModel.metadata.tables["outbox"]
    query = select(*(table.c[c] for c in _COLUMNS)).order_by(table.c.created_at, table.c.id)
    if not everything:
        query = query.where(table.c.state != "done")
    store = open_store(options, read_only=True)
    try:
        with store.read() as conn:
            rows = conn.execute(query).all()
    finally:
        store.close()
    if not rows:
        click.echo("the outbox is empty")
    for edit_id, target, op, state, attempts, error in rows:
        line = f"{edit_id}  {state:<8} {op:<12} {target}  (tries {attempts})"
        click.echo(f"{line}  {error}" if error else line)


def _resolve(options: "Options", edit_id: str, action: str) -> list[str]:
    """Resolve the edit; a discard then re-reads its item from the service (problems returned)."""
    from prodops_tui.services.push import resolve_conflict

    store = open_store(options)
    try:
        resolve_conflict(
            store, _full_id(store, edit_id), "reapply" if action == "retry" else "discard"
        )
        return asyncio.run(_restore(store)) if action == "discard" else []
    finally:
        store.close()


async def _restore(store: "Store") -> list[str]:
    from prodops_tui.cli.sync import Secrets, connections, opened
    from prodops_tui.services.restore import restore_remote

    secrets = Secrets()
    async with opened(connections(store), secrets, secrets.saver) as (found, _):
        return await restore_remote(store, found)


def _full_id(store: "Store", prefix: str) -> str:
    from sqlalchemy import select
    from sqlmodel import SQLModel

    from prodops_tui.models import tables  # noqa: F401  (registers the tables on the metadata)

    table = SQLModel.metadata.tables["outbox"]
    with store.read() as conn:
        ids = list(conn.execute(select(table.c.id).where(table.c.id.startswith(prefix))).scalars())
    if len(ids) != 1:
        raise click.ClickException(f"{len(ids)} edits match {prefix!r}; give more of the id")
    return str(ids[0])


@outbox_command.command("retry")
@click.argument("edit_id")
@click.pass_obj
def retry_edit(options: "Options", edit_id: str) -> None:
    """Re-apply a conflicted edit on the service's current version (sent by the next push)."""
    _resolve(options, edit_id, "retry")
    click.echo("queued again: run `prodops push`")


@outbox_command.command("discard")
@click.argument("edit_id")
@click.pass_obj
def discard_edit(options: "Options", edit_id: str) -> None:
    """Drop a conflicted edit; the item shows the service's version again."""
    problems = _resolve(options, edit_id, "discard")
    for line in problems:
        click.echo(f"  {line}")
    if problems:
        click.echo("discarded; the service's values come back with the next `prodops push`")
    else:
        click.echo("discarded; the item shows the service's values again")
