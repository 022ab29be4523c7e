"""GrowthBook: experiments (incremental by dateUpdated) with phases, variations and results."""

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping
from datetime import UTC, date, datetime
from typing import Any, ClassVar
from urllib.parse import quote

from prodops_tui.connectors.base import Applied, Edit, Page
from prodops_tui.connectors.errors import NotFound, Rejected
from prodops_tui.connectors.growthbook_map import (
    GB,
    experiment_row,
    list_page,
    metric_names,
    results_summary,
)
from prodops_tui.connectors.http import HttpCore
from prodops_tui.connectors.paging import Trail

__all__ = ["GrowthBookConnector"]

_LIST = "/api/v1/experiments"
_WITH_RESULTS = ("running", "stopped")
RESULTS_CONCURRENCY = 4
CONFIRM_AT_ONCE = 50
"""Experiments missing from a sweep that one sync checks one by one (the rest: next sync)."""
"""Results requests of one page in flight at once (each still passes the client's budgets)."""


def _archived(raw: Any) -> bool:
    return GB.field(raw, "archived", bool, optional=True) is True


def _watermark(cursor: str) -> datetime | None:
    """The saved dateUpdated watermark; an unreadable cursor means "from scratch"."""
    try:
        moment = datetime.fromisoformat(cursor) if cursor else None
    except ValueError:
        return None
    return None if moment is None or moment.tzinfo is None else moment.astimezone(UTC)


class GrowthBookConnector:
    """Reads a GrowthBook project's experiments and their latest results (read-only)."""

    kind: ClassVar[str] = "growthbook"
    streams: ClassVar[tuple[str, ...]] = ("experiments",)
    reconciled: ClassVar[dict[str, str]] = {"experiments": "experiment"}
    """Deleted and archived experiments only drop out of the list: `gone` finds them."""

    def __init__(self, http: HttpCore, *, connection_id: str, options: Mapping[str, Any]) -> None:
        self.http = http
        self.connection_id = connection_id
        self.options = dict(options)
        self.project = str(options.get("project_id") or "")
        size = options.get("page_size", 100)
        self.page_size = size if isinstance(size, int) and 1 <= size <= 100 else 100
        self._metrics: dict[str, str] | None = None
        self.today: Callable[[], date] = lambda: datetime.now(UTC).date()
        """Today in UTC: a draft whose first phase starts later reads as scheduled."""

    def _params(self, offset: int, **extra: Any) -> dict[str, Any]:
        params: dict[str, Any] = {"limit": self.page_size, "offset": offset, **extra}
        if self.project:
            params["projectId"] = self.project
        return params

    async def check(self) -> str:
        body = await self.http.get_json(_LIST, params=self._params(0, limit=1))
        total = GB.field(body, "total", int)
        where = self.project or "all projects"
        return f"GrowthBook API key ({total} experiments in {where})"

    def pull(self, stream: str, cursor: str) -> AsyncIterator[Page]:
        if stream != "experiments":
            raise Rejected(f"GrowthBook has no stream {stream!r}", service="growthbook")
        return self._experiments(cursor)

    async def metrics(self) -> dict[str, str]:
        """Metric id -> name for the project (read once per connector)."""
        if self._metrics is None:
            found: dict[str, str] = {}
            offset: int | None = 0
            trail = Trail("growthbook", "GrowthBook", "a metrics offset")
            while offset is not None:
                trail.follow(offset)
                body = await self.http.get_json("/api/v1/metrics", params=self._params(offset))
                found.update(metric_names(body))
                _, offset = list_page(body, "metrics")
            self._metrics = found
        return self._metrics

    async def _experiments(self, cursor: str) -> AsyncIterator[Page]:
        """Newest first until the saved watermark; the watermark moves only with the last page,
        so an interrupted run starts over rather than skipping older changes."""
        watermark = _watermark(cursor)
        newest = watermark
        offset: int | None = 0
        trail = Trail("growthbook", "GrowthBook", "an experiments offset")
        while offset is not None:
            trail.follow(offset)
            params = self._params(offset, sortBy="dateUpdated", sortOrder="desc")
            items, offset = list_page(await self.http.get_json(_LIST, params=params), "experiments")
            fresh: list[tuple[Any, dict[str, Any]]] = []
            for raw in items:
                if _archived(raw):
                    continue
                row = await self._row(raw)
                if watermark is not None and row["updated"] < watermark:
                    offset = None
                    break
                fresh.append((raw, row))
                newest = row["updated"] if newest is None else max(newest, row["updated"])
            slots = asyncio.Semaphore(RESULTS_CONCURRENCY)
            found = await asyncio.gather(*(self._results(raw, row, slots) for raw, row in fresh))
            rows = [
                row | {"results": results} for (_, row), results in zip(fresh, found, strict=True)
            ]
            done = offset is None
            saved = newest.isoformat() if done and newest is not None else cursor
            yield Page("experiment", rows, saved)

    async def _row(self, raw: Any) -> dict[str, Any]:
        metrics = await self.metrics()
        return experiment_row(
            raw, connection_id=self.connection_id, metrics=metrics, today=self.today()
        )

    async def _results(
        self, raw: Any, row: dict[str, Any], slots: asyncio.Semaphore
    ) -> dict[str, Any]:
        if row["status"] not in _WITH_RESULTS:
            return {}
        metrics = await self.metrics()
        goal = next((k for k, v in metrics.items() if v == row["primary_metric"]), "")
        async with slots:
            return await self.experiment_results(GB.field(raw, "id", str), goal or None)

    async def list_experiments(self) -> list[dict[str, Any]]:
        """Every experiment of the project as `experiment` rows, results included."""
        rows: list[dict[str, Any]] = []
        async for page in self._experiments(""):
            rows.extend(page.rows)
        return rows

    async def experiment_results(
        self, experiment_id: str, goal: str | None = None
    ) -> dict[str, Any]:
        """The latest results summary of one experiment; {} when it has none yet (GrowthBook
        answers 400 "No results found for that experiment")."""
        path = f"/api/v1/experiments/{quote(experiment_id, safe='')}/results"
        try:
            body = await self.http.get_json(path)
        except (NotFound, Rejected):
            return {}
        return results_summary(body, goal or "")

    async def gone(self, stream: str, held: set[str]) -> set[str]:
        """Which held experiment ids GrowthBook no longer has: archived in a sweep of the list
        (oldest first, so edits do not move items between pages), or missing from it and then
        confirmed one by one (404 or archived; at most CONFIRM_AT_ONCE a run)."""
        seen: dict[str, bool] = {}
        offset: int | None = 0
        while offset is not None:
            params = self._params(offset, sortBy="dateCreated", sortOrder="asc")
            items, offset = list_page(await self.http.get_json(_LIST, params=params), "experiments")
            seen |= {self._key(raw): _archived(raw) for raw in items}
        missing = sorted(held - seen.keys())[:CONFIRM_AT_ONCE]
        confirmed = {item for item in missing if await self._vanished(item)}
        return {item for item in held if seen.get(item)} | confirmed

    def _key(self, raw: Any) -> str:
        return f"{self.connection_id}:{GB.field(raw, 'id', str)}"

    async def _vanished(self, item: str) -> bool:
        path = f"{_LIST}/{quote(item.removeprefix(self.connection_id + ':'), safe='')}"
        try:
            body = await self.http.get_json(path)
        except NotFound:
            return True
        return _archived(GB.field(body, "experiment", dict))

    async def apply(self, edit: Edit) -> Applied:
        raise Rejected(
            f"GrowthBook is read-only in prodops; cannot apply {edit.op!r}.", service="growthbook"
        )
