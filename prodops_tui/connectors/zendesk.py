"""Zendesk Support: tickets, users, organizations and satisfaction ratings in; tag edits out."""

from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any, ClassVar

from prodops_tui.connectors import zendesk_map as zmap
from prodops_tui.connectors.base import Applied, Edit, Page
from prodops_tui.connectors.errors import Conflict, Rejected
from prodops_tui.connectors.http import HttpCore, RateBudget
from prodops_tui.connectors.paging import Trail
from prodops_tui.connectors.zendesk_map import Person, bad, field
from prodops_tui.connectors.zendesk_oauth import deprecation_warning

__all__ = ["ZendeskConnector", "zendesk_budgets"]

_EXPORT = "zendesk.incremental"


def zendesk_budgets(incremental_per_minute: int = 10) -> tuple[RateBudget, ...]:
    """The client-side budgets Zendesk enforces: incremental exports 10 requests a minute."""
    return (RateBudget(_EXPORT, 60, incremental_per_minute),)


class ZendeskConnector:
    """Reads a Zendesk Support account incrementally and writes tag changes back safely."""

    kind: ClassVar[str] = "zendesk"
    streams: ClassVar[tuple[str, ...]] = ("orgs", "users", "tickets", "ratings")

    def __init__(self, http: HttpCore, *, connection_id: str, options: Mapping[str, Any]) -> None:
        self.http = http
        self.connection_id = connection_id
        self.options = dict(options)
        self.sub = str(options.get("subdomain") or connection_id.split(":", 1)[-1])
        self._budget = _EXPORT if _EXPORT in http.budgets else None
        """Exports share Zendesk's 10/min budget when the core was given `zendesk_budgets()`."""
        self.people: dict[int, Person] = {}
        """Users seen during this run (user stream and ticket sideloads), by Zendesk id."""

    async def check(self) -> str:
        body = await self.http.get_json("/api/v2/users/me")
        user = field(body, "user", dict)
        return str(field(user, "name", str))

    def deprecation_warning(self) -> str | None:
        return deprecation_warning(str(self.options.get("auth_method", "oauth")))

    async def seat_holders(self) -> list[dict[str, Any]]:
        """Agents and admins (the roles that take a seat) as `person` rows, every page."""
        params: dict[str, Any] = {"role[]": ["agent", "admin"], "page[size]": 100}
        found: list[dict[str, Any]] = []
        trail = _trail("a user list cursor")
        while True:
            trail.follow(params.get("page[after]"))
            body = await self.http.get_json("/api/v2/users", params=params)
            found += [zmap.staff_row(raw, self.connection_id) for raw in field(body, "users", list)]
            meta = field(body, "meta", dict, optional=True) or {}
            if not meta.get("has_more"):
                return found
            params["page[after]"] = field(meta, "after_cursor", str)

    def pull(self, stream: str, cursor: str) -> AsyncIterator[Page]:
        pullers = {
            "orgs": self._orgs,
            "users": self._users,
            "tickets": self._tickets,
            "ratings": self._ratings,
        }
        if stream not in pullers:
            raise Rejected(f"Zendesk has no stream {stream!r}", service="zendesk")
        return pullers[stream](cursor)

    def _start_time(self) -> int:
        value = self.options.get("start_time", 0)
        return value if isinstance(value, int) and value >= 0 else 0

    async def _export(
        self, path: str, name: str, cursor: str
    ) -> AsyncIterator[tuple[list[Any], str, Any]]:
        """Pages of a cursor-based incremental export: (records, after_cursor, whole body)."""
        wanted = self.options.get("per_page", 1000)
        per_page = wanted if isinstance(wanted, int) and 1 <= wanted <= 1000 else 1000
        trail = _trail("an export cursor")
        trail.follow(cursor)
        while True:
            params: dict[str, Any] = {"per_page": per_page}
            params.update({"cursor": cursor} if cursor else {"start_time": self._start_time()})
            if name == "tickets":
                params["include"] = "users"
            body = await self.http.get_json(path, params=params, budget=self._budget)
            records = field(body, name, list)
            after = field(body, "after_cursor", str)
            done = field(body, "end_of_stream", bool)
            if not done and not records:
                raise bad("the export cursor did not move")
            if not done:
                trail.follow(after)
            yield records, after, body
            if done:
                return
            cursor = after

    def _remember(self, users: list[Any]) -> None:
        for raw in users:
            user_id, who = zmap.person(raw)
            self.people[user_id] = who

    async def _users(self, cursor: str) -> AsyncIterator[Page]:
        """Fills the requester cache; feedback rows get names from it, so no rows of its own."""
        async for users, after, _ in self._export(
            "/api/v2/incremental/users/cursor", "users", cursor
        ):
            self._remember(users)
            yield Page(table="feedback", rows=[], cursor=after)

    async def _tickets(self, cursor: str) -> AsyncIterator[Page]:
        path = "/api/v2/incremental/tickets/cursor"
        async for tickets, after, body in self._export(path, "tickets", cursor):
            self._remember(field(body, "users", list, optional=True) or [])
            rows, deleted = [], []
            for raw in tickets:
                if zmap.is_deleted(raw):
                    deleted.append(zmap.ticket_key(self.sub, zmap.identifier(raw) or 0))
                    continue
                rows.append(self._ticket(raw))
            yield Page(table="feedback", rows=rows, cursor=after, deleted_ids=tuple(deleted))

    def _ticket(self, raw: Any) -> dict[str, Any]:
        return zmap.ticket_row(
            raw, sub=self.sub, connection_id=self.connection_id, people=self.people
        )

    async def _orgs(self, cursor: str) -> AsyncIterator[Page]:
        """Time-based export: continue with start_time = end_time until end_of_stream."""
        start = int(cursor) if _digits(cursor) else self._start_time()
        tier, arr = self.options.get("tier_field", "tier"), self.options.get("arr_field", "arr")
        while True:
            body = await self.http.get_json(
                "/api/v2/incremental/organizations",
                params={"start_time": start},
                budget=self._budget,
            )
            orgs = field(body, "organizations", list)
            end = field(body, "end_time", int)
            rows = [zmap.org_row(raw, sub=self.sub, tier_field=tier, arr_field=arr) for raw in orgs]
            yield Page(table="org", rows=rows, cursor=str(max(end, start)))
            if field(body, "end_of_stream", bool) or end <= start:
                return
            start = end

    async def _ratings(self, cursor: str) -> AsyncIterator[Page]:
        """Answered ratings updated since the cursor (unix seconds), oldest first."""
        since = int(cursor) if _digits(cursor) else self._start_time()
        params: dict[str, Any] = {"page[size]": 100, "score": "received", "start_time": since}
        trail = _trail("a ratings cursor")
        while True:
            trail.follow(params.get("page[after]"))
            body = await self.http.get_json("/api/v2/satisfaction_ratings", params=params)
            ratings = field(body, "satisfaction_ratings", list)
            await self._fetch_people([field(raw, "requester_id", int) for raw in ratings])
            rows = [
                zmap.rating_row(
                    raw, sub=self.sub, connection_id=self.connection_id, people=self.people
                )
                for raw in ratings
            ]
            newest = max([since] + [int(row["updated"].timestamp()) for row in rows])
            yield Page(table="feedback", rows=rows, cursor=str(newest))
            meta = field(body, "meta", dict, optional=True) or {}  # the spec lists no meta
            if not field(meta, "has_more", bool, optional=True):
                return
            params["page[after]"] = field(meta, "after_cursor", str)

    async def _fetch_people(self, user_ids: list[int]) -> None:
        """Look up requesters this run has not seen (ratings carry no sideloads)."""
        for user_id in sorted(set(user_ids) - set(self.people)):
            body = await self.http.get_json(f"/api/v2/users/{user_id}")
            self._remember([field(body, "user", dict)])

    async def comments(self, ticket_id: str | int) -> list[dict[str, Any]]:
        """Every comment of a ticket (our id or Zendesk's), oldest first, for the reading pane."""
        number = str(ticket_id).rsplit(":", 1)[-1]
        if not _digits(number):
            raise Rejected("That is not a Zendesk ticket id.", service="zendesk")
        path = f"/api/v2/tickets/{number}/comments"
        params: dict[str, Any] = {"page[size]": 100}
        found: list[dict[str, Any]] = []
        trail = _trail("a comments cursor")
        while True:
            trail.follow(params.get("page[after]"))
            body = await self.http.get_json(path, params=params)
            raw = field(body, "comments", list)
            await self._fetch_people(
                [a for c in raw if (a := zmap.identifier(c, "author_id", optional=True))]
            )
            found += [zmap.comment_entry(c, self.people) for c in raw]
            meta = field(body, "meta", dict, optional=True) or {}
            if not meta.get("has_more"):
                return found
            params["page[after]"] = field(meta, "after_cursor", str)

    async def reread(self, ids: Sequence[str]) -> Page:
        """The tickets' current rows (`show_many`, 100 at a time); missing ones are
        `deleted_ids`. Requester names come from this run's people cache (may be blank)."""
        prefix = zmap.ticket_key(self.sub, 0)[:-1]
        tails = (item.removeprefix(prefix) for item in ids if item.startswith(prefix))
        numbers = [int(tail) for tail in tails if _digits(tail)]
        rows: list[dict[str, Any]] = []
        for start in range(0, len(numbers), 100):
            chunk = ",".join(str(n) for n in numbers[start : start + 100])
            body = await self.http.get_json("/api/v2/tickets/show_many", params={"ids": chunk})
            rows += [self._ticket(raw) for raw in field(body, "tickets", list)]
        found = {row["id"] for row in rows}
        gone = tuple(zmap.ticket_key(self.sub, n) for n in numbers)
        return Page("feedback", rows, "", deleted_ids=tuple(k for k in gone if k not in found))

    async def apply(self, edit: Edit) -> Applied:
        if edit.op != "tags":
            raise Rejected(f"Zendesk cannot apply {edit.op!r} edits.", service="zendesk")
        number = edit.target.rsplit(":", 1)[-1]
        adds, removes = _tag_list(edit.payload, "add"), _tag_list(edit.payload, "remove")
        change = {
            "additional_tags": adds,
            "remove_tags": removes,
            "safe_update": True,
            "updated_stamp": edit.base_version,
        }
        path = f"/api/v2/tickets/{number}"
        try:
            body = await self.http.get_json(path, method="PUT", json={"ticket": change})
        except Conflict:
            return await self._after_conflict(path, adds, removes)
        ticket = field(body, "ticket", dict)
        return Applied(remote_version=field(ticket, "updated_at", str), remote_id=number)

    async def _after_conflict(self, path: str, adds: list[str], removes: list[str]) -> Applied:
        """A 409 is fine if the tags already read as wanted (our earlier send landed)."""
        ticket = field(await self.http.get_json(path), "ticket", dict)
        current = set(zmap.strings(ticket, "tags"))
        version = field(ticket, "updated_at", str)
        if set(adds) <= current and not current & set(removes):
            return Applied(remote_version=version, remote_id=str(field(ticket, "id", int)))
        raise Conflict(
            "The Zendesk ticket changed since this edit was made.",
            service="zendesk",
            status=409,
            remote_version=version,
        )


def _digits(text: str) -> bool:
    """ASCII digits only: `str.isdigit` also takes "²", which `int()` refuses."""
    return text.isascii() and text.isdigit()


def _trail(what: str) -> Trail:
    return Trail("zendesk", "Zendesk", what)


def _tag_list(payload: Mapping[str, Any], key: str) -> list[str]:
    value = payload.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Rejected(f"The tag edit's {key!r} list is not a list of tags.", service="zendesk")
    return value
