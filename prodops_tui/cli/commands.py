"""The click commands of `prodops`: build objects, then run the app or a headless command."""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import click

from prodops_tui.cli import run_app as _run_app
from prodops_tui.config.load import Config, ConfigError, Workspace, load_config

SIZES = ("tiny", "small", "medium", "large")


@dataclass
class Options:
    """What the top-level flags chose."""

    workspace: str | None
    read_only: bool
    _config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config()
        return self._config

    def resolve(self) -> Workspace:
        return self.config.workspace(self.workspace)


class _OneLineErrors(click.Group):
    """Turns the errors a user can cause into one line and a non-zero exit."""

    def invoke(self, ctx: click.Context) -> Any:
        from prodops_tui.store.errors import StoreError

        try:
            return super().invoke(ctx)
        except (ConfigError, StoreError) as exc:
            raise click.ClickException(str(exc)) from None
        except OSError as exc:
            where = f": {exc.filename}" if exc.filename else ""
            raise click.ClickException(f"{exc.strerror or exc}{where}") from None


@click.group(cls=_OneLineErrors, invoke_without_command=True)
@click.option("--workspace", "-w", metavar="NAME", help="Workspace to open (see `workspaces`).")
@click.option("--read-only", is_flag=True, help="Open without changing anything.")
@click.version_option(package_name="prodops-tui", prog_name="prodops")
@click.pass_context
def cli(ctx: click.Context, workspace: str | None, read_only: bool) -> None:
    """A keyboard-first workspace for product managers and product-ops leads.

    Run without a command to open the workspace.
    """
    ctx.obj = Options(workspace, read_only)
    if ctx.invoked_subcommand is None:
        _open(ctx.obj)


def _open(options: Options) -> None:
    from prodops_tui.store.probe import is_current_sqlite

    workspace = options.resolve()
    read_only = options.read_only or workspace.read_only
    if workspace.url.startswith("sqlite:///") and not Path(workspace.url[10:]).exists():
        _offer_demo(workspace)
        return
    if not is_current_sqlite(workspace.url):
        _open_store(workspace.url, read_only=read_only, create=False)
    _run_app(workspace, read_only)


def _offer_demo(workspace: Workspace) -> None:
    hint = "run `prodops demo` to try a generated company, or set a workspace url in the config"
    if not sys.stdin.isatty():
        raise click.ClickException(f"workspace {workspace.name!r} is empty: {hint}")
    if click.confirm(f"Workspace {workspace.name!r} has no data yet. Open the demo instead?"):
        _run_demo("small", seed=7, fresh=False)
    else:
        click.echo(f"Nothing opened: {hint}.")


def _open_store(url: str, *, read_only: bool, create: bool) -> None:
    from prodops_tui.store.store import Store

    Store.open(url, read_only=read_only, create=create).close()


@cli.command()
@click.option("--size", type=click.Choice(SIZES), default="small", show_default=True)
@click.option("--seed", type=int, default=7, show_default=True, help="Generator seed.")
@click.option("--fresh", is_flag=True, help="Rebuild the demo workspace from scratch.")
def demo(size: str, seed: int, fresh: bool) -> None:
    """Open the app on a generated demo company."""
    _run_demo(size, seed=seed, fresh=fresh)


def _run_demo(size: str, *, seed: int, fresh: bool) -> None:
    """Start the fakes, fill (or refresh) the demo workspace through sync, open the app."""
    from prodops_tui.cli.build import FAKE_SETTINGS, build_synced_demo, refresh_demo
    from prodops_tui.fakes.serve import start_fakes
    from prodops_tui.services.generator import generate

    workspace = load_config().workspace(f"demo-{size}")
    path = Path(workspace.url[len("sqlite:///") :])
    company = generate(size, seed)
    with start_fakes(company, settings=FAKE_SETTINGS) as fakes, _demo_tokens(fakes.tokens):
        if fresh or not path.exists():
            build_synced_demo(path, company, fakes)
        else:
            for report in refresh_demo(workspace.url, company, fakes):
                for stream in report.streams:
                    if stream.error:
                        click.echo(f"{report.connection_id} {stream.stream}: {stream.error}")
        _run_app(workspace, read_only=False)


@contextmanager
def _demo_tokens(tokens: dict[str, str]) -> Iterator[None]:
    """The fakes' tokens as PRODOPS_<KIND>_TOKEN for this process only, never on disk."""
    names = {f"PRODOPS_{kind.upper()}_TOKEN": token for kind, token in tokens.items()}
    saved = {name: os.environ.get(name) for name in names}
    os.environ.update(names)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@cli.command()
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("screens"),
    show_default=True,
)
@click.option("--width", type=click.IntRange(60, 400), default=120, show_default=True)
@click.option("--height", type=click.IntRange(20, 200), default=36, show_default=True)
def screenshots(output: Path, width: int, height: int) -> None:
    """Write screens/<screen>.svg for each screen of the demo workspace."""
    import asyncio
    import tempfile

    from prodops_tui.app import save_screens
    from prodops_tui.cli.build import build_demo_workspace

    with tempfile.TemporaryDirectory(prefix="prodops-shots-") as scratch:
        path = Path(scratch) / "demo.db"
        build_demo_workspace(path, size="tiny", seed=7, today=date(2026, 11, 27), quiet=True)
        written = asyncio.run(save_screens(f"sqlite:///{path}", output, size=(width, height)))
    for shot in written:
        click.echo(str(shot))


@cli.command()
@click.pass_obj
def workspaces(options: Options) -> None:
    """List the configured workspaces and where their data lives."""
    config = options.config
    names = sorted({"default", *config.workspaces})
    for name in names:
        workspace = config.workspace(name)
        marker = "*" if name == config.default_workspace else " "
        badge = "  (read-only)" if workspace.read_only else ""
        click.echo(f"{marker} {name:<16} {_masked(workspace.url)}{badge}")
    click.echo(f"config: {config.source}")


def _masked(url: str) -> str:
    from prodops_tui.store.errors import mask_url

    return mask_url(url)


def _register() -> None:
    from prodops_tui.cli.connect import connect_command
    from prodops_tui.cli.doctor import doctor_command
    from prodops_tui.cli.export import export_command
    from prodops_tui.cli.imports import import_command
    from prodops_tui.cli.outbox import outbox_command
    from prodops_tui.cli.push import push_command
    from prodops_tui.cli.report import report_command
    from prodops_tui.cli.serve import serve_command
    from prodops_tui.cli.sync import sync_command
    from prodops_tui.cli.team import init_team_command
    from prodops_tui.cli.triage import triage_command

    commands = (connect_command, sync_command, push_command, outbox_command, doctor_command)
    more = (import_command, triage_command, init_team_command, serve_command)
    for command in (*commands, *more, report_command, export_command):
        cli.add_command(command)


_register()
