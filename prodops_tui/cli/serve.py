"""`prodops serve`: the app in a browser through textual-serve, read-only unless asked."""

import ipaddress
import shlex
import socket
import sys

import click

from prodops_tui.cli.commands import Options

LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


def app_command(workspace: str, *, allow_edits: bool) -> str:
    """The shell command textual-serve runs for each browser tab."""
    args = [sys.executable, "-m", "prodops_tui", "--workspace", workspace]
    if not allow_edits:
        args.append("--read-only")
    return shlex.join(args)


def is_loopback(host: str) -> bool:
    if host in LOOPBACK:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_port(host: str, port: int) -> None:
    """Fail now, in one line, if the address cannot be bound (in use, or not ours)."""
    try:
        with socket.create_server((host, port)):
            pass
    except OSError as exc:
        reason = "in use" if exc.errno in (98, 48) else exc.strerror or str(exc)
        raise click.ClickException(
            f"cannot serve on {host}:{port}: {reason}; choose another with --port"
        ) from None


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--allow-edits", is_flag=True, help="Let browser users sync and edit.")
@click.pass_obj
def serve_command(options: Options, host: str, port: int, allow_edits: bool) -> None:
    """Open the workspace in a browser: each tab runs its own app, read-only by default."""
    from textual_serve.server import Server

    workspace = options.resolve()
    read_only = options.read_only or workspace.read_only or not allow_edits
    if not is_loopback(host):
        click.echo(
            f"Warning: serving on {host}, not loopback: anyone who reaches this port sees the "
            "workspace (no login). Prefer 127.0.0.1 behind an SSH tunnel or a proxy with auth.",
            err=True,
        )
    check_port(host, port)
    command = app_command(workspace.name, allow_edits=not read_only)
    mode = "read-only" if read_only else "edits allowed"
    click.echo(f"Serving workspace {workspace.name!r} ({mode}) on http://{host}:{port}")
    Server(command, host=host, port=port, title=f"prodops · {workspace.name}").serve()
