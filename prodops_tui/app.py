"""ProdOpsApp: wires the workspace's read path to one mode per area, and the global keys."""

import os
from collections.abc import Callable, Mapping
from contextlib import suppress
from datetime import datetime
from functools import partial
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.signal import Signal
from textual.worker import WorkerCancelled

from prodops_tui.screens.commands import MODE_TITLES, ProdOpsCommands
from prodops_tui.screens.help import HelpScreen, KeyHelp
from prodops_tui.screens.home import HomeScreen
from prodops_tui.store.reads import Reader
from prodops_tui.widgets.activity import DATA, Activity, Watched
from prodops_tui.widgets.safe_text import safe_text
from prodops_tui.widgets.workspace import Workspace, utc_now

if TYPE_CHECKING:
    from textual.pilot import Pilot

    from prodops_tui.services.background import Cycle

MODE_ORDER = tuple(MODE_TITLES)
SIXTEEN_COLOURS = frozenset({"standard", "windows"})
"""Rich's names for terminals with the 16 ANSI colours only (TERM=xterm, the Linux console)."""
SCREENS_BY_MODE = {
    "home": "prodops_tui.screens.home:HomeScreen",
    "backlog": "prodops_tui.screens.backlog:BacklogScreen",
    "inbox": "prodops_tui.screens.inbox:InboxScreen",
    "calendar": "prodops_tui.screens.calendar:CalendarScreen",
    "tools": "prodops_tui.screens.inventory:ToolsScreen",
}
"""Screen class of each mode as "module:name": imported when the mode is first shown, so the
first frame (Home) does not pay for the list screens, their widgets and their CSS."""


def screen_class(mode: str) -> type[Screen[None]]:
    module, _, name = SCREENS_BY_MODE[mode].partition(":")
    screen: type[Screen[None]] = getattr(import_module(module), name)
    return screen


