"""A local Zendesk Support API serving the generated company's tickets, users, orgs and ratings.

Same paths (with `.json` aliases), paging, auth, rate limits and safe_update conflicts as the
real service (API-NOTES.md §2). Tests steer it through `app.state`: `faults` (a queue of
`Fault`s), `writes` (every write received), `touch(id, **fields)` and `delete(id)`.
"""

import math
import time
from bisect import bisect_left
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from prodops_tui.fakes import zendesk_auth, zendesk_writes
from prodops_tui.fakes.json_response import JSONResponse
from prodops_tui.fakes.zendesk_data import ZendeskData, build
from prodops_tui.fakes.zendesk_wire import (
    Fault,
    Key,
    RateWindow,
    after,
    cursor_page,
    decode_cursor,
    encode_cursor,
    error,
    injected_fault,
    int_param,
    shaped,
)
from prodops_tui.services.generator import Company

__all__ = ["Fault", "create_app"]

Handler = Callable[[Request], Awaitable[Response]]
_EXPORT_MAX = 1000
_FOREVER = math.inf


def _guard(handler: Handler, incremental: bool = False) -> Handler:
    """Faults first, then auth, then the rate budgets, then the handler."""

    async def guarded(request: Request) -> Response:
        state = request.app.state
        injected = await injected_fault(request)
        if injected is not None:
            return injected
        if state.oauth.user_for(request.headers.get("authorization", "")) is None:
            return JSONResponse({"error": "Couldn't authenticate you"}, 401)
        windows = [state.limit, state.incremental_limit] if incremental else [state.limit]
        for window in windows:
            wait = window.admit()
            if wait is not None:
                text = "Rate limit exceeded; retry later."
                return error(429, "APIRateLimitExceeded", text, **{"Retry-After": f"{wait:g}"})
        response = shaped(request, await handler(request))
        response.headers["X-Rate-Limit"] = str(state.limit.limit)
        response.headers["X-Rate-Limit-Remaining"] = str(state.limit.remaining)
        return response

    return guarded


async def me(request: Request) -> Response:
    data: ZendeskData = request.app.state.data
    user_id = request.app.state.oauth.user_for(request.headers.get("authorization", ""))
    return JSONResponse({"user": data.users[user_id]})


async def list_users(request: Request) -> Response:
    """Users, optionally of one `role` or several `role[]`, with cursor pagination."""
    wanted = set(request.query_params.getlist("role[]"))
    if "role" in request.query_params:
        wanted.add(request.query_params["role"])
    users = request.app.state.data.users
    items = [((0, uid), u) for uid, u in sorted(users.items()) if not wanted or u["role"] in wanted]
    return cursor_page(request, "users", items)


async def show_user(request: Request) -> Response:
    user = request.app.state.data.users.get(request.path_params["user_id"])
    if user is None:
        return error(404, "RecordNotFound", "Not found")
    return JSONResponse({"user": user})


def _start(request: Request, data: ZendeskData) -> Key | Response:
    """Where an incremental export resumes: after `cursor`, or at `start_time`."""
    cursor = request.query_params.get("cursor")
    if cursor:
        position = decode_cursor(cursor)
        return position or error(400, "InvalidCursor", "The cursor is not valid.")
    start = int_param(request, "start_time")
    if start is None:
        return error(400, "InvalidValue", "start_time or cursor is required.")
    if start > data.now() - 60:
        return error(400, "InvalidValue", "start_time must be more than a minute in the past.")
    return (start - 1, 2**62)


