"""A local Jira Cloud REST v3 serving the generated company's backlog (API-NOTES.md §1).

Same paths, enhanced JQL search with `nextPageToken`, bulk fetch, edits with `update` verbs,
per-status workflow transitions, comments, issue properties, bulk tasks, Basic and Bearer auth,
a per-minute budget (429 + Retry-After) and injectable faults. Tests steer it through
`app.state`: `faults` (a list of `Fault`s), `lost` (path prefixes whose next write is made but
answered 504, a lost response), `latency` (seconds added to every request), `writes` (every write
received), `touch(key, **fields)` and `delete(key)`.
"""

import asyncio
import base64
import binascii
import time
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from prodops_tui.fakes import (
    jira_bulk,
    jira_comments,
    jira_links,
    jira_routes,
    jira_users,
    jira_writes,
)
from prodops_tui.fakes.jira_data import ME, JiraData, build, priority_json, status_json, user
from prodops_tui.fakes.json_response import JSONResponse
from prodops_tui.fakes.zendesk_wire import Fault, RateWindow, injected_fault, shaped
from prodops_tui.services.generator import Company

__all__ = ["Fault", "create_app"]

Handler = Callable[[Request], Awaitable[Response]]
API = "/rest/api/3"


def _authorised(header: str, email: str, token: str) -> bool:
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer":
        return value == token
    if scheme.lower() != "basic":
        return False
    try:
        decoded = base64.b64decode(value, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return False
    return decoded == f"{email}:{token}"


def _guard(handler: Handler) -> Handler:
    """Latency, then faults, then auth, then the rate budget, then the handler."""

    async def guarded(request: Request) -> Response:
        state = request.app.state
        if state.latency:
            await asyncio.sleep(state.latency)
        injected = await injected_fault(request)
        if injected is not None:
            return injected
        if not _authorised(request.headers.get("authorization", ""), state.email, state.token):
            return JSONResponse(
                {"errorMessages": ["You are not authenticated."], "errors": {}}, 401
            )
        wait = state.limit.admit()
        if wait is not None:
            headers = {"Retry-After": f"{wait:g}", "RateLimit-Reason": "jira-burst-based"}
            body = {"errorMessages": ["Rate limit exceeded."], "errors": {}}
            return JSONResponse(body, 429, headers=headers)
        response = shaped(request, await handler(request))
        if request.method != "GET" and _take_lost(state.lost, request.url.path):
            body = {"errorMessages": ["Gateway timeout after the change was made."], "errors": {}}
            return JSONResponse(body, 504)
        response.headers["X-RateLimit-Limit"] = str(state.limit.limit)
        response.headers["X-RateLimit-Remaining"] = str(state.limit.remaining)
        return response

    return guarded


def _take_lost(lost: list[str], path: str) -> bool:
    """Whether this write's answer is lost (a 504 after the change was made)."""
    for index, prefix in enumerate(lost):
        if path.startswith(prefix):
            del lost[index]
            return True
    return False


_ROUTES: tuple[tuple[str, Handler, tuple[str, ...]], ...] = (
    ("/myself", jira_routes.myself, ("GET",)),
    ("/field", jira_routes.fields, ("GET",)),
    ("/search/jql", jira_routes.search, ("GET", "POST")),
    ("/search/approximate-count", jira_routes.approximate_count, ("POST",)),
    ("/issue/bulkfetch", jira_routes.bulk_fetch, ("POST",)),
    ("/issue", jira_writes.create_issue, ("POST",)),
    ("/issue/{key}", jira_routes.get_issue, ("GET",)),
    ("/issue/{key}", jira_writes.edit_issue, ("PUT",)),
    ("/issue/{key}/transitions", jira_writes.list_transitions, ("GET",)),
    ("/issue/{key}/transitions", jira_writes.do_transition, ("POST",)),
    ("/issue/{key}/comment", jira_comments.list_comments, ("GET",)),
    ("/issue/{key}/comment", jira_comments.add_comment, ("POST",)),
    ("/issue/{key}/comment/{comment_id}", jira_links.delete_comment, ("DELETE",)),
    ("/issueLink", jira_links.create_link, ("POST",)),
    ("/issueLink/{link_id}", jira_links.delete_link, ("DELETE",)),
    ("/issue/{key}/properties/{prop}", jira_comments.get_property, ("GET",)),
    ("/issue/{key}/properties/{prop}", jira_comments.put_property, ("PUT",)),
    ("/bulk/issues/fields", jira_bulk.bulk_fields, ("POST",)),
    ("/bulk/issues/transition", jira_bulk.bulk_transition, ("POST",)),
    ("/bulk/queue/{task_id}", jira_bulk.queue, ("GET",)),
    ("/priority/search", jira_routes.priorities, ("GET",)),
    ("/project/search", jira_routes.projects, ("GET",)),
    ("/user/assignable/search", jira_routes.assignable, ("GET",)),
    ("/users/search", jira_users.users_search, ("GET",)),
)


def _toucher(data: JiraData) -> Callable[..., str]:
    def touch(key: str, **fields: Any) -> str:
        """Change an issue as another user would; returns its new `updated`."""
        issue = data.find(key)
        if issue is None:
            raise KeyError(key)
        for name, value in fields.items():
            if name == "status":
                value = status_json(value)
            elif name == "priority":
                value = priority_json(value)
            elif name == "assignee" and isinstance(value, str):
                value = user(value)
            issue["fields"][name] = value
        return data.touch(issue)

    return touch


def create_app(
    company: Company,
    *,
    site: str = "acme",
    token: str = "fake-token",
    email: str = str(ME["emailAddress"]),
    rate_per_minute: int = 6000,
    time_zone: str = "Europe/Berlin",
    clock: Callable[[], float] = time.time,
) -> Starlette:
    """The fake Jira for `company`; `site` only names it, data come from the generator."""
    routes = [
        Route(API + path, _guard(handler), methods=list(methods))
        for path, handler, methods in _ROUTES
    ]
    app = Starlette(routes=routes)
    data = build(company, clock)
    app.state.site = site
    app.state.data = data
    app.state.token = token
    app.state.email = email
    app.state.time_zone = time_zone
    app.state.limit = RateWindow(rate_per_minute)
    app.state.latency = 0.0
    app.state.faults = []
    app.state.lost = []
    app.state.writes = []
    app.state.search_cache = {}
    app.state.touch = _toucher(data)
    app.state.delete = data.delete
    return app
