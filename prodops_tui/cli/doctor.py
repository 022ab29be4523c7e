"""`prodops doctor`: one line per check (ok / warn / fail); exit 1 when any check fails."""

import asyncio
from typing import TYPE_CHECKING, Any

import click

from prodops_tui.cli.sync import Secrets, connections, open_store

if TYPE_CHECKING:
    from prodops_tui.cli import Options
    from prodops_tui.services.doctor import Check

_MARKS = {"ok": "ok  ", "warn": "warn", "fail": "FAIL"}


def _line(check: "Check") -> str:
    return f"{_MARKS.get(check.level, check.level)}  {check.name:<28} {check.detail}"


def _config_checks(options: "Options") -> list["Check"]:
    from prodops_tui.credentials import which_store
    from prodops_tui.services.doctor import Check

    config = options.config
    workspace = options.resolve()
    checks = [Check("config", "ok", f"{config.source}")]
    checks.append(Check("workspace", "ok", f"{workspace.name}"))
    store = which_store()
    level = {"keyring": "ok", "encrypted-file": "ok", "plaintext": "warn"}.get(store, "warn")
    checks.append(Check("credential store", level, store))
    return checks


async def _connection_checks(rows: list[dict[str, Any]], secrets: Secrets) -> list["Check"]:
    from prodops_tui.services.doctor import check_connection

    found: list[Check] = []
    for row in rows:
        found += await check_connection(row, secrets(row))
    return found


def run_doctor(options: "Options") -> list["Check"]:
    """Every check, in the order they are shown."""
    from prodops_tui.services.doctor import Check, check_outbox, check_store
    from prodops_tui.store.store import StoreError

    checks = _config_checks(options)
    try:
        store = open_store(options, read_only=True)
    except StoreError as exc:
        return [*checks, Check("database", "fail", str(exc))]
    try:
        checks += check_store(store)
        checks += check_outbox(store)
        rows = connections(store)
    finally:
        store.close()
    checks += asyncio.run(_connection_checks(rows, Secrets()))
    return checks


@click.command("doctor")
@click.pass_obj
def doctor_command(options: "Options") -> None:
    """Check the config, the database, the credential store and every connection."""
    checks = run_doctor(options)
    for check in checks:
        click.echo(_line(check))
    failed = sum(1 for c in checks if c.level == "fail")
    if failed:
        raise click.ClickException(f"{failed} check(s) failed")