def _export(request: Request, name: str, kind: str) -> Response:
    """A cursor-based incremental export page; the last minute is never returned."""
    data: ZendeskData = request.app.state.data
    per_page = int_param(request, "per_page", _EXPORT_MAX)
    if per_page is None or not 1 <= per_page <= _EXPORT_MAX:
        return error(400, "InvalidValue", "per_page must be 1 to 1000.")
    position = _start(request, data)
    if isinstance(position, Response):
        return position
    keys, records = data.ordered(kind)
    visible = bisect_left(keys, (data.now() - 60, -(2**62)))
    begin = min(after(keys, position), visible)
    stop = min(begin + per_page, visible)
    chunk = records[begin:stop]
    cursor = encode_cursor(keys[stop - 1] if chunk else position)
    if request.query_params.get("exclude_deleted") == "true":
        chunk = [record for record in chunk if record.get("status") != "deleted"]
    base = str(request.url.replace(query=""))
    body: dict[str, Any] = {
        name: chunk,
        "after_cursor": cursor,
        "after_url": f"{base}?{urlencode({'cursor': cursor})}",
        "before_cursor": None,
        "before_url": None,
        "end_of_stream": stop >= visible,
    }
    if name == "tickets" and "users" in request.query_params.get("include", "").split(","):
        wanted = {record["requester_id"] for record in chunk}
        body["users"] = [data.users[uid] for uid in sorted(wanted) if uid in data.users]
    return JSONResponse(body)


async def ticket_export(request: Request) -> Response:
    return _export(request, "tickets", "tickets")


async def user_export(request: Request) -> Response:
    return _export(request, "users", "users")


async def org_export(request: Request) -> Response:
    """Time-based export: continue with `start_time=end_time` until `end_of_stream`."""
    data: ZendeskData = request.app.state.data
    start = int_param(request, "start_time")
    if start is None or start > data.now() - 60:
        return error(400, "InvalidValue", "start_time must be more than a minute in the past.")
    cutoff = data.now() - 60
    keys, records = data.ordered("orgs")
    items = [(k, r) for k, r in zip(keys, records, strict=True) if start <= k[0] < cutoff]
    chunk = items[:_EXPORT_MAX]
    end_time = chunk[-1][0][0] if chunk else min(cutoff, max(start, cutoff - 60))
    base = str(request.url.replace(query=""))
    return JSONResponse(
        {
            "organizations": [record for _, record in chunk],
            "count": len(chunk),
            "end_time": end_time,
            "next_page": f"{base}?start_time={end_time}",
            "end_of_stream": len(chunk) < _EXPORT_MAX,
        }
    )


async def organizations(request: Request) -> Response:
    items = sorted(((0, oid), org) for oid, org in request.app.state.data.orgs.items())
    return cursor_page(request, "organizations", items)


async def ratings(request: Request) -> Response:
    data: ZendeskData = request.app.state.data
    start = int_param(request, "start_time", 0) or 0
    score = request.query_params.get("score", "")
    wanted = {"received": ("good", "bad")}.get(score, (score,) if score else None)
    view = (data.version, start, wanted)
    cached = getattr(request.app.state, "ratings_view", None)
    if cached is None or cached[0] != view:  # built once per filter, not once per page
        items = [
            (key, rating)
            for key, rating in zip(*data.ordered("ratings"), strict=True)
            if key[0] >= start and (wanted is None or rating["score"] in wanted)
        ]
        cached = request.app.state.ratings_view = (view, items)
    return cursor_page(request, "satisfaction_ratings", cached[1])


def _live(data: ZendeskData, ticket_id: int) -> dict[str, Any] | None:
    ticket = data.tickets.get(ticket_id)
    return None if ticket is None or ticket["status"] == "deleted" else ticket


async def show_ticket(request: Request) -> Response:
    ticket = _live(request.app.state.data, request.path_params["ticket_id"])
    if ticket is None:
        return error(404, "RecordNotFound", "Not found")
    return JSONResponse({"ticket": ticket})


async def delete_ticket(request: Request) -> Response:
    data: ZendeskData = request.app.state.data
    ticket_id = request.path_params["ticket_id"]
    status = 404 if _live(data, ticket_id) is None else 204
    request.app.state.writes.append(
        {"method": "DELETE", "path": request.url.path, "ticket_id": ticket_id, "status": status}
    )
    if status == 404:
        return error(404, "RecordNotFound", "Not found")
    data.delete_ticket(ticket_id)
    return Response(status_code=204)


