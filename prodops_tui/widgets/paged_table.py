"""PagedTable: one virtual table for every list, paged from the store (PERFORMANCE.md §3)."""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import replace
from typing import ClassVar

from rich.segment import Segment
from textual import events, work
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.style import Style

from prodops_tui.store.errors import StoreError
from prodops_tui.store.reads import ListQuery, Reader, Row
from prodops_tui.widgets.columns import ColumnSpec
from prodops_tui.widgets.safe_text import safe_text
from prodops_tui.widgets.table_view import TableView, one_line

PAGE = 256
"""Rows per page read from the store."""
GAP = 1
DEFAULT_ORDER: dict[str, tuple[str, bool]] = {
    "issue": ("updated", True),
    "feedback": ("updated", True),
    "experiment": ("start", True),
    "tool": ("name", False),
}


class PagedTable(ScrollView, can_focus=True):
    """A list of store rows that scrolls through a million rows as smoothly as through a hundred."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Up", show=False, id="table.up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="table.down"),
        Binding("pageup", "page_up", "Page up", show=False, id="table.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="table.page_down"),
        Binding("home,g", "first", "First row", show=False, id="table.first"),
        Binding("end,G", "last", "Last row", show=False, id="table.last"),
        Binding("enter", "select", "Open", show=False, id="table.select"),
        Binding("o", "cycle_sort", "Sort", tooltip="Sort by the next column", id="table.sort"),
        Binding("O", "flip_sort", "Reverse", tooltip="Flip the sort direction", id="table.reverse"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "paged-table--header",
        "paged-table--sorted",
        "paged-table--cursor",
        "paged-table--odd",
        "paged-table--pending",
        "paged-table--alert",
        "paged-table--warn",
        "paged-table--dim",
    }
    DEFAULT_CSS = """
    PagedTable {
        height: 1fr;
        background: $surface;
        color: $foreground;
        & > .paged-table--header { background: $panel; color: $text-primary; text-style: bold; }
        & > .paged-table--sorted { color: $text-accent; }
        & > .paged-table--odd { background: $surface-lighten-1; }
        & > .paged-table--cursor { background: $primary 40%; }
        &:focus > .paged-table--cursor { background: $primary; color: $foreground; }
        & > .paged-table--pending { color: $text-muted; }
        & > .paged-table--alert { color: $text-error; text-style: bold; }
        & > .paged-table--warn { color: $text-warning; }
        & > .paged-table--dim { color: $text-muted; }
    }
    """

    cursor: reactive[int] = reactive(0, init=False, always_update=True)
    """Index of the highlighted row in display order."""

    class Loaded(Message):
        """The id snapshot of the current query arrived: the table knows its full length."""

        def __init__(self, table: PagedTable, total: int) -> None:
            super().__init__()
            self.table = table
            self.total = total

    class RowHighlighted(Message):
        def __init__(self, table: PagedTable, seq: int) -> None:
            super().__init__()
            self.table = table
            self.seq = seq

    class RowSelected(Message):
        def __init__(self, table: PagedTable, seq: int) -> None:
            super().__init__()
            self.table = table
            self.seq = seq

    def __init__(
        self,
        reader: Reader,
        query: ListQuery,
        columns: Sequence[ColumnSpec],
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.reader = reader
        self.columns = tuple(columns)
        self._view = TableView(query, [])
        self._widths = [c.width for c in self.columns]
        self._lines: LRUCache[tuple[int, bool], Strip] = LRUCache(1024)
        self._loaded = False

    @property
    def list_query(self) -> ListQuery:
        return self._view.query

    @property
    def total(self) -> int:
        return self._view.total

    @property
    def loaded(self) -> bool:
        """True once the snapshot of the current query has arrived."""
        return self._loaded

    @property
    def order(self) -> tuple[str, bool]:
        q = self._view.query
        return q.order[0] if q.order else DEFAULT_ORDER.get(q.table, ("seq", False))

    def seq_at(self, index: int) -> int | None:
        return self._view.seq_at(index)

    def row_at(self, index: int) -> Row | None:
        """The row at a display index if it is in memory; a miss starts its page loading."""
        view = self._view
        if view.seqs is None:
            return view.first[index] if 0 <= index < len(view.first) else None
        page_no, offset = divmod(index, PAGE)
        page = view.pages.get(page_no)
        if page is None:
            self._request_page(view, page_no)
            return None
        return page[offset] if offset < len(page) else None

    def on_mount(self) -> None:
        self._load(self._view.query)

    def set_query(self, query: ListQuery) -> None:
        """Show another query (search, filter or sort); the old rows stay until the new arrive."""
        if query != self._view.query:
            self._load(query)

    def reload(self) -> None:
        self._load(self._view.query)

    @work(thread=True, exclusive=True, group="table-load")
    def _load(self, query: ListQuery) -> None:
        try:
            view = TableView(query, self.reader.first_page(query, PAGE))
            self.app.call_from_thread(self._show_first, view)
            seqs = self.reader.snapshot(query)
        except StoreError as error:
            self.app.call_from_thread(self.notify, safe_text(str(error)), severity="error")
            return
        self.app.call_from_thread(self._show_snapshot, view, seqs)

    def _show_first(self, view: TableView) -> None:
        self._view = view
        self._loaded = False
        self._lines.clear()
        self.scroll_to(y=0, animate=False)
        self._update_size()
        self.cursor = 0

    def _show_snapshot(self, view: TableView, seqs: array[int]) -> None:
        if view is not self._view:
            return
        head = [int(row[0]) for row in view.first]
        if list(seqs[: len(head)]) == head:
            view.pages[0] = list(view.first)
        view.seqs = seqs
        self._loaded = True
        self._lines.clear()
        self._update_size()
        self.refresh()
        self.post_message(self.Loaded(self, view.total))

    def _request_page(self, view: TableView, page_no: int) -> None:
        if page_no not in view.loading and view.seqs is not None:
            view.loading.add(page_no)
            self._load_page(view, page_no)

    @work(thread=True, group="table-page")
    def _load_page(self, view: TableView, page_no: int) -> None:
        assert view.seqs is not None
        wanted = view.seqs[page_no * PAGE : (page_no + 1) * PAGE]
        by_seq = {int(row[0]): row for row in self.reader.rows(view.query, wanted)}
        page = [by_seq.get(seq) for seq in wanted]
        self.app.call_from_thread(self._show_page, view, page_no, page)

    def _show_page(self, view: TableView, page_no: int, page: list[Row | None]) -> None:
        view.loading.discard(page_no)
        if view is self._view:
            view.pages[page_no] = page
            self._lines.clear()
            self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        self._update_size()

    def _update_size(self) -> None:
        fixed = sum(c.width + GAP for c in self.columns if not c.flex)
        spare = max(self.scrollable_content_region.width - fixed - 1, 0)
        self._widths = [max(c.width, spare) if c.flex else c.width for c in self.columns]
        width = sum(w + GAP for w in self._widths) + 1
        self.virtual_size = Size(width, self.total + 1)
        self._lines.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()

    def watch_cursor(self, old: int, new: int) -> None:
        clamped = max(0, min(new, self.total - 1))
        if clamped != new:
            self.cursor = clamped
            return
        self._scroll_to_cursor()
        self.refresh_line(old + 1)
        self.refresh_line(new + 1)
        seq = self.seq_at(new)
        if seq is not None:
            self.post_message(self.RowHighlighted(self, seq))

    def _scroll_to_cursor(self) -> None:
        body = max(self.size.height - 1, 1)
        top = round(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + body:
            self.scroll_to(y=self.cursor - body + 1, animate=False, immediate=True)

    def _page_height(self) -> int:
        return max(self.size.height - 2, 1)

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_page_up(self) -> None:
        self.cursor -= self._page_height()

    def action_page_down(self) -> None:
        self.cursor += self._page_height()

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = self.total - 1

    def action_select(self) -> None:
        seq = self.seq_at(self.cursor)
        if seq is not None:
            self.post_message(self.RowSelected(self, seq))

    def action_cycle_sort(self) -> None:
        keys = [c.key for c in self.columns if c.sortable]
        key, descending = self.order
        after = keys[(keys.index(key) + 1) % len(keys)] if key in keys else keys[0]
        self.set_query(replace(self.list_query, order=((after, descending),)))

    def action_flip_sort(self) -> None:
        key, descending = self.order
        self.set_query(replace(self.list_query, order=((key, not descending),)))

    def on_click(self, event: events.Click) -> None:
        if event.y >= 1:
            self.cursor = round(self.scroll_y) + event.y - 1
            if event.chain > 1:
                self.action_select()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        scroll_x, scroll_y = round(self.scroll_x), round(self.scroll_y)
        index = scroll_y + y - 1
        if y == 0:
            strip = self._header()
        elif index >= self.total:
            return Strip.blank(width, self.rich_style)
        else:
            strip = self._row_line(index)
        return strip.crop_extend(scroll_x, scroll_x + width, self.rich_style)

    def _header(self) -> Strip:
        key, descending = self.order
        cells = []
        for column in self.columns:
            label = Content(column.label)
            if column.key == key:
                label = (label + (" ▼" if descending else " ▲")).stylize("paged-table--sorted")
            cells.append(label)
        return self._strip(cells, self._visual("paged-table--header"))

    def _row_line(self, index: int) -> Strip:
        is_cursor = index == self.cursor
        cached = self._lines.get((index, is_cursor))
        if cached is not None:
            return cached
        row = self.row_at(index)
        if is_cursor:
            base = self._visual("paged-table--cursor")
        else:
            base = self._visual("paged-table--odd") if index % 2 else self._visual()
        if row is None:
            pending = self._visual("paged-table--pending")
            return self._strip([Content("…")], base + pending)
        cells = [c.formatter(value) for c, value in zip(self.columns, row[1:], strict=False)]
        strip = self._strip(cells, base)
        self._lines[(index, is_cursor)] = strip
        return strip

    def _visual(self, *names: str) -> Style:
        return self.get_visual_style(*names) if names else self.visual_style

    def _parse_style(self, style: str | Style) -> Style:
        if isinstance(style, Style):
            return style
        if style in self.COMPONENT_CLASSES:
            return self.get_visual_style(style, partial=True)
        return Style.parse(style)

    def _strip(self, cells: Sequence[Content], base: Style) -> Strip:
        segments: list[Segment] = [Segment(" ", base.rich_style)]
        for column, width, cell in zip(self.columns, self._widths, cells, strict=False):
            flat = one_line(cell)
            if column.align == "right":
                fitted = flat.right(width, ellipsis=True)
            else:
                fitted = flat.truncate(width, ellipsis=True, pad=True)
            for text, style in fitted.render(base, end="", parse_style=self._parse_style):
                segments.append(Segment(text, style.rich_style))
            segments.append(Segment(" " * GAP, base.rich_style))
        total = sum(w + GAP for w in self._widths) + 1
        return Strip(segments).extend_cell_length(total, base.rich_style)
