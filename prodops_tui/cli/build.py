"""Build a demo workspace from the generator, atomically, with a progress bar."""

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)


def _sidecars(path: Path) -> list[Path]:
    return [path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")]


def build_demo_workspace(
    path: Path, *, size: str, seed: int, today: date | None = None, quiet: bool = False
) -> dict[str, int]:
    """Fill a new workspace at `path` from the generator; a failed build leaves nothing behind."""
    from prodops_tui.services.demo import fill_workspace
    from prodops_tui.store.store import Store

    path.parent.mkdir(parents=True, exist_ok=True)
    building = path.with_name(f".{path.name}.building-{os.getpid()}")
    for leftover in _sidecars(building):
        leftover.unlink(missing_ok=True)
    try:
        store = Store.open(f"sqlite:///{building}")
        try:
            with _progress(quiet) as report:
                counts = fill_workspace(store, size=size, seed=seed, today=today, progress=report)
        finally:
            store.close()
        for stale in _sidecars(path)[1:]:
            stale.unlink(missing_ok=True)
        building.replace(path)
    finally:
        for leftover in _sidecars(building):
            leftover.unlink(missing_ok=True)
    return counts


Report = Callable[[str, int, int], None]


@contextmanager
def _progress(quiet: bool) -> Iterator[Report]:
    """A rich progress bar per table, or a silent reporter."""
    if quiet:
        yield lambda table, done, total: None
        return
    columns = (TextColumn("{task.description:<12}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, TimeElapsedColumn(), transient=False) as bars:
        tasks: dict[str, TaskID] = {}

        def report(table: str, done: int, total: int) -> None:
            if table not in tasks:
                tasks[table] = bars.add_task(table, total=total)
            bars.update(tasks[table], completed=done, total=total)

        yield report
