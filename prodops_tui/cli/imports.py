"""`prodops import ...`: bring data into the workspace from files (`import feedback FILE.csv`,
`import tools FILE.csv`)."""

from pathlib import Path
from typing import TYPE_CHECKING

import click

from prodops_tui.cli.sync import open_store

if TYPE_CHECKING:
    from prodops_tui.cli import Options
    from prodops_tui.services.tool_csv import ImportReport as ToolsReport

KINDS = ("nps", "csat", "import")


@click.group("import")
def import_command() -> None:
    """Import data from files into the workspace."""


@import_command.command("feedback")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--map",
    "pairs",
    multiple=True,
    metavar="CSVCOL=FIELD",
    help="Which column fills which field (repeatable); others are matched by name.",
)
@click.option("--dry-run", is_flag=True, help="Check and preview; write nothing.")
@click.option("--kind", type=click.Choice(KINDS), default="import", show_default=True)
@click.option("--encoding", default="utf-8-sig", show_default=True, help="The file's encoding.")
@click.pass_obj
def import_feedback_command(
    options: "Options", file: Path, pairs: tuple[str, ...], dry_run: bool, kind: str, encoding: str
) -> None:
    """Import feedback rows from a CSV file; importing the same file again adds nothing."""
    from prodops_tui.config.load import load_config
    from prodops_tui.services.feedback_import import (
        CsvProblem,
        import_feedback,
        parse_pairs,
        report_lines,
    )
    from prodops_tui.widgets.safe_text import safe_value

    try:
        mapping = parse_pairs(pairs)
        store = open_store(options)
        try:
            actor = load_config().actor_name
            report = import_feedback(
                store,
                file,
                kind=kind,
                mapping=mapping,
                dry_run=dry_run,
                actor=actor,
                encoding=encoding,
            )
        finally:
            store.close()
    except (CsvProblem, LookupError) as exc:
        raise click.ClickException(str(exc)) from None
    for line in report_lines(report):
        click.echo(safe_value(line).plain)


def _print_tools_report(report: "ToolsReport") -> None:
    if report.unknown_columns:
        names = ", ".join(report.unknown_columns)
        click.echo(f"ignored unknown column(s): {names}", err=True)
    for line, message in report.warnings:
        click.echo(f"line {line}: warning: {message}", err=True)
    for line, message in report.rejected:
        click.echo(f"line {line}: rejected: {message}", err=True)
    verb = "would add" if report.dry_run else "added"
    click.echo(
        f"{verb} {report.added}, updated {report.updated}, unchanged {report.unchanged}, "
        f"rejected {len(report.rejected)}" + (" (dry run: nothing saved)" if report.dry_run else "")
    )


@import_command.command("tools")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and report, save nothing.")
@click.pass_obj
def import_tools_command(options: "Options", file: Path, dry_run: bool) -> None:
    """Add or update tools from a CSV file with the columns `prodops export tools` writes
    (id, name, category, owner, seats_bought, seats_used, monthly_cost, renewal_date,
    connection_id, status, notes). Rows match stored tools by id, else by name."""
    from datetime import date

    from prodops_tui.services.tool_csv import import_tools
    from prodops_tui.services.tools import ToolError

    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise click.ClickException(f"{file} is not UTF-8 text") from None
    store = open_store(options)
    try:
        actor = options.config.actor_name
        report = import_tools(store, text, actor, date.today(), dry_run=dry_run)
    except ToolError as exc:
        raise click.ClickException(f"{file}: {exc}") from None
    finally:
        store.close()
    _print_tools_report(report)
    if report.rejected:
        rest = "nothing was saved" if dry_run else "the rest were saved"
        raise click.ClickException(f"{len(report.rejected)} row(s) rejected; {rest}")
