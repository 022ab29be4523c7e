"""ListScreen: the shape every list area shares (filter line, table, detail pane, status)."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import ClassVar

from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, Label

from prodops_tui.screens.views import ViewKeeper
from prodops_tui.services.query import ParsedQuery, QueryError, parse
from prodops_tui.services.view_spec import TABLE_SCREENS, Order, SavedView
from prodops_tui.store.query_ast import serves
from prodops_tui.store.reads import SEARCH_CAP, ListQuery, Reader
from prodops_tui.widgets.activity import DATA
from prodops_tui.widgets.columns import ColumnSpec
from prodops_tui.widgets.detail_pane import DetailPane, Render
from prodops_tui.widgets.filter_bar import FilterBar
from prodops_tui.widgets.paged_table import PagedTable
from prodops_tui.widgets.query_bar import QueryBar
from prodops_tui.widgets.safe_text import safe_text
from prodops_tui.widgets.status_bar import StatusBar
from prodops_tui.widgets.workspace import Workspace


@dataclass(frozen=True)
class ListSpec:
    """What one list screen shows: its query, columns and detail pane."""

    query: ListQuery
    columns: Sequence[ColumnSpec]
    detail_query: ListQuery
    render_detail: Render
    noun: str
    """What the rows are called in the status bar."""
    filter_hint: str = "Filter: words match as prefixes"
    """Placeholder of the filter line: how the store matches what is typed."""
    summary: Callable[[Reader], Content] | None = None
    """A line under the list computed from the whole table (in a worker)."""


class ListScreen(Screen[None]):
    """A filterable, sortable list of one table with the highlighted row in full beside it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority: resolved by the app before it forwards the next key, so keys typed right
        # after `/` go to the filter input instead of queueing behind it on the table.
        Binding(
            "slash",
            "filter",
            "Filter",
            tooltip="Filter as you type",
            id="list.filter",
            priority=True,
        ),
        Binding(
            "colon",
            "query",
            "Query",
            tooltip="Filter by fields: status:open score>5 updated<7d sort:-updated",
            id="list.query",
            priority=True,
            show=False,  # listed by `?`; the 80-column footer keeps the screen's own keys
        ),
        Binding(
            "v", "views", "Views", tooltip="Switch to a saved view", id="list.views", show=False
        ),
        Binding(
            "V",
            "save_view",
            "Save view",
            tooltip="Save the query, sort and columns under a name",
            id="list.save_view",
            show=False,
        ),
        Binding(
            "d",
            "toggle_detail",
            "Details",
            tooltip="Show or hide the detail pane",
            id="list.detail",
        ),
        Binding("escape", "focus_list", "Back to list", show=False, id="list.back"),
        Binding("tab", "app.next_mode", "Next screen", show=False, id="mode.next"),
        Binding(
            "shift+tab", "app.previous_mode", "Previous screen", show=False, id="mode.previous"
        ),
    ]

    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    """Short terminals (80x24) hide the detail pane until `d` or Enter asks for it."""

    table = getters.query_one(PagedTable)
    filter_bar = getters.query_one(FilterBar)
    query_bar = getters.query_one(QueryBar)
    detail = getters.query_one(DetailPane)
    status = getters.query_one(StatusBar)

    def __init__(self, workspace: Workspace, spec: ListSpec) -> None:
        super().__init__()
        self.workspace = workspace
        self.spec = spec
        self._pending: tuple[str, ParsedQuery] | None = None
        """A query asked for before the screen was composed: the table starts with it."""
        self.views = ViewKeeper(self)

    def compose(self) -> ComposeResult:
        reader = self.workspace.reader
        query = self.spec.query
        if self._pending is not None:
            query = self._with_query(query, self._pending[1])
        yield FilterBar(reader, hint=self.spec.filter_hint)
        if serves(query.table):
            yield QueryBar(query.table, self.workspace.clock)
        with Vertical(id="list-body"):
            yield PagedTable(reader, query, self.spec.columns)
            yield DetailPane(reader, self.spec.detail_query, self.spec.render_detail)
        yield Label("", id="list-summary")
        yield StatusBar(self.workspace)
        yield Footer()

    def on_mount(self) -> None:
        if self._pending is not None:
            text, parsed = self._pending
            self._pending = None
            self.query_bar.show_applied(text)
            self._show_query(parsed)  # no-op unless the query came after compose
        self.status.noun = self.spec.noun
        self.query_one("#list-summary", Label).display = self.spec.summary is not None
        self.table.focus()
        if self.workspace.activity is not None:
            self.workspace.activity.changed.subscribe(self, self._activity_changed)

    def _activity_changed(self, what: str) -> None:
        if what == DATA:
            self.reload_list()
            self.data_changed()

    def reload_list(self) -> None:
        """Read the list again with the same row lit (rows changed under it)."""
        self.table.reload(keep_cursor=True)

    def data_changed(self) -> None:
        """Rows changed under the list (sync, edit, push): screens re-read what they add."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "query" and not serves(self.spec.query.table):
            return False
        if action in ("views", "save_view"):
            return bool(self.view_screen)
        if action in ("filter", "query"):
            # While typing a filter or a query, `/` and `:` are characters, not bindings.
            return not isinstance(self.focused, Input)
        return True

    def action_filter(self) -> None:
        self.filter_bar.open()

    def action_query(self) -> None:
        self.query_bar.open()

    @property
    def query_text(self) -> str:
        """The query bar's applied query ("" = none)."""
        if self._pending is not None:
            return self._pending[0]
        return self.query_bar.applied if self.is_mounted else ""

    def apply_query(self, text: str, order: Order = ()) -> None:
        """Show the rows matching a query-bar query, e.g. `status:"To Do" sort:-updated`;
        "" shows every row again. Works before the screen is shown (the list starts filtered).
        `order` (list columns, True = descending) overrides the query's sort.
        Raises services.query.QueryError (with `.message`, `.position`) for a bad query."""
        text = text.strip()
        if not self.is_mounted:
            parsed = parse(text, self.spec.query.table, self.workspace.clock())
            self._pending = (text, replace(parsed, order=order or parsed.order))
            return
        parsed = self.query_bar.check(text)
        self.query_bar.show_applied(text)
        self._show_query(replace(parsed, order=order or parsed.order))

    def _with_query(self, query: ListQuery, parsed: ParsedQuery) -> ListQuery:
        """`query` narrowed to a parsed query, in its sort (else the list's current order). The
        screen's own filters on a column the query tests give way (Inbox: `state:processed`)."""
        filters = tuple(f for f in self.spec.query.filters if f[0] not in parsed.columns)
        order = parsed.order or query.order
        return replace(query, where=parsed.where, order=order, filters=filters)

    def _show_query(self, parsed: ParsedQuery) -> None:
        self.table.set_query(self._with_query(self.table.wanted_query, parsed))

    @property
    def view_screen(self) -> str:
        """The name this screen's saved views are kept under ("" = it keeps none)."""
        return TABLE_SCREENS.get(self.spec.query.table, "")

    def current_view(self, name: str = "") -> SavedView:
        """The query, sort and columns on screen now, as a view."""
        order = self.table.wanted_query.order
        return SavedView(name, self.view_screen, self.query_text, order, self.table.shown_columns)

    def action_views(self) -> None:
        self.views.load(saving=False)

    def action_save_view(self) -> None:
        self.views.load(saving=True)

    def open_view(self, view: SavedView | None) -> None:
        """Switch to a saved view: its query, sort and columns."""
        if view is None:
            return
        try:
            self.apply_query(view.query, view.sort)
        except (QueryError, ValueError) as error:
            line = safe_text(f"View {view.name}: {error}").plain
            self.notify(line, severity="error", markup=False)
            return
        self.table.show_columns(view.columns)
        self.views.name = view.name
        self.notify(safe_text(f"View {view.name}").plain, markup=False)

    @on(QueryBar.Applied)
    def query_list(self, event: QueryBar.Applied) -> None:
        self._show_query(event.parsed)

    @on(QueryBar.Done)
    def leave_query(self) -> None:
        self.table.focus()

    def action_focus_list(self) -> None:
        self.table.focus()

    def action_toggle_detail(self) -> None:
        self.detail.display = not self.detail.display
        if self.detail.display:
            self.detail.load_now()

    @on(FilterBar.SearchChanged)
    def search_list(self, event: FilterBar.SearchChanged) -> None:
        """Ask for the new list now; its exact count runs beside it (not after the snapshot)."""
        query = replace(self.table.wanted_query, search=event.text)
        self.table.set_query(query)
        if event.text:
            self.filter_bar.count_matches(query)

    @on(FilterBar.Done)
    def return_to_list(self) -> None:
        self.table.focus()

    @on(PagedTable.Loaded)
    def show_size(self, event: PagedTable.Loaded) -> None:
        self.status.rows = event.total
        self.filter_bar.show_total(event.table.list_query.search, event.total, SEARCH_CAP)
        if self.spec.summary is not None:
            self.summarise(self.spec.summary)

    @on(PagedTable.RowHighlighted)
    def follow_cursor(self, event: PagedTable.RowHighlighted) -> None:
        self.detail.show(event.seq)

    @on(PagedTable.RowSelected)
    def read_detail(self) -> None:
        self.detail.display = True
        self.detail.load_now()
        self.detail.focus()

    @work(thread=True, exclusive=True, group="summary")
    def summarise(self, summary: Callable[[Reader], Content]) -> None:
        line = summary(self.workspace.reader)
        self.app.call_from_thread(self.query_one("#list-summary", Label).update, line)
