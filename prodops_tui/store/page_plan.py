"""How the read path gets a list's first page: a query-bar list on SQLite walks the order's
index only briefly before it sorts the matches instead."""

import time
from collections.abc import Callable, Sequence
from typing import Any

from prodops_tui.store.errors import ReadCancelled
from prodops_tui.store.read_sql import ListQuery, page_sql

Cancelled = Callable[[], bool]
"""Asked while a long read runs: True stops it with ReadCancelled (SQLite only)."""
Fetch = Callable[[str, Sequence[Any], Cancelled | None], list[Any]]

WALK_BUDGET = 0.02
"""CPU seconds a first page may walk the order's index. Common matches fill a page in a few ms
that way; rare ones would have it visit every row in display order (random reads over the whole
table), where reading the table once and sorting the matches is several times faster. CPU time
of the reading thread, not wall time: on a busy machine a wall-clock budget ran out while the
thread waited for a core and threw away a walk that was nearly done."""
WALK_WALL = 0.25
"""Wall seconds a walk may take at most (reads from disk cost the thread no CPU)."""


def page_rows(fetch: Fetch, q: ListQuery, dialect: str, limit: int) -> list[Any]:
    """The driver rows of a list's first `limit` rows in display order."""
    if q.where is None or dialect != "sqlite":
        return fetch(*page_sql(q, dialect, limit), None)
    cpu, wall = time.thread_time() + WALK_BUDGET, time.monotonic() + WALK_WALL

    def spent() -> bool:
        return time.thread_time() > cpu or time.monotonic() > wall

    try:
        return fetch(*page_sql(q, dialect, limit), spent)
    except ReadCancelled:
        return fetch(*page_sql(q, dialect, limit, scan=True), None)
