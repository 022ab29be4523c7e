"""DetailPane: the full text of the highlighted row, read in a worker."""

from collections.abc import Callable

from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Static

from prodops_tui.store.reads import ListQuery, Reader, Row

DELAY = 0.05
"""Seconds the cursor must rest on a row before its details are read."""

Render = Callable[[Row], Content]


class DetailPane(VerticalScroll):
    """Shows one row of a table in full; follows the list's cursor."""

    DEFAULT_CSS = """
    DetailPane {
        height: 40%;
        min-height: 5;
        padding: 0 1;
        border-top: hkey $panel-lighten-2;
        &:focus { border-top: hkey $primary; }
        & > Static { width: 1fr; }
    }
    """

    def __init__(self, reader: Reader, query: ListQuery, render: Render, *, id: str | None = None):
        super().__init__(id=id)
        self.reader = reader
        self.detail_query = query
        self.render_row = render
        self.seq: int | None = None
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="detail-body")

    def show(self, seq: int) -> None:
        """Follow the cursor to the row `seq` (after a short rest)."""
        self.seq = seq
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DELAY, lambda: self.load(seq))

    @work(thread=True, exclusive=True, group="detail")
    def load(self, seq: int) -> None:
        rows = self.reader.rows(self.detail_query, [seq])
        self.app.call_from_thread(self._show_row, seq, rows[0] if rows else None)

    def _show_row(self, seq: int, row: Row | None) -> None:
        if seq == self.seq:
            body = self.query_one("#detail-body", Static)
            body.update(Content("") if row is None else self.render_row(row))
            self.scroll_home(animate=False)
