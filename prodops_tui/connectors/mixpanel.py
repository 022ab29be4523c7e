"""Mixpanel: daily event counts, DAU and MAU (stickiness) and NPS survey responses.

Queries go to the Query API (`/api/query/...` under the connection's base URL); NPS responses
come from the raw Event Export, which lives on the `data` host (`data.mixpanel.com`,
`data-eu...`, `data-in...`; the same host for anything else, such as the local fake). Every query
result is cached for an hour within a run: the project allows 60 queries an hour, 5 at once.
"""

import json
import time
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar

import httpx

from prodops_tui.connectors import mixpanel_map as mmap
from prodops_tui.connectors.base import Applied, Edit, Page
from prodops_tui.connectors.errors import BadResponse, Rejected
from prodops_tui.connectors.http import HttpCore

__all__ = ["QUERY_BUDGET", "MixpanelConnector", "export_url"]

QUERY_BUDGET = "mixpanel.query"
CACHE_SECONDS = 3600.0
_OVERLAP_DAYS = 3
_GZIP = {"Accept-Encoding": "gzip"}
"""The export spec allows only gzip here; httpx would also offer deflate."""
_DATA_HOSTS = {"mixpanel.com": "data", "eu.mixpanel.com": "data-eu", "in.mixpanel.com": "data-in"}


def export_url(base_url: str) -> str:
    """Where the raw Event Export lives for a Query API base URL."""
    url = httpx.URL(base_url)
    data = _DATA_HOSTS.get(url.host)
    if data is not None:
        return f"https://{data}.mixpanel.com/api/2.0/export"
    return str(url.copy_with(path="/api/2.0/export", query=None))


def _int_option(options: Mapping[str, Any], key: str, default: int, top: int) -> int:
    value = options.get(key, default)
    return value if isinstance(value, int) and 1 <= value <= top else default


def _cursor_day(cursor: str) -> date | None:
    try:
        return date.fromisoformat(cursor) if cursor else None
    except ValueError:
        return None


