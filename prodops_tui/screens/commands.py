"""The app's own commands for the command palette (ctrl+p)."""

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from prodops_tui.screens.digest_command import digest_commands

Command = tuple[str, str, Callable[[], object]]
"""Title, help text and what to run."""

MODE_TITLES = {
    "home": "Home",
    "backlog": "Backlog",
    "inbox": "Inbox",
    "calendar": "Calendar",
    "tools": "Tools",
}


class ProdOpsCommands(Provider):
    """Switch screen, filter and sort the list, change theme, show keys, quit."""

    def commands(self) -> list[Command]:
        app = self.app
        run = app.run_action
        found: list[Command] = [
            (f"Go to {title}", f"Switch to the {title} screen", partial(app.switch_mode, mode))
            for mode, title in MODE_TITLES.items()
        ]
        screen = self.screen
        if screen.check_action("filter", ()) and hasattr(screen, "action_filter"):
            found.append(
                ("Filter list", "Filter the list as you type", partial(run, "screen.filter"))
            )
        if hasattr(screen, "table"):
            found += [
                ("Sort by next column", "Cycle the sort column", partial(run, "sort_next")),
                ("Reverse sort", "Flip the sort direction", partial(run, "sort_reverse")),
            ]
        found += [
            ("Sync now", "Sync every source, then push queued edits", partial(run, "sync")),
            ("Push edits", "Send queued edits to their services", partial(run, "push")),
            ("Show conflicts", "Re-apply or discard edits in conflict", partial(run, "conflicts")),
            (
                "Toggle dark mode",
                "Switch between dark and light themes",
                partial(run, "toggle_dark"),
            ),
            *digest_commands(screen),
            ("Show keys", "List the keys of this screen", partial(run, "help")),
            ("Quit", "Leave prodops", partial(run, "quit")),
        ]
        return found

    async def discover(self) -> Hits:
        for title, help_text, callback in self.commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self.commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
