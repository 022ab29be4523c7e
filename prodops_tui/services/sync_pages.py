"""Pages on their way from a connector to the store: fetched ahead while the previous page is
written, and merged into fewer, larger write transactions when several are already waiting
(one fsync each under `synchronous=FULL`). Order, and so cursor safety, is kept."""

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import suppress

from prodops_tui.connectors.base import Page
from prodops_tui.store.store import NATURAL_KEYS

__all__ = ["prefetched"]


async def prefetched(
    pages: AsyncIterator[Page], depth: int = 4, merge_rows: int = 2000
) -> AsyncIterator[Page]:
    """The same pages in order, with up to `depth` fetched ahead so the next requests run while
    this page is written; pages already waiting are merged (up to `merge_rows` rows) into one
    write. A fetch error surfaces after the pages before it were yielded."""
    queue: asyncio.Queue[Page | Exception | None] = asyncio.Queue(depth)

    async def fetch() -> None:
        try:
            async for page in pages:
                await queue.put(page)
        except Exception as exc:  # handed to the consumer, which raises it in order
            await queue.put(exc)
        else:
            await queue.put(None)

    task = asyncio.create_task(fetch())
    try:
        item = await queue.get()
        while isinstance(item, Page):
            page = item
            item = await queue.get()
            while _mergeable(page, item, merge_rows):
                page = _merged(page, item)  # type: ignore[arg-type]
                item = queue.get_nowait() if not queue.empty() else await queue.get()
            yield page
        if isinstance(item, Exception):
            raise item
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
        if isinstance(pages, AsyncGenerator):
            await pages.aclose()


def _mergeable(page: Page, item: object, limit: int) -> bool:
    """Whether `item` is a page that can join `page` in one write (same table, no deletions)."""
    return (
        isinstance(item, Page)
        and item.table == page.table
        and not page.deleted_ids
        and not item.deleted_ids
        and len(page.rows) + len(item.rows) <= limit
    )


def _merged(first: Page, second: Page) -> Page:
    """One page holding both pages' rows (the later copy of a repeated key wins: PostgreSQL
    refuses one upsert touching a row twice), with the second's cursor."""
    key = NATURAL_KEYS.get(first.table, ("id",))
    by_key = {tuple(row.get(k) for k in key): row for row in first.rows + second.rows}
    return Page(first.table, list(by_key.values()), second.cursor)
