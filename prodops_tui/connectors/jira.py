"""Jira Cloud REST v3: issues in (incremental JQL windows), edits out (priority, labels, ...)."""

from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from prodops_tui.connectors import jira_edits
from prodops_tui.connectors.base import Applied, Edit, Page
from prodops_tui.connectors.errors import Rejected
from prodops_tui.connectors.http import HttpCore, RateBudget
from prodops_tui.connectors.jira_bulk import apply_bulk
from prodops_tui.connectors.jira_links import LINK_OPS, apply_link
from prodops_tui.connectors.jira_map import bad, field, person_row
from prodops_tui.connectors.jira_pull import Scope, fetch, live_ids, pull_issues

__all__ = ["POINTS_NAMES", "JiraConnector", "jira_budgets"]

USERS_PAGE = 100
CONFIRM_AT_ONCE = 1000
"""Issues missing from a sweep that one sync confirms (10 bulk fetches; the rest: next sync)."""
POINTS_NAMES = ("Story point estimate", "Story Points")
"""Custom field names holding the estimate, tried in order unless `estimate_field` is set."""


def jira_budgets(per_second: int = 20, in_flight: int = 8) -> tuple[RateBudget, ...]:
    """A polite client-side budget for Jira's per-second burst limits."""
    return (RateBudget("jira", 1.0, per_second, in_flight),)


class JiraConnector:
    """Reads a Jira Cloud site's issues incrementally and writes edits back without clobbering."""

    kind: ClassVar[str] = "jira"
    streams: ClassVar[tuple[str, ...]] = ("issues",)
    reconciled: ClassVar[dict[str, str]] = {"issues": "issue"}
    """Deleted issues drop out of searches: `gone` finds them."""

    def __init__(self, http: HttpCore, *, connection_id: str, options: Mapping[str, Any]) -> None:
        self.http = http
        self.connection_id = connection_id
        self.options = dict(options)
        self.site = str(options.get("site") or connection_id.split(":", 1)[-1])
        self._scope: Scope | None = None
        self._edits = jira_edits.JiraEdits(http, self.site, self._poll_interval())

    def _poll_interval(self) -> float:
        value = self.options.get("poll_interval", 1.0)
        return float(value) if isinstance(value, int | float) and value >= 0 else 1.0

    async def check(self) -> str:
        me = await self.http.get_json("/rest/api/3/myself")
        return field(me, "displayName", str, "account")

    async def seat_holders(self) -> list[dict[str, Any]]:
        """Every account of the site (`/users/search`, all pages) as `person` rows; the licensed
        ones (active, account type `atlassian`) are the seats taken."""
        found: list[dict[str, Any]] = []
        while True:
            params = {"startAt": len(found), "maxResults": USERS_PAGE}
            page = await self.http.get_json("/rest/api/3/users/search", params=params)
            if not isinstance(page, list):
                raise bad("a user list that is not a list")
            found += [person_row(raw, self.connection_id) for raw in page]
            if len(page) < USERS_PAGE:
                return found

    def pull(self, stream: str, cursor: str) -> AsyncIterator[Page]:
        if stream != "issues":
            raise Rejected(f"Jira has no stream {stream!r}", service="jira")
        return self._pull(cursor)

    async def _pull(self, cursor: str) -> AsyncIterator[Page]:
        scope = await self.scope()
        async for page in pull_issues(self.http, scope, cursor):
            yield page

    async def live_ids(self) -> set[str]:
        """Ids of every issue in scope; local issues missing here were deleted remotely."""
        return await live_ids(self.http, await self.scope())

    async def gone(self, stream: str, held: set[str]) -> set[str]:
        """Held issues Jira no longer has: missing from an id sweep of the scope, then
        confirmed by a bulk fetch (one moved out of the scope still answers; it is kept)."""
        missing = sorted(held - await self.live_ids())[:CONFIRM_AT_ONCE]
        return set((await self.reread(missing)).deleted_ids) if missing else set()

    async def reread(self, ids: Sequence[str]) -> Page:
        """The issues' current rows (bulk fetch); ids the site no longer has are `deleted_ids`."""
        numbers = [jira_edits.remote_number(item) for item in ids]
        return await fetch(self.http, await self.scope(), numbers)

    async def apply(self, edit: Edit) -> Applied:
        if edit.op in ("bulk_fields", "bulk_transition"):
            return await apply_bulk(self._edits, edit)
        if edit.op in LINK_OPS:
            return await apply_link(self._edits, edit)
        if edit.op == "fields":
            self._edits.points_field = (await self.scope()).points_field
        return await self._edits.apply(edit)

    async def scope(self) -> Scope:
        """The JQL restriction, the account's time zone and the story-points field (cached)."""
        if self._scope is None:
            me = await self.http.get_json("/rest/api/3/myself")
            fields = await self.http.get_json("/rest/api/3/field")
            self._scope = Scope(
                jql=self._restriction(),
                site=self.site,
                zone=_zone(me),
                points_field=self._points_field(fields),
                in_flight=_bounded(self.options.get("in_flight"), 8),
            )
        return self._scope

    def _restriction(self) -> str:
        projects = self.options.get("projects")
        if isinstance(projects, Sequence) and not isinstance(projects, str) and projects:
            keys = [str(p) for p in projects if str(p).replace("_", "").isalnum()]
            if keys:
                return f"project in ({', '.join(keys)})"
        jql = str(self.options.get("jql") or "")
        head = jql[: _order_by_at(jql)].strip()
        if not head:
            raise Rejected("The Jira connection needs projects or a JQL filter", service="jira")
        return head

    def _points_field(self, fields: object) -> str | None:
        if not isinstance(fields, list):
            raise bad("a field list that is not a list")
        wanted = self.options.get("estimate_field")
        names = (wanted,) if isinstance(wanted, str) and wanted else POINTS_NAMES
        by_name = {
            f["name"]: f["id"]
            for f in fields
            if isinstance(f, dict)
            and isinstance(f.get("id"), str)
            and isinstance(f.get("name"), str)
        }
        return next((str(by_name[n]) for n in names if n in by_name), None)


def _order_by_at(jql: str) -> int:
    at = jql.lower().find("order by")
    return len(jql) if at < 0 else at


def _zone(me: object) -> ZoneInfo:
    name = me.get("timeZone") if isinstance(me, dict) else None
    try:
        return ZoneInfo(name) if isinstance(name, str) and name else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _bounded(value: object, default: int) -> int:
    return value if isinstance(value, int) and 1 <= value <= 32 else default
