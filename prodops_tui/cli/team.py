"""`prodops init-team --url postgresql://… [--name team]`: make (or join) a team workspace."""

import re

import click

from prodops_tui.cli.commands import Options

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
PASSWORD_IN_URL = re.compile(r"://[^/@:]*:[^/@]+@")


@click.command("init-team")
@click.option("--url", required=True, metavar="postgresql://…", help="The shared database.")
@click.option("--name", default="team", show_default=True, help="Workspace name in your config.")
@click.pass_obj
def init_team_command(options: Options, url: str, name: str) -> None:
    """Create or join a team workspace on PostgreSQL: migrate it, then add it to your config.

    Every member runs it once with the same URL, then opens `prodops --workspace NAME`.
    """
    from prodops_tui.config.write import add_workspace
    from prodops_tui.store.engine import dialect_of
    from prodops_tui.store.errors import mask_url
    from prodops_tui.store.store import Store

    if not NAME.match(name):
        raise click.BadParameter("use letters, digits, . _ - (up to 64)", param_hint="--name")
    if dialect_of(url) != "postgresql":
        raise click.BadParameter(
            "a team workspace needs a postgresql:// URL (a SQLite file is for one machine)",
            param_hint="--url",
        )
    Store.open(url, create=True).close()  # migrates under an advisory lock; says what is wrong
    source = options.config.source
    added = add_workspace(source, name, url)
    state = "added to" if added else "already in"
    click.echo(f"Team workspace {name!r} at {mask_url(url)} is ready; {state} {source}.")
    if PASSWORD_IN_URL.search(url):
        click.echo(
            "Note: the password is kept in the config (readable by you only); "
            "~/.pgpass or PGPASSWORD keep it out of the file.",
            err=True,
        )
    click.echo(f"Open it with: prodops --workspace {name}")
    click.echo(f"Other members: prodops init-team --url '{mask_url(url)}' --name {name}")