async def show_many(request: Request) -> Response:
    data: ZendeskData = request.app.state.data
    try:
        ids = [int(part) for part in request.query_params.get("ids", "").split(",") if part]
    except ValueError:
        return error(400, "InvalidValue", "ids must be comma-separated integers.")
    if len(ids) > 100:
        return error(400, "InvalidValue", "At most 100 ids.")
    found = [t for t in (_live(data, i) for i in ids) if t is not None]
    return JSONResponse({"tickets": found})


async def comments(request: Request) -> Response:
    data: ZendeskData = request.app.state.data
    ticket_id = request.path_params["ticket_id"]
    if _live(data, ticket_id) is None:
        return error(404, "RecordNotFound", "Not found")
    items = [((0, c["id"]), c) for c in data.comments.get(ticket_id, [])]
    return cursor_page(request, "comments", items)


def _routes() -> list[Route]:
    api: list[tuple[str, Handler, list[str], bool]] = [
        ("/users", list_users, ["GET"], False),
        ("/users/me", me, ["GET"], False),
        ("/users/{user_id:int}", show_user, ["GET"], False),
        ("/incremental/tickets/cursor", ticket_export, ["GET"], True),
        ("/incremental/users/cursor", user_export, ["GET"], True),
        ("/incremental/organizations", org_export, ["GET"], True),
        ("/organizations", organizations, ["GET"], False),
        ("/satisfaction_ratings", ratings, ["GET"], False),
        ("/tickets/show_many", show_many, ["GET"], False),
        ("/tickets/{ticket_id:int}", show_ticket, ["GET"], False),
        ("/tickets/{ticket_id:int}", zendesk_writes.update_ticket, ["PUT"], False),
        ("/tickets/{ticket_id:int}", delete_ticket, ["DELETE"], False),
        ("/tickets/{ticket_id:int}/comments", comments, ["GET"], False),
        (
            "/tickets/{ticket_id:int}/tags",
            zendesk_writes.ticket_tags,
            ["GET", "PUT", "POST", "DELETE"],
            False,
        ),
    ]
    routes = [
        Route(f"/api/v2{path}{suffix}", _guard(handler, incremental), methods=methods)
        for path, handler, methods, incremental in api
        for suffix in ("", ".json")
    ]
    routes.append(Route("/oauth/authorizations/new", zendesk_auth.authorize, methods=["GET"]))
    routes.append(Route("/oauth/tokens", zendesk_auth.tokens, methods=["POST"]))
    return routes


def create_app(
    company: Company,
    *,
    site: str = "acme",
    token: str = "fake-token",
    base_url: str = "",
    clock: Callable[[], float] | None = None,
    per_minute: int = 700,
    incremental_per_minute: int = 10,
    access_ttl: int = 1800,
    rate_clock: Callable[[], float] | None = None,
    agents: int = 12,
) -> Starlette:
    """The fake for `company`. `token` works as a Bearer token and as the legacy API token
    (Basic `ops@acme.example/token:<token>`); OAuth clients get expiring tokens. `agents` support
    agents are staffed besides the admin and Sam Agent."""
    app = Starlette(routes=_routes())
    data = build(company, base_url or f"https://{site}.zendesk.com", clock, agents=agents)
    oauth = zendesk_auth.OAuthServer(data.clock, api_token=token, access_ttl=access_ttl)
    oauth.access[token] = zendesk_auth.Grant(1, "read write", _FOREVER)
    ticks = rate_clock or time.monotonic
    app.state.data = data
    app.state.oauth = oauth
    app.state.faults = []
    app.state.writes = []
    app.state.limit = RateWindow(per_minute, clock=ticks)
    app.state.incremental_limit = RateWindow(incremental_per_minute, clock=ticks)
    app.state.touch = data.touch
    app.state.delete = data.delete_ticket
    return app
