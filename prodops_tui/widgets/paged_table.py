"""PagedTable: one virtual table for every list, paged from the store (PERFORMANCE.md §3)."""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, ClassVar

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
from textual.worker import get_current_worker

from prodops_tui.store.errors import StoreError
from prodops_tui.store.reads import ListQuery, ReadCancelled, Reader, Row
from prodops_tui.widgets.columns import ColumnSpec
from prodops_tui.widgets.safe_text import safe_text
from prodops_tui.widgets.table_layout import TABLE_CLASSES, TABLE_CSS, TableLayout
from prodops_tui.widgets.table_view import PAGE, TableView


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
    COMPONENT_CLASSES: ClassVar[set[str]] = set(TABLE_CLASSES)
    DEFAULT_CSS = TABLE_CSS

    cursor: reactive[int] = reactive(0, init=False, always_update=True)
    """Index of the highlighted row in display order."""

    @dataclass
    class Loaded(Message):
        """The id snapshot of the current query arrived: the table knows its full length."""

        table: PagedTable
        total: int

    @dataclass
    class RowHighlighted(Message):
        table: PagedTable
        seq: int

    @dataclass
    class RowSelected(Message):
        table: PagedTable
        seq: int

    def __init__(
        self, reader: Reader, query: ListQuery, columns: Sequence[ColumnSpec], *, id: str = ""
    ) -> None:
        super().__init__(id=id or None)
        self.reader = reader
        self.columns = tuple(columns)
        self._view = TableView(query, [])
        self._wanted = query
        """The query asked for last: results of any other are stale and dropped."""
        self.grid = TableLayout(self.columns)
        self._lines: LRUCache[tuple[int, bool], Strip] = LRUCache(1024)
        self._held: dict[int, dict[str, Any]] = {}
        """seq -> column -> a local edit's value, shown over the stored row until it is read
        again (reloads and pages read meanwhile may still hold the old value)."""

    @property
    def list_query(self) -> ListQuery:
        return self._view.query

    @property
    def wanted_query(self) -> ListQuery:
        """The query asked for last (list_query is the one shown until its rows arrive)."""
        return self._wanted

    @property
    def total(self) -> int:
        return self._view.total

    @property
    def loaded(self) -> bool:
        """True once the snapshot of the current query has arrived."""
        return self._view.seqs is not None

    @property
    def order(self) -> tuple[str, bool]:
        return self._view.order

    @property
    def shown_columns(self) -> tuple[str, ...]:
        """Keys of the columns on screen now."""
        return tuple(self.columns[i].key for i in self.grid.shown)

    def show_columns(self, keys: Sequence[str]) -> None:
        """Show only these columns (a narrow screen still drops some); () shows them all."""
        wanted = set(keys)
        self.grid.hidden = frozenset(c.key for c in self.columns if wanted and c.key not in wanted)
        self._update_size()

    def seq_at(self, index: int) -> int | None:
        return self._view.seq_at(index)

    def row_at(self, index: int) -> Row | None:
        """The row at a display index if it is in memory; a miss starts its page loading."""
        row, missing = self._view.row_at(index)
        if missing is not None and self._view.start_page(missing):
            self._load_page(self._view, missing)
        if row is None or int(row[0]) not in self._held:
            return row
        columns = self._view.query.columns
        cells = list(row)
        for column, value in self._held[int(row[0])].items():
            if column in columns:
                cells[1 + columns.index(column)] = value
        return tuple(cells)

    def on_mount(self) -> None:
        self._read(self._wanted)

    def set_query(self, query: ListQuery) -> None:
        """Show another query (search, filter or sort); the old rows stay until the new arrive."""
        if query != self._wanted:
            self._wanted = query
            self._read(query)

    def reload(self, keep_cursor: bool = False) -> None:
        """Read the rows again; `keep_cursor` swaps them in at once with the same item lit."""
        self._read(self._wanted, self.seq_at(self.cursor) if keep_cursor else None)

    @work(thread=True, exclusive=True, group="table-load")
    def _read(self, query: ListQuery, keep: int | None = None) -> None:
        """First page, shown at once; then the id snapshot. A newer query cancels this one."""
        worker = get_current_worker()
        try:
            view = TableView(query, self.reader.first_page(query, PAGE))
            if worker.is_cancelled:
                return
            if keep is None:
                self.app.call_from_thread(self._show_first, view)
            seqs = self.reader.snapshot(query, cancelled=lambda: worker.is_cancelled)
            head = view.read_head(self.reader, seqs) if not worker.is_cancelled else None
        except ReadCancelled:
            return
        except StoreError as error:
            self.app.call_from_thread(self.notify, safe_text(str(error)), severity="error")
            return
        self.app.call_from_thread(self._show_snapshot, view, seqs, keep, head)

    def _show_first(self, view: TableView) -> None:
        if view.query != self._wanted:
            return
        self._view = view
        self.scroll_to(y=0, animate=False)
        self._update_size()
        self.cursor = 0

    def _show_snapshot(
        self,
        view: TableView,
        seqs: array[int],
        keep: int | None = None,
        head: list[Row | None] | None = None,
    ) -> None:
        if view is not self._view and (keep is None or view.query != self._wanted):
            return
        if keep is None and head is not None and self.cursor > 0:
            keep = self.seq_at(self.cursor)  # the list was re-sorted: the lit row stays lit
        self._view = view
        view.adopt(seqs, head)
        self._update_size()
        self.post_message(self.Loaded(self, view.total))
        if keep is not None:
            self.cursor = view.index_of(keep, self.cursor)
        elif head is not None:
            self.cursor = self.cursor  # the row under it may have changed: tell the detail pane
        last = (view.total - 1) // PAGE  # End shows the tail of the page before it too
        self._prefetch(self.cursor // PAGE + 1, last, last - 1)

    def _prefetch(self, *page_nos: int) -> None:
        """Read these pages in the background if needed: the next PageDown and End are warm."""
        for page_no in self._view.claim(*page_nos):
            self._load_page(self._view, page_no)

    @work(thread=True, group="table-page")
    def _load_page(self, view: TableView, page_no: int) -> None:
        page = view.read_page(self.reader, page_no)
        self.app.call_from_thread(self._show_page, view, page_no, page)

    def _show_page(self, view: TableView, page_no: int, page: list[Row | None]) -> None:
        view.loading.discard(page_no)
        if view is self._view:
            view.pages[page_no] = page  # "…" lines are never cached: repaint only if in view
            top = round(self.scroll_y)
            if page_no * PAGE < top + self.size.height and top < (page_no + 1) * PAGE:
                self.refresh()

    def repaint(self) -> None:
        """Draw every visible row again (its cells' formatters changed their mind)."""
        self._lines.clear()
        self.refresh()

    def patch_rows(self, changes: dict[int, dict[str, Any]]) -> None:
        """Show new values in rows at once (seq -> column -> value), e.g. a local edit's, until
        `refresh_rows` reads those rows again (or `release`)."""
        for seq, cells in changes.items():
            self._held.setdefault(seq, {}).update(cells)
        self.repaint()

    def release(self, seqs: Sequence[int]) -> None:
        """Show these rows as read from the store again (their edit was not written)."""
        for seq in seqs:
            self._held.pop(seq, None)
        self.repaint()

    def drop_rows(self, seqs: set[int]) -> None:
        """Take rows out of the list at once (they left its query), the cursor staying put."""
        before = self.total
        self._view.drop(seqs)
        if self.total == before:
            return
        self._update_size()
        self.post_message(self.Loaded(self, self.total))
        self.cursor = self.cursor  # the next row is lit now: the detail pane follows it

    @work(thread=True, group="table-rows")
    def refresh_rows(self, seqs: list[int]) -> None:
        """Read these rows again and repaint them where they are (after a local edit): the
        values `patch_rows` held for them give way to the stored ones."""
        view = self._view
        fresh = {int(row[0]): row for row in self.reader.rows(view.query, seqs)}
        self.app.call_from_thread(self._swap_rows, view, seqs, fresh)

    def _swap_rows(self, view: TableView, seqs: list[int], fresh: dict[int, Row]) -> None:
        if view is self._view:
            view.replace(fresh)
        self.release(seqs)

    def on_resize(self, event: events.Resize) -> None:
        self._update_size()

    def watch_show_vertical_scrollbar(self) -> None:
        # The scrollbar takes columns from the table: fit the columns again.
        self._update_size()

    def _update_size(self) -> None:
        self.grid.fit(self.scrollable_content_region.width)
        self.virtual_size = Size(self.grid.line_width, self.total + 1)
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
        self.call_after_refresh(self._prefetch, new // PAGE - 1, new // PAGE + 1)
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

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_page_up(self) -> None:
        self.cursor -= max(self.size.height - 2, 1)

    def action_page_down(self) -> None:
        self.cursor += max(self.size.height - 2, 1)

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = self.total - 1

    def action_select(self) -> None:
        seq = self.seq_at(self.cursor)
        if seq is not None:
            self.post_message(self.RowSelected(self, seq))

    def action_cycle_sort(self) -> None:
        keys = [self.columns[i].key for i in self.grid.shown if self.columns[i].sortable]
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
            header = self._visual("paged-table--header")
            strip = self.grid.header(self.order, header, self._parse_style)
        elif index >= self.total:
            return Strip.blank(width, self.rich_style)
        else:
            strip = self._row_line(index)
        return strip.crop_extend(scroll_x, scroll_x + width, self.rich_style)

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
            return self.grid.line([Content("…")], base + pending, self._parse_style)
        strip = self.grid.row(row[1:], base, self._parse_style)
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
