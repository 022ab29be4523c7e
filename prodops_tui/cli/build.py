"""Build a demo workspace from the generator, atomically, with a progress bar."""

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

if TYPE_CHECKING:
    from prodops_tui.fakes.serve import RunningFakes
    from prodops_tui.services.generator import Company
    from prodops_tui.services.sync import SyncReport
    from prodops_tui.store.store import Store


def _sidecars(path: Path) -> list[Path]:
    """The database, its SQLite side files and its sync locks (services/sync_lock.py)."""
    locks = sorted(path.parent.glob(f"{path.name}.sync-*.lock"))
    return [path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal"), *locks]


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
        for stale in _sidecars(path)[1:4]:  # never a live sync lock
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


FAKE_SETTINGS: dict[str, dict[str, Any]] = {
    "zendesk": {"incremental_per_minute": 600},
    "growthbook": {"per_minute": 6000},
    "mixpanel": {"per_hour": 600},
}
"""The demo's fakes answer faster than the real services' budgets allow."""


def fake_connections(company: "Company", fakes: "RunningFakes") -> list[dict[str, Any]]:
    """The company's connection rows, pointed at the running fakes."""
    from prodops_tui.services.generator_text import PROJECTS

    special: dict[str, dict[str, Any]] = {
        "jira": {
            "account": "ops@acme.example",
            "auth_method": "basic",
            "options": {
                "projects": [key for key, _ in PROJECTS],
                "poll_interval": 0,
                "per_second": 100,
            },
        },
        "zendesk": {
            "account": "",
            "auth_method": "oauth",
            "options": {"subdomain": "acme", "incremental_per_minute": 600},
        },
    }
    budgets = {"growthbook": {"per_minute": 6000}, "mixpanel": {"per_hour": 600}}
    rows = []
    for row in company.connections():
        kind = row["kind"]
        if kind in fakes.urls:
            options = {**row["options"], **budgets.get(kind, {})}
            row = {**row, "base_url": fakes.urls[kind], "options": options, **special.get(kind, {})}
        rows.append(row)
    return rows


def _local_rows(company: "Company", served: set[str]) -> dict[str, list[dict[str, Any]]]:
    """What the fakes do not serve: tools, evidence, local plans and triage, and the data of
    services without a running fake."""
    issue_local = "triage_state snoozed_until reach impact confidence effort score usage_event"
    rows: dict[str, list[dict[str, Any]]] = {
        "tool": list(company.tools()),
        "issue": [
            {"id": r["id"], **{k: r[k] for k in issue_local.split()}} for r in company.issues()
        ],
        "experiment": [
            r
            for r in company.experiments()
            if r["source"] != "growthbook" or "growthbook" not in served
        ],
    }
    synced, unserved = [], []
    for r in company.feedback():
        from_zendesk = r["kind"] in ("ticket", "csat") and "zendesk" in served
        if r["kind"] == "csat" and (r["score"] or 3) == 3:
            from_zendesk = False  # served as "offered" (unanswered): Zendesk has no neutral
        if from_zendesk or (r["kind"] == "nps" and "mixpanel" in served):
            synced.append({"id": r["id"], "state": r["state"], "snoozed_until": r["snoozed_until"]})
        else:
            unserved.append(r)
    rows["feedback"] = unserved
    rows["feedback_local"] = synced
    rows["evidence"] = list(company.evidence())
    return rows


def sync_from_fakes(
    store: "Store", company: "Company", fakes: "RunningFakes", *, quiet: bool = False
) -> list["SyncReport"]:
    """Fill `store` through the real connectors from the running fakes, plus local data."""
    import asyncio

    from prodops_tui.cli.sync import progress_bars, sync_all

    rows = fake_connections(company, fakes)
    store.upsert("connection", rows)
    served = set(fakes.urls)
    if "zendesk" not in served:
        store.upsert("org", company.orgs())
    local = _local_rows(company, served)
    store.upsert("tool", local.pop("tool"))
    synced = [row for row in rows if row["kind"] in served]
    with progress_bars(quiet) as progress:
        reports = asyncio.run(
            sync_all(
                store,
                synced,
                lambda row: fakes.tokens.get(row["kind"]),
                lambda row: None,
                progress,
            )
        )
    for table, table_rows in local.items():
        _write_local(store, table.removesuffix("_local"), table_rows)
    _rescore_everything(store)  # evidence and typed inputs arrived after the pages
    return reports


def _rescore_everything(store: "Store") -> None:
    from sqlalchemy import text

    from prodops_tui.services.scoring import rescore

    with store.read() as conn:
        ids = [str(i) for i in conn.execute(text("SELECT id FROM issue")).scalars()]
    rescore(store, ids)


def _write_local(store: "Store", table: str, rows: list[dict[str, Any]]) -> None:
    """Whole rows are upserted; partial rows (local fields of synced items) are updates."""
    from sqlalchemy import bindparam, update
    from sqlmodel import SQLModel

    if not rows or "updated" in rows[0] or table not in ("issue", "feedback"):
        store.upsert(table, rows)
        return
    target = SQLModel.metadata.tables[table]
    columns = [c for c in rows[0] if c != "id"]
    statement = (
        update(target)
        .where(target.c.id == bindparam("_id"))
        .values({c: bindparam(f"_{c}") for c in columns})
    )
    with store.write() as conn:
        conn.execute(statement, [{f"_{k}": v for k, v in row.items()} for row in rows])


def build_synced_demo(
    path: Path, company: "Company", fakes: "RunningFakes", *, quiet: bool = False
) -> list["SyncReport"]:
    """Build the demo workspace at `path` atomically from the fakes (see `sync_from_fakes`)."""
    from prodops_tui.store.store import Store

    path.parent.mkdir(parents=True, exist_ok=True)
    building = path.with_name(f".{path.name}.building-{os.getpid()}")
    try:
        store = Store.open(f"sqlite:///{building}")
        try:
            reports = sync_from_fakes(store, company, fakes, quiet=quiet)
        finally:
            store.close()
        failed = [r.connection_id for r in reports if not r.ok]
        if failed:
            raise OSError(f"the demo sync failed for {', '.join(failed)}")
        for stale in _sidecars(path)[1:4]:  # never a live sync lock
            stale.unlink(missing_ok=True)
        building.replace(path)
    finally:
        for leftover in _sidecars(building):
            leftover.unlink(missing_ok=True)
    return reports


def refresh_demo(url: str, company: "Company", fakes: "RunningFakes") -> list["SyncReport"]:
    """Point an existing demo workspace at this run's fakes and sync it."""
    import asyncio

    from prodops_tui.cli.sync import progress_bars, sync_all
    from prodops_tui.store.store import Store

    store = Store.open(url)
    try:
        rows = fake_connections(company, fakes)
        store.upsert("connection", rows)
        synced = [row for row in rows if row["kind"] in fakes.urls]
        with progress_bars() as progress:
            return asyncio.run(
                sync_all(
                    store, synced, lambda r: fakes.tokens.get(r["kind"]), lambda r: None, progress
                )
            )
    finally:
        store.close()
