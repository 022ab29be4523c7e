"""QueryBar: `:` query line (fields, AND/OR/NOT, sort) checked as you type, applied on Enter."""

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Label

from prodops_tui.services.query import ParsedQuery, QueryError, field_names, parse
from prodops_tui.widgets.filter_bar import open_line
from prodops_tui.widgets.safe_text import safe_text


class QueryBar(Vertical):
    """The query as typed, and one line under it saying what is wrong with it, if anything."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel query", id="query.cancel"),
    ]
    DEFAULT_CSS = """
    QueryBar {
        height: auto;
        display: none;
        background: $boost;
        & > Input { border: none; height: 1; width: 1fr; padding: 0 1; background: $boost; }
        & > Input.-invalid { color: $text-error; }
        & > #query-error { height: 1; width: 1fr; padding: 0 1; color: $text-error; }
        & > #query-error.-hint { color: $text-muted; }
    }
    """

    class Applied(Message):
        """Enter on a valid query ("" = no query): `parsed` is what the list should show."""

        def __init__(self, text: str, parsed: ParsedQuery) -> None:
            super().__init__()
            self.text = text
            self.parsed = parsed

    class Done(Message):
        """The user left the query line (applied or cancelled)."""

    def __init__(self, table: str, clock: Callable[[], datetime], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.table = table
        self.clock = clock
        self.applied = ""
        """The query the list shows now."""

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder="Query: status:open label:x score>5 updated<7d sort:-updated", compact=True
        )
        yield Label(self._hint(), id="query-error", classes="-hint")

    def open(self) -> None:
        """Show the line with the applied query selected (typing replaces it, arrows edit it)."""
        open_line(self)

    def check(self, text: str) -> ParsedQuery:
        """The query read against this bar's table and clock, or QueryError."""
        return parse(text, self.table, self.clock())

    def show_applied(self, text: str) -> None:
        """Remember `text` as the list's query; the line stays visible while there is one."""
        self.applied = text
        self.query_one(Input).value = text
        self._show_problem(None)
        self.display = bool(text)

    def action_cancel(self) -> None:
        self.show_applied(self.applied)
        self.post_message(self.Done())

    @on(Input.Changed)
    def validate_typed(self, event: Input.Changed) -> None:
        event.stop()
        try:
            self.check(event.value)
        except QueryError as error:
            self._show_problem(error)
            return
        self._show_problem(None)

    @on(Input.Submitted)
    def apply_typed(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        try:
            parsed = self.check(text)
        except QueryError as error:
            self._show_problem(error)
            self.app.bell()
            return
        self.show_applied(text)
        self.post_message(self.Applied(text, parsed))
        self.post_message(self.Done())

    def _show_problem(self, error: QueryError | None) -> None:
        line = self.query_one("#query-error", Label)
        self.query_one(Input).set_class(error is not None, "-invalid")
        line.set_class(error is None, "-hint")
        line.update(self._hint() if error is None else safe_text(error.message))

    def _hint(self) -> Content:
        return Content("Fields: " + " ".join(field_names(self.table)))
