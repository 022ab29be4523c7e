"""`prodops export issues|feedback|experiments|tools|decisions --format csv|json [--view NAME]
[--output FILE]`: the workspace's rows streamed out, and the file helper `report` shares."""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click

if TYPE_CHECKING:
    from prodops_tui.cli import Options
    from prodops_tui.services.export import Filter
    from prodops_tui.store.store import Store

KINDS = ("issues", "feedback", "experiments", "tools", "decisions")
OUTPUT = click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    help="Write to FILE instead of standard output.",
)


@contextmanager
def output_to(path: Path | None) -> Iterator[TextIO]:
    """Standard output, or `path` written whole or not at all (a temporary file beside it is
    renamed over it once everything was written). OSError when it cannot be written."""
    if path is None:
        yield sys.stdout
        return
    if path.is_dir():
        raise click.ClickException(f"{path} is a directory: give a file name")
    partial = path.with_name(f".{path.name}.partial")
    try:
        out = partial.open("w", encoding="utf-8", newline="")
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with out:
            yield out
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def open_workspace(options: "Options") -> "Store":
    """The workspace for reading; a clear error when it does not exist yet."""
    from prodops_tui.store.store import Store

    url = options.resolve().url
    return Store.open(url, read_only=options.read_only, create=False)


def view_filter(store: "Store", kind: str, view: str) -> "Filter":
    """The saved view's query as a condition, or a one-line ClickException."""
    from datetime import UTC, datetime

    from prodops_tui.services.export import saved_view_filter
    from prodops_tui.services.query import QueryError

    try:
        return saved_view_filter(store, kind, view, datetime.now(UTC))
    except QueryError as exc:
        raise click.ClickException(f"view {view!r}: {exc}") from None
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None


@click.command("export")
@click.argument("kind", type=click.Choice(KINDS))
@click.option(
    "--format", "fmt", type=click.Choice(("csv", "json")), default="csv", show_default=True
)
@click.option("--view", metavar="NAME", help="Only the rows of this saved view (issues, feedback).")
@OUTPUT
@click.pass_obj
def export_command(
    options: "Options", kind: str, fmt: str, view: str | None, output: Path | None
) -> None:
    """Write every row of KIND as CSV or JSON: stable columns, ISO dates, constant memory."""
    from prodops_tui.services.export import export

    store = open_workspace(options)
    try:
        where = view_filter(store, kind, view) if view else None
        with output_to(output) as out:
            written = export(store, kind, fmt, out, where)
    finally:
        store.close()
    if output is not None:
        click.echo(f"{written:,} {kind} written to {output}", err=True)
