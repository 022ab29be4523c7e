"""Fill a workspace with a generated company, for the demo, tests and benchmarks."""

from collections.abc import Callable, Iterable, Iterator
from datetime import date
from itertools import islice
from typing import TYPE_CHECKING, Any

from prodops_tui.services.generator import TABLE_ORDER, Company, generate

if TYPE_CHECKING:
    from prodops_tui.store.store import Store

Progress = Callable[[str, int, int], None]
"""progress(table, rows done, rows in that table), called after each batch."""

BATCH = 2_000


def _batches(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def fill_company(
    store: "Store", company: Company, progress: Progress | None = None, *, batch: int = BATCH
) -> dict[str, int]:
    """Upsert every table of `company` in foreign-key order; rows written per table."""
    totals = company.counts() if progress else {}
    written: dict[str, int] = {}
    for table in TABLE_ORDER:
        done = 0
        written[table] = 0
        for chunk in _batches(company.rows(table), batch):
            written[table] += store.upsert(table, chunk, batch=batch)
            done += len(chunk)
            if progress:
                progress(table, done, totals[table])
        if progress and done == 0:
            progress(table, 0, 0)
    return written


def fill_workspace(
    store: "Store",
    size: str = "small",
    seed: int = 7,
    progress: Progress | None = None,
    *,
    today: date | None = None,
) -> dict[str, int]:
    """Write the generated company of this size and seed into `store`; rows written per table.

    `today` dates the company (default: the real date), e.g. for reproducible screenshots.

    Re-filling the same workspace is safe: rows are upserted on their natural keys, and issues
    and feedback whose `updated` did not move are skipped (so they count as 0 written).
    """
    return fill_company(store, generate(size, seed, today), progress)