class ProdOpsApp(App[None]):
    """The prodops workspace: Home, Backlog, Inbox, Calendar and Tools over the local cache."""

    CSS_PATH = "app.tcss"
    """Also holds Home's rules: a screen's own CSS_PATH re-parses every stylesheet when the screen
    is first shown, which the first frame should not wait for (the list screens keep theirs)."""
    TITLE = "prodops"
    COMMANDS = App.COMMANDS | {ProdOpsCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        # `?` first: on an 80-column footer it stays visible; the mode keys are listed there.
        Binding("question_mark", "help", "Keys", tooltip="Keys of this screen", id="app.help"),
        *(
            Binding(f"f{n}", f"switch_mode('{mode}')", MODE_TITLES[mode], id=f"mode.{mode}")
            for n, mode in enumerate(MODE_ORDER, 2)
        ),
        Binding(
            "ctrl+r",
            "sync",
            "Sync",
            tooltip="Sync every source, then push",
            id="app.sync",
            show=False,
        ),
        Binding("ctrl+u", "push", "Push", tooltip="Send queued edits", id="app.push", show=False),
        Binding(
            "ctrl+o",
            "conflicts",
            "Conflicts",
            tooltip="Resolve edits in conflict",
            id="app.conflicts",
            show=False,
        ),  # fmt: skip
        Binding("ctrl+q", "quit", "Quit", id="app.quit"),
    ]
    SYNC_INTERVAL = 15 * 60.0
    """Seconds between background syncs (0 turns them off)."""
    WATCH_AFTER = 1.0
    """Seconds after mounting before other members' changes are watched (after the first frame)."""

    def __init__(
        self,
        url: str,
        *,
        workspace: str = "default",
        read_only: bool = False,
        clock: Callable[[], datetime] = utc_now,
        keymap: Mapping[str, str] | None = None,
        theme: str = "",
        actor: str = "",
        sync_interval: float = SYNC_INTERVAL,
        animations: bool = False,
    ) -> None:
        super().__init__()
        if not animations and "TEXTUAL_ANIMATIONS" not in os.environ:
            self.animation_level = "none"  # no smooth scrolling or blinking over slow links
        self.keymap = dict(keymap or {})
        """Binding id -> keys from the config's `[keymap]`, e.g. {"mode.backlog": "f9"}."""
        self.theme_name = theme
        self.sync_interval = sync_interval
        self.reader = Reader(url)
        changed: Signal[str] = Signal(self, "activity")
        self.activity = Activity(url, read_only=read_only, actor=actor, changed=changed)
        self.workspace = Workspace(
            self.reader, workspace, read_only, clock, self.activity, sync_interval / 60
        )
        for mode in SCREENS_BY_MODE:
            self.add_mode(mode, partial(self._make_screen, mode))
        self.sub_title = workspace
        self.first_frame_shown = False

    def on_mount(self) -> None:
        if self.keymap:
            self.set_keymap(self.keymap)
        if self.theme_name in self.available_themes:
            self.theme = self.theme_name
        elif self.theme_name:
            known = ", ".join(sorted(self.available_themes))
            self.notify(
                safe_text(f"Unknown theme {self.theme_name!r}; known themes: {known}").plain,
                title="Config",
                severity="warning",
                markup=False,
            )
        self.switch_mode("home")
        if not self.activity.read_only and self.sync_interval > 0:
            self.set_interval(self.sync_interval, partial(self.background, sync=True, quiet=True))
        self.set_timer(self.WATCH_AFTER, partial(self.activity.watch, self.post_message))

    def on_ready(self) -> None:
        """The first layout is done and its frame is next: the screen's deferred work (Home:
        counts, footer, charts) starts after that frame is drawn."""
        self.first_frame_shown = True
        drawn = getattr(self.screen, "first_frame_drawn", None)
        if callable(drawn):
            self.screen.call_after_refresh(drawn)

    def adapt_to_terminal(self) -> None:
        """Before running in a real terminal: with only 16 colours (TERM=xterm, the Linux
        console) and no theme configured, use the terminal's own palette."""
        if not self.theme_name and self.console.color_system in SIXTEEN_COLOURS:
            self.theme_name = "ansi-dark"

    def on_unmount(self) -> None:
        self.reader.close()
        self.activity.close()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if self.animation_level == "none" and hasattr(event.widget, "cursor_blink"):
            event.widget.cursor_blink = False

    @on(Watched)
    def remote_change(self, event: Watched) -> None:
        self.activity.take(event)

    def _writable(self) -> bool:
        if self.activity.read_only:
            self.notify("Read-only workspace: sync, push and edits are off", severity="warning")
        return not self.activity.read_only

    def action_sync(self) -> None:
        if self._writable():
            self.background(sync=True)

    def action_push(self) -> None:
        if self._writable():
            self.background(sync=False)

    def action_conflicts(self) -> None:
        from prodops_tui.screens.conflicts import ConflictsDialog

        if not isinstance(self.screen, ConflictsDialog):
            self.push_screen(ConflictsDialog(self.activity))

    def background(self, *, sync: bool, quiet: bool = False) -> None:
        """Start a sync-then-push (or push-only) cycle unless one is running."""
        if any(w.group == "sync" and not w.is_finished for w in self.workers):
            if not quiet:
                self.notify("Already syncing", severity="warning")
            return
        self.run_cycle(sync, quiet)

    @work(thread=True, group="sync")
    def run_cycle(self, sync: bool, quiet: bool) -> None:
        """One cycle on this thread's own event loop: HTTP and parsing never block the UI."""
        import asyncio

        from prodops_tui.services.background import run_cycle
        from prodops_tui.store.errors import StoreError

        def status(kind: str, state: str, error: str) -> None:
            self.call_from_thread(self.activity.set_state, kind, state, error)

        try:
            cycle = asyncio.run(run_cycle(self.activity.store(), status, sync=sync))
        except StoreError as error:
            self.call_from_thread(self.notify, safe_text(str(error)).plain, severity="error")
            return
        self.call_from_thread(self._cycle_done, cycle, sync, quiet)

    def _cycle_done(self, cycle: "Cycle", synced: bool, quiet: bool) -> None:
        if cycle.changed:
            self.activity.changed.publish(DATA)
        pushed = cycle.pushed
        if pushed is not None and pushed.conflicts:
            note = f"{pushed.conflicts} edit(s) in conflict: ctrl+o to resolve"
            self.notify(note, severity="warning")
        if quiet:
            return
        done = pushed.done if pushed else 0
        what = "Synced" if synced else "Pushed"
        changed = sum(r.changed for r in cycle.synced)
        line = (
            f"{what}: {changed:,} rows changed, {done} edit(s) sent"
            if synced
            else f"{what} {done} edit(s)"
        )
        problems = len(cycle.problems) + sum(not r.ok for r in cycle.synced)
        self.notify(line + (f", {problems} source(s) failed" if problems else ""))

    def _make_screen(self, mode: str) -> Screen[None]:
        factory: Callable[[Workspace], Screen[None]] = screen_class(mode)
        return factory(self.workspace)

    @on(HomeScreen.Counted)
    def home_complete(self) -> None:
        self.import_list_screens()

    @work(thread=True, exclusive=True, group="prewarm")
    def import_list_screens(self) -> None:
        """Once Home is complete, import the other screens in the background (first switch)."""
        for mode in MODE_ORDER:
            screen_class(mode)

    def _step_mode(self, step: int) -> None:
        index = MODE_ORDER.index(self.current_mode) if self.current_mode in MODE_ORDER else 0
        self.switch_mode(MODE_ORDER[(index + step) % len(MODE_ORDER)])

    def action_next_mode(self) -> None:
        self._step_mode(1)

    def action_previous_mode(self) -> None:
        self._step_mode(-1)

    def action_toggle_dark(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"

    def action_sort_next(self) -> None:
        from prodops_tui.widgets.paged_table import PagedTable

        for table in self.screen.query(PagedTable):
            table.action_cycle_sort()

    def action_sort_reverse(self) -> None:
        from prodops_tui.widgets.paged_table import PagedTable

        for table in self.screen.query(PagedTable):
            table.action_flip_sort()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            title = MODE_TITLES.get(self.current_mode, self.current_mode)
            self.push_screen(HelpScreen(title, self.key_help()))

    def key_help(self) -> list[KeyHelp]:
        """Every action reachable from the focused widget up to the app, keys merged per action."""
        merged: dict[tuple[str, str], list[str]] = {}
        for key, active in self.active_bindings.items():
            binding = active.binding
            if binding.description:
                slot = (binding.description, binding.id or binding.action)
                merged.setdefault(slot, []).append(self.get_key_display(binding) or key)
        return [
            KeyHelp(" ".join(dict.fromkeys(keys)), description, binding_id)
            for (description, binding_id), keys in merged.items()
        ]


async def settle(pilot: "Pilot[None]") -> None:
    """Return once no worker is left, including workers started by workers."""
    while pilot.app.workers:
        # A cancelled worker was replaced by a newer one of its group: the loop waits for it.
        with suppress(WorkerCancelled):
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def save_screens(url: str, out_dir: Path, size: tuple[int, int] = (120, 36)) -> list[Path]:
    """Run the app headless and write `<out_dir>/<mode>.svg` for every mode."""
    out_dir.mkdir(parents=True, exist_ok=True)
    app = ProdOpsApp(url, workspace="demo")
    paths: list[Path] = []
    async with app.run_test(size=size) as pilot:
        for mode in MODE_ORDER:
            await app.switch_mode(mode)
            await settle(pilot)
            await pilot.pause()
            await settle(pilot)
            saved = app.save_screenshot(filename=f"{mode}.svg", path=str(out_dir))
            paths.append(Path(saved))
    return paths
