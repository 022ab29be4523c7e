"""The digest from the command palette: written under the data folder, off the UI thread."""

from collections.abc import Callable
from functools import partial

from textual.app import App
from textual.screen import Screen

from prodops_tui.widgets.safe_text import safe_text
from prodops_tui.widgets.workspace import Workspace

Command = tuple[str, str, Callable[[], object]]
SINCE = "7d"
FORMATS = {"md": "Markdown", "html": "HTML"}


def digest_commands(screen: Screen[object]) -> list[Command]:
    """ "Write digest" in both formats, on screens that know their workspace."""
    workspace = getattr(screen, "workspace", None)
    if not isinstance(workspace, Workspace):
        return []
    return [
        (
            f"Write digest ({name})",
            f"The last {SINCE} for leadership, saved as {name} in the prodops data folder",
            partial(start_digest, screen.app, workspace, fmt),
        )
        for fmt, name in FORMATS.items()
    ]


def start_digest(app: App[object], workspace: Workspace, fmt: str) -> None:
    app.notify(f"Writing the {FORMATS[fmt]} digest…")
    app.run_worker(
        partial(write_digest, app, workspace, fmt), thread=True, group="digest", exclusive=True
    )


def write_digest(app: App[object], workspace: Workspace, fmt: str) -> None:
    """Gather, render and save the digest; say where it went, or why it could not."""
    from prodops_tui.config.paths import data_dir
    from prodops_tui.services.digest_render import save_digest
    from prodops_tui.store.errors import StoreError

    try:
        path = save_digest(
            workspace.reader,
            data_dir() / "reports",
            now=workspace.clock(),
            since=SINCE,
            fmt=fmt,
            workspace=workspace.name,
        )
    except (StoreError, OSError) as exc:
        line = safe_text(f"Digest not written: {exc}").plain
        app.call_from_thread(app.notify, line, severity="error", markup=False)
        return
    line = safe_text(f"Digest written to {path}").plain
    app.call_from_thread(app.notify, line, markup=False, timeout=10)
