"""`prodops report [--since 7d] [--format md|html] [--output FILE]`: the product-ops digest."""

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from prodops_tui.cli.export import OUTPUT, open_workspace, output_to

if TYPE_CHECKING:
    from prodops_tui.cli import Options


def _since(ctx: click.Context, param: click.Parameter, value: str) -> str:
    from prodops_tui.services.digest import parse_since

    try:
        parse_since(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc).removeprefix(f"--since {value!r}: ")) from None
    return value


@click.command("report")
@click.option(
    "--since",
    default="7d",
    show_default=True,
    callback=_since,
    help="The period: a number of hours, days or weeks (48h, 7d, 2w).",
)
@click.option("--format", "fmt", type=click.Choice(("md", "html")), default="md", show_default=True)
@OUTPUT
@click.pass_obj
def report_command(options: "Options", since: str, fmt: str, output: Path | None) -> None:
    """The product-ops digest for leadership: triage, requests, sentiment, adoption,
    experiments, tools and connector health over the period."""
    workspace = options.resolve()
    open_workspace(options).close()  # a missing or outdated workspace fails here, clearly
    from prodops_tui.services.digest_render import digest_text
    from prodops_tui.store.reads import Reader

    reader = Reader(workspace.url)
    try:
        now = datetime.now(UTC)
        text = digest_text(reader, now=now, since=since, fmt=fmt, workspace=workspace.name)
    finally:
        reader.close()
    with output_to(output) as out:
        out.write(text)
    if output is not None:
        click.echo(f"{fmt} digest written to {output}", err=True)
