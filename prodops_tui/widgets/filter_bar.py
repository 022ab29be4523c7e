"""FilterBar: `/` filter-as-you-type over the list below it, searched by the store."""

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label
from textual.worker import get_current_worker

from prodops_tui.store.reads import ListQuery, ReadCancelled, Reader

MIN_CHARS = 2
COUNT_DELAY = 0.05
"""Seconds a count waits before it starts: a key typed meanwhile replaces it unread. The list
itself is asked on every key at once (the table drops stale results)."""


def open_line(line: Widget) -> None:
    """Show an input line and focus its Input now, so the keys typed right after the key that
    opened it (`/`, `:`) land in it."""
    # Inline display and Screen.set_focus apply at once; a CSS class or Widget.focus() would
    # wait for the next idle and let a burst of keys (a paste, tmux send-keys) hit the table.
    line.display = True
    line.screen.set_focus(line.query_one(Input))


class FilterBar(Horizontal):
    """A search line that narrows the list as you type and shows how many rows match."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "clear", "Clear filter", id="filter.clear"),
    ]
    DEFAULT_CSS = """
    FilterBar {
        height: 1;
        display: none;
        background: $boost;
        & > Input { border: none; height: 1; width: 1fr; padding: 0 1; background: $boost; }
        & > #filter-count { width: auto; min-width: 14; padding: 0 1; color: $text-muted; }
    }
    """

    class SearchChanged(Message):
        """The text to search for changed ("" = no search)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Done(Message):
        """The user left the filter line (Enter keeps the filter, Escape clears it)."""

    def __init__(self, reader: Reader, *, hint: str = "Filter", id: str | None = None) -> None:
        super().__init__(id=id)
        self.reader = reader
        self.hint = hint
        self._sent = ""
        self._exact = ""
        """The search whose exact count is on show."""

    def compose(self) -> ComposeResult:
        yield Input(placeholder=self.hint, compact=True)
        yield Label("", id="filter-count")

    @property
    def counted(self) -> str:
        """The search whose exact count is on show ("" = none)."""
        return self._exact

    @property
    def text(self) -> str:
        return self.query_one(Input).value

    def open(self) -> None:
        open_line(self)

    def close(self) -> None:
        self.display = False

    def action_clear(self) -> None:
        self.query_one(Input).value = ""
        self._send("")
        self.close()
        self.post_message(self.Done())

    @on(Input.Changed)
    def search_typed(self, event: Input.Changed) -> None:
        event.stop()
        self._send_typed()

    @on(Input.Submitted)
    def keep_search(self, event: Input.Submitted) -> None:
        event.stop()
        self._send_typed()
        if not self.text:
            self.close()
        self.post_message(self.Done())

    def _send_typed(self) -> None:
        text = self.text.strip()
        self._send(text if len(text) >= MIN_CHARS else "")

    def _send(self, text: str) -> None:
        if text != self._sent:
            self._sent, self._exact = text, ""
            self.query_one("#filter-count", Label).update("")
            self.post_message(self.SearchChanged(text))

    @work(thread=True, exclusive=True, group="filter-count")
    def count_matches(self, query: ListQuery) -> None:
        """Show the exact number of matches (the list itself is capped at the newest N)."""
        worker = get_current_worker()

        def needless() -> bool:  # a newer search, or the list's size already is the count
            return worker.is_cancelled or query.search != self._sent or self._exact == query.search

        if worker.cancelled_event.wait(COUNT_DELAY) or needless():
            return
        try:
            total = self.reader.count(query, cancelled=needless)
        except ReadCancelled:
            return
        self.app.call_from_thread(self._show_count, query.search, total)

    def show_total(self, search: str, total: int, cap: int) -> None:
        """The list's length arrived. Below `cap` (the newest matches a search lists) it is
        the exact count and the count query is dropped; at the cap it is only a lower bound,
        shown as one until the exact count replaces it."""
        if not search or search != self._sent:
            return
        if total < cap:
            self._show_count(search, total)  # a count still running stops (it reads _exact)
        elif self._exact != search:
            label = self.query_one("#filter-count", Label)
            label.update(Content(f"{cap:,}+ matches, counting…"))

    def _show_count(self, search: str, total: int) -> None:
        if search == self._sent:
            self._exact = search
            noun = "match" if total == 1 else "matches"
            self.query_one("#filter-count", Label).update(Content(f"{total:,} {noun}"))
