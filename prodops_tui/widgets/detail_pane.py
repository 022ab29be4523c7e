"""DetailPane: the full text of the highlighted row, read in a worker."""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Markdown, Static

from prodops_tui.store.errors import StoreError
from prodops_tui.store.reads import ListQuery, Reader, Row
from prodops_tui.widgets.safe_text import safe_markdown

DELAY = 0.05
"""Seconds the cursor must rest on a row before its details are read."""
WEB_SCHEMES = frozenset({"http", "https"})
"""The only links a click on remote Markdown may open (in the browser)."""


@dataclass(frozen=True)
class Detail:
    """Facts shown as literal text, then a remote Markdown body."""

    facts: Content
    markdown: str


Render = Callable[[Row], Content | Detail]


class DetailPane(VerticalScroll):
    """Shows one row of a table in full; follows the list's cursor."""

    @dataclass
    class Shown(Message):
        """A row is on show: screens may add more about it (`show_extra`)."""

        seq: int
        row: Row | None

    DEFAULT_CSS = """
    DetailPane {
        height: 40%;
        min-height: 5;
        padding: 0 1;
        border-top: hkey $panel-lighten-2;
        &:focus { border-top: hkey $primary; }
        & > Static { width: 1fr; }
        & > Markdown { display: none; padding: 0; margin: 1 0 0 0; background: transparent; }
        & > Markdown.-shown { display: block; }
        & > #detail-extra { margin: 1 0 0 0; }
    }
    """

    def __init__(self, reader: Reader, query: ListQuery, render: Render, *, id: str | None = None):
        super().__init__(id=id)
        self.reader = reader
        self.detail_query = query
        self.render_row = render
        self.seq: int | None = None
        self._timer: Timer | None = None
        self._markdown_lock = asyncio.Lock()

    def compose(self) -> ComposeResult:
        yield Static("", id="detail-body")
        yield Markdown(id="detail-markdown", open_links=False)
        yield Static("", id="detail-extra")

    def show_extra(self, seq: int, extra: Content) -> None:
        """Add what the screen read about the row beside it (ignored once the cursor moved, or
        when the read lands while the pane is being taken down)."""
        place = self.query("#detail-extra")
        if seq == self.seq and place:
            place.first(Static).update(extra)

    def show(self, seq: int) -> None:
        """Follow the cursor to the row `seq` (after a short rest)."""
        self.seq = seq
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DELAY, self.load_now)

    def load_now(self) -> None:
        """Read the row waiting for the cursor to rest now (e.g. the pane was just opened)."""
        if self._timer is None or self.seq is None:
            return
        self._timer.stop()
        self._timer = None
        if self.reader.dialect != "sqlite":
            self.load(self.seq)  # a network round trip stays off the UI thread
            return
        # One row by its key from a local file takes well under a millisecond here; a worker
        # waited for the GIL behind the list's reads (as Home's first counts did).
        try:
            rows = self.reader.rows(self.detail_query, [self.seq])
        except StoreError:
            self.load(self.seq)  # the worker reports it the way every read does
            return
        self._show_row(self.seq, rows[0] if rows else None)

    @work(thread=True, exclusive=True, group="detail")
    def load(self, seq: int) -> None:
        rows = self.reader.rows(self.detail_query, [seq])
        self.app.call_from_thread(self._show_row, seq, rows[0] if rows else None)

    def _show_row(self, seq: int, row: Row | None) -> None:
        if seq != self.seq:
            return
        shown = self.render_row(row) if row is not None else Content("")
        detail = shown if isinstance(shown, Detail) else Detail(shown, "")
        self.query_one("#detail-body", Static).update(detail.facts)
        self.query_one("#detail-extra", Static).update("")
        self.post_message(self.Shown(seq, row))
        self._show_markdown(seq, detail.markdown)
        self.scroll_home(animate=False)

    @work(group="detail-markdown")
    async def _show_markdown(self, seq: int, markdown: str) -> None:
        # Two Markdown.update calls must not overlap (both would keep their blocks): one at a
        # time, and a body the cursor has already left is skipped.
        async with self._markdown_lock:
            if seq == self.seq:
                body = self.query_one("#detail-markdown", Markdown)
                body.set_class(bool(markdown.strip()), "-shown")
                await body.update(safe_markdown(markdown))

    @on(Markdown.LinkClicked)
    def open_web_link(self, event: Markdown.LinkClicked) -> None:
        """Links in remote text open in the browser if they are web links; others do nothing."""
        event.stop()
        if urlsplit(event.href).scheme.lower() in WEB_SCHEMES:
            self.app.open_url(event.href)
