"""`prodops triage`: start, resume, join, list triage sessions and print their summaries."""

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from prodops_tui.cli.sync import open_store

if TYPE_CHECKING:
    from prodops_tui.app import ProdOpsApp
    from prodops_tui.cli import Options
    from prodops_tui.services.session_state import Session
    from prodops_tui.store.store import Store


@click.command("triage")
@click.option("--view", metavar="NAME", help="Start a session over a saved Backlog view.")
@click.option("--query", metavar="TEXT", help="Start a session over a query-bar query.")
@click.option("--issues", metavar="KEYS", help="Start a session over these issues (a,b,c).")
@click.option("--name", default="", help="The session's name (default: the view's).")
@click.option("--timebox", type=int, default=45, show_default=True, help="Minutes.")
@click.option("--participants", default="", metavar="A,B", help="Who else takes part.")
@click.option("--policy", type=click.Choice(["lead", "anyone"]), default="lead", show_default=True)
@click.option("--resume", "resume_id", metavar="ID", help="Open (and resume) a session.")
@click.option("--join", "join_id", metavar="ID", help="Join a session and follow it live.")
@click.option("--list", "listing", is_flag=True, help="List the sessions.")
@click.option("--summary", "summary_id", metavar="ID", help="Print a session's summary.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Summary file.")
@click.pass_obj
def triage_command(
    options: "Options",
    view: str | None,
    query: str | None,
    issues: str | None,
    name: str,
    timebox: int,
    participants: str,
    policy: str,
    resume_id: str | None,
    join_id: str | None,
    listing: bool,
    summary_id: str | None,
    output: Path | None,
) -> None:
    """Run a timed triage session: one issue at a time, decisions logged, a summary at the end."""
    chosen = [flag for flag in (view, query, issues, resume_id, join_id, summary_id) if flag]
    if len(chosen) + listing != 1:
        raise click.UsageError(
            "give one of --view, --query, --issues, --resume, --join, --list or --summary"
        )
    if listing:
        _list(options)
    elif summary_id:
        _summary(options, summary_id, output)
    elif resume_id or join_id:
        _open_existing(options, resume_id or join_id or "")
    else:
        people = [p for p in participants.replace(" ", ",").split(",") if p]
        source = Source(view or "", query or "", issues or "")
        _start(options, source, name, timebox, people, policy)


def _actor() -> str:
    from prodops_tui.config.load import load_config

    return load_config().actor_name


def _list(options: "Options") -> None:
    from prodops_tui.services.sessions import list_sessions

    store = open_store(options, read_only=True)
    try:
        found = list_sessions(store)
    finally:
        store.close()
    if not found:
        click.echo("no triage sessions yet: start one with `prodops triage --view NAME`")
    for session in found:
        started = f"{session.started_at:%Y-%m-%d %H:%M}" if session.started_at else "?"
        click.echo(
            f"{session.id}  {session.state:<7} {started}  {session.counter():<12} "
            f"lead {session.lead}  {session.name}"
        )


def _summary(options: "Options", session_id: str, output: Path | None) -> None:
    from datetime import UTC, datetime

    from prodops_tui.services.session_summary import current_summary, write_summary
    from prodops_tui.services.sessions import get_session

    store = open_store(options, read_only=True)
    try:
        session, now = get_session(store, session_id), datetime.now(UTC)
        if output is not None:
            click.echo(f"summary written to {write_summary(store, session, now, output)}")
        else:
            click.echo(current_summary(store, session, now), nl=False)
    finally:
        store.close()


@dataclass(frozen=True)
class Source:
    """Where a new session's queue comes from: one of a saved view, a query or issue keys."""

    view: str
    query: str
    issues: str

    def queue(self, store: "Store") -> list[str]:
        from datetime import UTC, datetime

        from prodops_tui.services.sessions import queue_of_query, queue_of_view, resolve_issues

        if self.view:
            return queue_of_view(store, self.view, datetime.now(UTC))
        if self.query:
            return queue_of_query(store, self.query, datetime.now(UTC))
        return resolve_issues(store, self.issues.split(","))


def _start(
    options: "Options",
    source: Source,
    name: str,
    timebox: int,
    participants: list[str],
    policy: str,
) -> None:
    from prodops_tui.services.sessions import start_session

    store = open_store(options)
    try:
        session = start_session(
            store,
            queue=source.queue(store),
            lead=_actor(),
            name=name or source.query[:40],
            view=source.view,
            timebox_minutes=timebox,
            participants=participants,
            policy=policy,
        )
    finally:
        store.close()
    click.echo(f"session {session.id} started: {len(session.queue)} issues, {timebox} minutes")
    _run(options, session)


def _open_existing(options: "Options", session_id: str) -> None:
    from prodops_tui.services.sessions import reopen

    store = open_store(options)
    try:
        session = reopen(store, session_id, _actor())
    finally:
        store.close()
    _run(options, session)


def _run(options: "Options", session: "Session") -> None:
    from prodops_tui.cli import run_app

    workspace = options.resolve()
    run_app(workspace, options.read_only or workspace.read_only, app_class=session_app(session.id))


def session_app(session_id: str) -> "type[ProdOpsApp]":
    """The app opening on the session's screen (on top of Home)."""
    from prodops_tui import app
    from prodops_tui.screens.session import SessionScreen

    class SessionApp(app.ProdOpsApp):
        CSS_PATH = str(Path(app.__file__).with_name("app.tcss"))
        """The parent's stylesheet (a relative path would resolve next to this module)."""

        def on_mount(self) -> None:
            super().on_mount()
            self.call_later(self.push_screen, SessionScreen(self.workspace, session_id))

    return SessionApp
