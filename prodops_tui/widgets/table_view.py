"""TableView: the rows one PagedTable query shows, and a cell helper."""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field

from textual.cache import LRUCache
from textual.content import Content

from prodops_tui.store.reads import ListQuery, Row

CACHED_PAGES = 64
"""Pages of rows kept in memory per query (LRU)."""


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

    def seq_at(self, index: int) -> int | None:
        if self.seqs is not None:
            return self.seqs[index] if 0 <= index < len(self.seqs) else None
        return int(self.first[index][0]) if 0 <= index < len(self.first) else None


def one_line(cell: Content) -> Content:
    """Line breaks and tabs as spaces (same length, so spans stay put)."""
    plain = cell.plain
    if "\n" not in plain and "\t" not in plain and "\r" not in plain:
        return cell
    flat = plain.replace("\n", " ").replace("\t", " ").replace("\r", " ")
    return Content(flat, list(cell.spans))
