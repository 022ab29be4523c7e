"""Pages on their way from a connector to the store: fetched ahead while the previous page is
written, and merged into fewer, larger write transactions when several are already waiting
(one fsync each under `synchronous=FULL`). Order, and so cursor safety, is kept.

`fewer_collections` keeps Python's cyclic garbage collector from rescanning every decoded page
hundreds of times during a sync (a third of the ingest CPU at the default thresholds)."""

import asyncio
import gc
import threading
from collections.abc import AsyncGenerator, AsyncIterator, Iterator
from contextlib import contextmanager, suppress

from prodops_tui.connectors.base import Page
from prodops_tui.store.store import NATURAL_KEYS

__all__ = ["fewer_collections", "prefetched"]

YOUNG_THRESHOLD = 50_000
"""Allocations between young-generation collections while a sync runs (Python's default: 700)."""

_relaxed = 0
_saved: tuple[int, int, int] = gc.get_threshold()
_lock = threading.Lock()


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Raise the garbage collector's young threshold for the duration (nesting and concurrent
    syncs are counted: the first to enter saves the thresholds, the last to leave restores)."""
    global _relaxed, _saved
    with _lock:
        if _relaxed == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(max(_saved[0], YOUNG_THRESHOLD), _saved[1], _saved[2])
        _relaxed += 1
    try:
        yield
    finally:
        with _lock:
            _relaxed -= 1
            if _relaxed == 0:
                gc.set_threshold(*_saved)


async def prefetched(
    pages: AsyncIterator[Page], ahead_rows: int = 4000, merge_rows: int = 2000
) -> AsyncIterator[Page]:
    """The same pages in order, fetched ahead (up to `ahead_rows` rows waiting, at least one
    page) so the next requests run while this page is written; pages already waiting are merged
    (up to `merge_rows` rows) into one write. Counting rows, not pages, keeps the fetches going
    through a whole merged write of small pages (Jira: 100 a page) without holding many large
    ones (Zendesk: 1,000). A fetch error surfaces after the pages before it were yielded."""
    queue: asyncio.Queue[Page | Exception | None] = asyncio.Queue()
    room = asyncio.Condition()
    waiting = 0  # rows fetched and not yet taken

    def has_room() -> bool:
        return waiting == 0 or waiting < ahead_rows

    async def fetch() -> None:
        nonlocal waiting
        try:
            async for page in pages:
                async with room:
                    await room.wait_for(has_room)
                    waiting += len(page.rows)
                queue.put_nowait(page)
        except Exception as exc:  # handed to the consumer, which raises it in order
            queue.put_nowait(exc)
        else:
            queue.put_nowait(None)

    async def take() -> Page | Exception | None:
        nonlocal waiting
        item = await queue.get()
        if isinstance(item, Page):
            async with room:
                waiting -= len(item.rows)
                room.notify_all()
        return item

    task = asyncio.create_task(fetch())
    try:
        item = await take()
        while isinstance(item, Page):
            batch, rows = [item], len(item.rows)
            item = await take()
            while _mergeable(batch, rows, item, merge_rows):
                assert isinstance(item, Page)
                batch.append(item)
                rows += len(item.rows)
                item = await take()
            yield _merged(batch)
        if isinstance(item, Exception):
            raise item
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
        if isinstance(pages, AsyncGenerator):
            await pages.aclose()


def _mergeable(batch: list[Page], rows: int, item: object, limit: int) -> bool:
    """Whether `item` is a page that can join `batch` in one write (same table, no deletions)."""
    return (
        isinstance(item, Page)
        and item.table == batch[0].table
        and not batch[0].deleted_ids
        and not item.deleted_ids
        and rows + len(item.rows) <= limit
    )


def _merged(batch: list[Page]) -> Page:
    """One page holding the batch's rows (the later copy of a repeated key wins: PostgreSQL
    refuses one upsert touching a row twice), with the last page's cursor."""
    if len(batch) == 1:
        return batch[0]
    first, rows = batch[0], [row for page in batch for row in page.rows]
    key = NATURAL_KEYS.get(first.table, ("id",))
    if len(key) == 1:
        by_key = {row.get(key[0]): row for row in rows}
    else:
        by_key = {tuple(row.get(k) for k in key): row for row in rows}
    return Page(first.table, list(by_key.values()), batch[-1].cursor)
