"""The `prodops` command line; opening a ready workspace skips loading click and the commands."""

import sys
from typing import TYPE_CHECKING, Any

from prodops_tui.config.load import Config, ConfigError, Workspace, load_config

if TYPE_CHECKING:
    from prodops_tui.app import ProdOpsApp
    from prodops_tui.cli.commands import Options, cli

__all__ = ["Options", "cli", "main", "run_app"]


def run_app(
    workspace: Workspace,
    read_only: bool,
    config: Config | None = None,
    app_class: "type[ProdOpsApp] | None" = None,
) -> None:
    """Run the TUI (`app_class`, e.g. one opening a triage session) on a ready workspace."""
    from prodops_tui.app import ProdOpsApp

    config = config or load_config()
    app = (app_class or ProdOpsApp)(
        workspace.url,
        workspace=workspace.name,
        read_only=read_only,
        keymap=config.keymap,
        theme=config.theme,
        actor=config.actor_name,
        sync_interval=config.sync_minutes * 60,
        animations=config.animations,
    )
    app.adapt_to_terminal()
    app.run(mouse=config.mouse)


def _plain_open_arguments(argv: list[str]) -> tuple[str | None, bool] | None:
    """(workspace, read_only) when argv only opens a workspace; None for anything else."""
    workspace: str | None = None
    read_only = False
    rest = list(argv)
    while rest:
        token = rest.pop(0)
        if token == "--read-only":
            read_only = True
        elif token in ("--workspace", "-w") and rest and not rest[0].startswith("-"):
            workspace = rest.pop(0)
        elif token.startswith("--workspace=") and len(token) > len("--workspace="):
            workspace = token.split("=", 1)[1]
        else:
            return None
    return workspace, read_only


def _open_if_ready(workspace_name: str | None, read_only: bool) -> bool:
    """Open a SQLite workspace already at the newest schema; False sends the caller to click."""
    from prodops_tui.store.probe import is_current_sqlite

    try:
        config = load_config()
        workspace = config.workspace(workspace_name)
    except ConfigError:
        return False  # the full command line reports it in its own words
    if not is_current_sqlite(workspace.url):
        return False
    run_app(workspace, read_only or workspace.read_only, config)
    return True


def main() -> None:
    plain = _plain_open_arguments(sys.argv[1:])
    if plain is not None and _open_if_ready(*plain):
        return
    from prodops_tui.cli.commands import cli

    cli(prog_name="prodops")


def __getattr__(name: str) -> Any:
    if name in ("cli", "Options"):
        from prodops_tui.cli import commands

        return getattr(commands, name)
    raise AttributeError(name)
