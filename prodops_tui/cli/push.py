"""`prodops push`: send pending outbox edits to their services."""

import asyncio
from typing import TYPE_CHECKING, Any

import click

from prodops_tui.cli.sync import SaveFor, SecretFor, Secrets, connections, open_store, opened

if TYPE_CHECKING:
    from prodops_tui.cli import Options
    from prodops_tui.services.push import PushReport
    from prodops_tui.store.store import Store


async def push_all(
    store: "Store", secret_for: SecretFor, save_for: SaveFor, **http: Any
) -> "PushReport":
    """Push every due edit of every connection that has a credential."""
    from prodops_tui.services.push import owner, push

    rows = connections(store)
    async with opened(rows, secret_for, save_for, **http) as (found, missing):
        report = await push(store, found, owner=owner())
    for conn_id, problem in missing.items():
        report.errors.append(f"{conn_id}: {problem}")
    return report


def describe(report: "PushReport") -> str:
    parts = [f"{report.done} sent", f"{report.conflicts} in conflict"]
    parts += [f"{report.rejected} rejected", f"{report.retrying} to retry"]
    return ", ".join(parts)


@click.command("push")
@click.pass_obj
def push_command(options: "Options") -> None:
    """Send local edits waiting in the outbox; conflicts wait for `prodops outbox`."""
    store = open_store(options)
    try:
        secrets = Secrets()
        report = asyncio.run(push_all(store, secrets, secrets.saver))
    finally:
        store.close()
    for line in report.errors:
        click.echo(f"  {line}")
    for conn_id, problem in report.paused.items():
        click.echo(f"paused {conn_id}: {problem}")
    click.echo(describe(report))
    if not report.ok:
        raise click.ClickException("some edits were not sent: see `prodops outbox`")