class MixpanelConnector:
    """Reads usage counts and NPS responses from one Mixpanel project (read-only)."""

    kind: ClassVar[str] = "mixpanel"
    streams: ClassVar[tuple[str, ...]] = ("usage", "nps")

    def __init__(self, http: HttpCore, *, connection_id: str, options: Mapping[str, Any]) -> None:
        self.http = http
        self.connection_id = connection_id
        self.options = dict(options)
        self.project_id = str(options.get("project_id", ""))
        self.active_event = str(options.get("active_event") or "app_opened")
        self.nps_event = str(options.get("nps_event") or "NPS Survey Response")
        self.usage_days = _int_option(options, "usage_days", 90, 730)
        self.nps_days = _int_option(options, "nps_days", 365, 730)
        self.export_url = str(options.get("export_url") or export_url(http.base_url))
        self._budget = QUERY_BUDGET if QUERY_BUDGET in http.budgets else None
        self._cache: dict[str, tuple[float, Any]] = {}
        self.clock: Callable[[], float] = time.monotonic
        self.today: Callable[[], date] = lambda: datetime.now(UTC).date()

    def _params(self, **extra: Any) -> dict[str, Any]:
        if not self.project_id:
            raise Rejected("The Mixpanel connection needs a project_id.", service="mixpanel")
        return {"project_id": self.project_id, **extra}

    async def query(self, path: str, **params: Any) -> Any:
        """GET a Query API report, served from the hour-long cache when asked before."""
        sent = self._params(**params)
        key = json.dumps([path, sorted(sent.items())], default=str)
        hit = self._cache.get(key)
        if hit is not None and self.clock() - hit[0] < CACHE_SECONDS:
            return hit[1]
        body = await self.http.get_json(f"/api/query/{path}", params=sent, budget=self._budget)
        self._cache[key] = (self.clock(), body)
        return body

    async def check(self) -> str:
        names = await self.query("events/names", type="general", limit=1)
        if not isinstance(names, list):
            raise mmap.MP.bad("events/names did not return a list")
        return f"Mixpanel service account (project {self.project_id})"

    def pull(self, stream: str, cursor: str) -> AsyncIterator[Page]:
        if stream == "usage":
            return self._usage(cursor)
        if stream == "nps":
            return self._nps(cursor)
        raise Rejected(f"Mixpanel has no stream {stream!r}", service="mixpanel")

    async def event_names(self) -> list[str]:
        """The configured `events`, or the project's event names (survey event left out)."""
        chosen = self.options.get("events")
        if isinstance(chosen, list) and all(isinstance(e, str) for e in chosen) and chosen:
            return list(chosen)
        names = await self.query("events/names", type="general", limit=255)
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise mmap.MP.bad("events/names must be a list of names")
        return [n for n in names if n != self.nps_event]

    async def event_counts(
        self,
        events: Iterable[str],
        start: date,
        end: date,
        unit: str = "day",
        kind: str = "general",
    ) -> dict[str, dict[date, int]]:
        """Counts (or unique users, `kind="unique"`) of each event per day or month."""
        names = list(dict.fromkeys(events))
        if not names:
            return {}
        body = await self.query(
            "events",
            event=json.dumps(names),
            type=kind,
            unit=unit,
            from_date=start.isoformat(),
            to_date=end.isoformat(),
        )
        return mmap.series(body)

    async def _usage(self, cursor: str) -> AsyncIterator[Page]:
        today = self.today()
        floor = today - timedelta(days=self.usage_days)
        saved = _cursor_day(cursor)
        start = max(floor, saved - timedelta(days=_OVERLAP_DAYS)) if saved else floor
        names = [*(await self.event_names()), self.active_event]
        general = await self.event_counts(names, start, today)
        unique = await self.event_counts(names, start, today, kind="unique")
        month_start = start.replace(day=1)
        monthly = await self.event_counts(
            [self.active_event], month_start, today, unit="month", kind="unique"
        )
        rows = mmap.usage_rows(general, unique, monthly, self.active_event)
        yield Page("usage_daily", rows, today.isoformat())

    async def nps_responses(self, start: date, end: date) -> list[dict[str, Any]]:
        """The survey responses between two days (inclusive) as `feedback` rows."""
        params = self._params(
            from_date=start.isoformat(), to_date=end.isoformat(), event=json.dumps([self.nps_event])
        )
        response = await self.http.request(
            "GET", self.export_url, params=params, headers=_GZIP, budget=self._budget
        )
        if "html" in response.headers.get("content-type", "").lower():
            raise BadResponse(
                "Mixpanel sent an HTML page instead of exported events", service="mixpanel"
            )
        score = str(self.options.get("score_property") or "score")
        comment = str(self.options.get("comment_property") or "comment")
        return [
            mmap.nps_row(e, connection_id=self.connection_id, score_key=score, comment_key=comment)
            for e in mmap.export_events(response.content)
        ]

    async def _nps(self, cursor: str) -> AsyncIterator[Page]:
        """From the day of the newest saved response (re-read: upserts dedupe) to today."""
        today = self.today()
        saved = _cursor_day(cursor)
        start = saved or today - timedelta(days=self.nps_days)
        rows = await self.nps_responses(min(start, today), today)
        newest = max((r["created"].date() for r in rows), default=saved or today)
        yield Page("feedback", rows, min(newest, today).isoformat())

    async def nps(self, start: date, end: date) -> dict[str, Any]:
        """NPS over a period from a segmentation of the survey event by its score property."""
        score = str(self.options.get("score_property") or "score")
        body = await self.query(
            "segmentation",
            event=self.nps_event,
            on=f'properties["{score}"]',
            unit="day",
            from_date=start.isoformat(),
            to_date=end.isoformat(),
        )
        return mmap.nps_summary(body)

    async def apply(self, edit: Edit) -> Applied:
        raise Rejected(
            f"Mixpanel is read-only in prodops; cannot apply {edit.op!r}.", service="mixpanel"
        )
