"""Incremental Jira pulls: issue ids through enhanced JQL, then details by concurrent bulk fetch.

Atlassian's advice (API-NOTES.md §1.1): ids first with a large `maxResults`, details second via
`/issue/bulkfetch` (100 per call), several calls in flight. Pages come out in search order, so
the cursor (the latest `updated` seen, never later than the sweep's start) only moves forward.
"""

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from prodops_tui.connectors.base import Page
from prodops_tui.connectors.errors import ConnectorError
from prodops_tui.connectors.http import HttpCore
from prodops_tui.connectors.jira_map import ISSUE_FIELDS, bad, field, issue_row, jql_time, remote_id
from prodops_tui.connectors.paging import Trail

SEARCH = "/rest/api/3/search/jql"
BULK_FETCH = "/rest/api/3/issue/bulkfetch"
ID_PAGE = 5000
FETCH_CHUNK = 100
OVERLAP = timedelta(minutes=2)


@dataclass(frozen=True)
class Scope:
    """What one connection syncs: a bounded JQL restriction and how to read its issues."""

    jql: str
    site: str
    zone: tzinfo
    points_field: str | None
    in_flight: int = 8


def parse_cursor(cursor: str) -> datetime | None:
    """The saved cursor as an aware datetime; None (a full sweep) if empty or unreadable."""
    try:
        moment = datetime.fromisoformat(cursor) if cursor else None
    except ValueError:
        return None
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)


def window_jql(scope: Scope, since: datetime | None) -> str:
    clause = f"({scope.jql})"
    if since is not None:
        clause += f' AND updated >= "{jql_time(since, scope.zone, OVERLAP)}"'
    return clause + " ORDER BY updated ASC, key ASC"


async def id_pages(http: HttpCore, jql: str) -> AsyncIterator[list[str]]:
    """Issue ids matching `jql`, one search page at a time, until `isLast` (a token handed out
    twice is a pagination loop: BadResponse)."""
    token: str | None = None
    trail = Trail("jira", "Jira", "a search page token")
    while True:
        trail.follow(token)
        body: dict[str, Any] = {"jql": jql, "fields": ["id"], "maxResults": ID_PAGE}
        if token:
            body["nextPageToken"] = token
        page = await http.get_json(SEARCH, method="POST", json=body)
        issues = field(page, "issues", list, "search page")
        yield [remote_id(issue) for issue in issues]
        last = page.get("isLast")
        token = page.get("nextPageToken")
        if last is True or not issues:
            return
        if not isinstance(token, str) or not token:
            raise bad("a search page without isLast or nextPageToken")


async def live_ids(http: HttpCore, scope: Scope) -> set[str]:
    """Every issue id in scope (an id-only sweep): the rest were deleted or moved out."""
    found: set[str] = set()
    async for ids in id_pages(http, f"({scope.jql}) ORDER BY key ASC"):
        found.update(f"jira:{scope.site}:{number}" for number in ids)
    return found


async def _fetch(
    http: HttpCore, scope: Scope, ids: Sequence[str]
) -> tuple[list[dict[str, Any]], tuple[str, ...]]:
    wanted = list(ISSUE_FIELDS) + ([scope.points_field] if scope.points_field else [])
    body = {"issueIdsOrKeys": list(ids), "fields": wanted}
    answer = await http.get_json(BULK_FETCH, method="POST", json=body)
    issues = field(answer, "issues", list, "bulk fetch")
    rows = [issue_row(raw, site=scope.site, points_field=scope.points_field) for raw in issues]
    returned = {row["id"] for row in rows}
    gone = tuple(f"jira:{scope.site}:{n}" for n in ids if f"jira:{scope.site}:{n}" not in returned)
    return rows, gone


async def fetch(http: HttpCore, scope: Scope, numbers: Sequence[str]) -> Page:
    """The current rows of some issues, fetched now, in chunks of FETCH_CHUNK."""
    rows: list[dict[str, Any]] = []
    gone: tuple[str, ...] = ()
    for start in range(0, len(numbers), FETCH_CHUNK):
        found, missing = await _fetch(http, scope, numbers[start : start + FETCH_CHUNK])
        rows += found
        gone += missing
    return Page("issue", rows, "", deleted_ids=gone)


async def _chunks(http: HttpCore, jql: str) -> AsyncIterator[list[str]]:
    async for ids in id_pages(http, jql):
        for start in range(0, len(ids), FETCH_CHUNK):
            yield ids[start : start + FETCH_CHUNK]


async def pull_issues(http: HttpCore, scope: Scope, cursor: str) -> AsyncIterator[Page]:
    """Pages of changed issues since `cursor` (with a two-minute overlap), in search order."""
    since = parse_cursor(cursor)
    started = datetime.now(UTC)
    latest = since
    pending: deque[asyncio.Task[tuple[list[dict[str, Any]], tuple[str, ...]]]] = deque()
    failed: ConnectorError | None = None
    try:
        try:
            async for chunk in _chunks(http, window_jql(scope, since)):
                pending.append(asyncio.create_task(_fetch(http, scope, chunk)))
                while len(pending) >= scope.in_flight:
                    rows, gone = await pending.popleft()
                    latest = _later(latest, rows, started)
                    yield _page(rows, gone, latest, cursor)
        except ConnectorError as exc:
            failed = exc  # a later search page failed: the fetches under way still land first
        while pending:
            rows, gone = await pending.popleft()
            latest = _later(latest, rows, started)
            yield _page(rows, gone, latest, cursor)
        if failed is not None:
            raise failed
    finally:
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)


def _later(
    latest: datetime | None, rows: list[dict[str, Any]], started: datetime
) -> datetime | None:
    """The newest `updated` seen, capped at the sweep's start so later edits are not skipped."""
    newest = max((row["updated"] for row in rows), default=None)
    if newest is None:
        return latest
    capped = min(newest, started)
    return capped if latest is None or capped > latest else latest


def _page(
    rows: list[dict[str, Any]], gone: tuple[str, ...], latest: datetime | None, old: str
) -> Page:
    return Page("issue", rows, latest.isoformat() if latest else old, deleted_ids=gone)
