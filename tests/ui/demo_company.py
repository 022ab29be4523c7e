"""The generated demo company the snapshot and calendar tests share: seed 7, fixed today."""

from datetime import UTC, date, datetime

from prodops_tui.services.demo import fill_workspace
from prodops_tui.store.store import Store

TODAY = date(2025, 3, 10)


def clock() -> datetime:
    return datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


def fill_demo(url: str) -> str:
    """Fill the workspace at `url` with the tiny company; returns the URL."""
    store = Store.open(url)
    try:
        fill_workspace(store, "tiny", seed=7, today=TODAY)
    finally:
        store.close()
    return url
