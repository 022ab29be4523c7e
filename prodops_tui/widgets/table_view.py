"""TableView: the rows one PagedTable query shows, read from the store page by page."""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field

from textual.cache import LRUCache
from textual.content import Content

from prodops_tui.store.reads import ListQuery, Reader, Row

PAGE = 256
"""Rows per page read from the store."""
CACHED_PAGES = 64
"""Pages of rows kept in memory per query (LRU)."""
DEFAULT_ORDER: dict[str, tuple[str, bool]] = {
    "issue": ("updated", True),
    "feedback": ("updated", True),
    "experiment": ("start", True),
    "tool": ("name", False),
}


@dataclass(eq=False)
class TableView:
    """What the table shows for one query; swapped whole when the query changes."""

    query: ListQuery
    first: list[Row]
    seqs: array[int] | None = None
    pages: LRUCache[int, list[Row | None]] = field(default_factory=lambda: LRUCache(CACHED_PAGES))
    loading: set[int] = field(default_factory=set)

    @property
    def total(self) -> int:
        return len(self.first) if self.seqs is None else len(self.seqs)

    @property
    def order(self) -> tuple[str, bool]:
        q = self.query
        return q.order[0] if q.order else DEFAULT_ORDER.get(q.table, ("seq", False))

    def seq_at(self, index: int) -> int | None:
        if self.seqs is not None:
            return self.seqs[index] if 0 <= index < len(self.seqs) else None
        return int(self.first[index][0]) if 0 <= index < len(self.first) else None

    def index_of(self, seq: int, fallback: int) -> int:
        """The display index of a seq; `fallback` (clamped) when it left the list."""
        try:
            return self.seqs.index(seq) if self.seqs is not None else fallback
        except ValueError:
            return max(0, min(fallback, self.total - 1))

    def row_at(self, index: int) -> tuple[Row | None, int | None]:
        """The row at a display index if in memory, else None and the page to read (if any)."""
        if self.seqs is None:
            return (self.first[index] if 0 <= index < len(self.first) else None), None
        page_no, offset = divmod(index, PAGE)
        page = self.pages.get(page_no)
        if page is None:
            return None, page_no
        return (page[offset] if offset < len(page) else None), None

    def start_page(self, page_no: int) -> bool:
        """Mark a page as being read; False if it is already on its way."""
        if page_no in self.loading or self.seqs is None:
            return False
        self.loading.add(page_no)
        return True

    def claim(self, *page_nos: int) -> list[int]:
        """Of these pages, the ones that exist and are neither in memory nor on their way,
        marked as being read (for prefetching the neighbours and the last page)."""
        if self.seqs is None:
            return []
        last = (len(self.seqs) - 1) // PAGE
        wanted = dict.fromkeys(p for p in page_nos if 0 <= p <= last and p not in self.pages)
        return [p for p in wanted if self.start_page(p)]

    def heads(self, seqs: array[int]) -> bool:
        """True when the first page is still the head of the list in `seqs`."""
        return list(seqs[: len(self.first)]) == [int(row[0]) for row in self.first]

    def read_head(self, reader: Reader, seqs: array[int]) -> list[Row | None] | None:
        """Page 0 of `seqs` when the first page does not head it (a search's first page is its
        newest matches, the snapshot sorts more of them), reusing the first page's rows; None
        when the first page heads it. Read before the swap, so the list never shows gaps."""
        if self.heads(seqs):
            return None
        wanted = seqs[:PAGE]
        known = {int(row[0]): row for row in self.first}
        missing = [seq for seq in wanted if seq not in known]
        known.update((int(row[0]), row) for row in reader.rows(self.query, missing))
        return [known.get(seq) for seq in wanted]

    def adopt(self, seqs: array[int], head: list[Row | None] | None = None) -> None:
        """Take the full id snapshot with its page 0 (`head`, else the first page if it still
        heads the list)."""
        if head is not None:
            self.pages[0] = head
        elif self.heads(seqs):
            self.pages[0] = list(self.first)
        self.seqs = seqs

    def replace(self, fresh: dict[int, Row]) -> None:
        """Swap in re-read rows (by seq) wherever they are cached; in place, as the page
        cache's `set` keeps the value a key already has."""
        self.first = [fresh.get(int(row[0]), row) for row in self.first]
        for page_no in list(self.pages.keys()):
            page = self.pages.get(page_no)
            if page is not None:
                page[:] = [row if row is None else fresh.get(int(row[0]), row) for row in page]

    def drop(self, gone: set[int]) -> None:
        """Take rows (by seq) out of the list without reading it again, e.g. an issue that left
        the queue. Cached pages after the first removed row are rebuilt from the rows in memory;
        one that cannot be is read again when it is shown."""
        self.first = [row for row in self.first if int(row[0]) not in gone]
        if self.seqs is None:
            return
        where = [self.seqs.index(seq) for seq in gone if seq in self.seqs]
        if not where:
            return
        cached = list(self.pages.keys())
        by_seq = {
            int(row[0]): row
            for page_no in cached
            for row in self.pages.get(page_no) or []
            if row is not None
        }
        for index in sorted(where, reverse=True):
            self.seqs.pop(index)
        for page_no in [p for p in cached if p >= min(where) // PAGE]:
            rows = [by_seq.get(seq) for seq in self.seqs[page_no * PAGE : (page_no + 1) * PAGE]]
            page = self.pages.get(page_no)
            if page is not None and rows and None not in rows:
                page[:] = rows
            else:
                self.pages.discard(page_no)

    def read_page(self, reader: Reader, page_no: int) -> list[Row | None]:
        """The rows of one page in display order (None for rows deleted since the snapshot)."""
        assert self.seqs is not None
        wanted = self.seqs[page_no * PAGE : (page_no + 1) * PAGE]
        by_seq = {int(row[0]): row for row in reader.rows(self.query, wanted)}
        return [by_seq.get(seq) for seq in wanted]


def one_line(cell: Content) -> Content:
    """Line breaks and tabs as spaces (same length, so spans stay put)."""
    plain = cell.plain
    if "\n" not in plain and "\t" not in plain and "\r" not in plain:
        return cell
    flat = plain.replace("\n", " ").replace("\t", " ").replace("\r", " ")
    return Content(flat, list(cell.spans))
