"""Read routes of the fake Jira: myself, fields, enhanced JQL search, bulk fetch and lookups."""

import base64
import binascii
import hashlib
from typing import Any
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import Response

from prodops_tui.fakes import jira_jql
from prodops_tui.fakes.jira_data import ME, POINTS_FIELD, PRIORITIES, JiraData, priority_json, team
from prodops_tui.fakes.json_response import JSONResponse
from prodops_tui.services.generator_text import PROJECTS

_SEARCH_KEYS = frozenset(
    {"jql", "nextPageToken", "maxResults", "fields", "expand", "properties"}
    | {"fieldsByKeys", "failFast", "reconcileIssues"}
)
_ID_ONLY_CAP = 5000
_DETAIL_CAP = 100
_BULK_MAX = 100
_SYSTEM_FIELDS = (
    ("summary", "Summary", "string"),
    ("status", "Status", "status"),
    ("priority", "Priority", "priority"),
    ("labels", "Labels", "array"),
    ("assignee", "Assignee", "user"),
    ("reporter", "Reporter", "user"),
    ("issuetype", "Issue Type", "issuetype"),
    ("project", "Project", "project"),
    ("created", "Created", "datetime"),
    ("updated", "Updated", "datetime"),
    ("description", "Description", "string"),
)
_CUSTOM_FIELDS = (
    (
        POINTS_FIELD,
        "Story point estimate",
        "number",
        "com.atlassian.jira.plugin.system.customfieldtypes:float",
    ),
    ("customfield_10020", "Sprint", "array", "com.pyxis.greenhopper.jira:gh-sprint"),
    (
        "customfield_10015",
        "Start date",
        "date",
        "com.atlassian.jira.plugin.system.customfieldtypes:datepicker",
    ),
)


def errors(status: int, *messages: str, **fields: str) -> Response:
    return JSONResponse({"errorMessages": list(messages), "errors": fields}, status)


def not_found() -> Response:
    return errors(404, "Issue does not exist or you do not have permission to see it.")


def data_of(request: Request) -> JiraData:
    data: JiraData = request.app.state.data
    return data


def issue_json(
    request: Request,
    issue: dict[str, Any],
    fields: list[str],
    properties: list[str] = (),  # type: ignore[assignment]
) -> dict[str, Any]:
    """An issue reduced to the requested `fields` (Jira's `*all`, `*navigable`, `-x`, ids)."""
    wanted = _wanted(fields, issue["fields"])
    if wanted == {"id"} and not properties:
        return {"id": issue["id"]}
    base = str(request.base_url).rstrip("/")
    out: dict[str, Any] = {
        "id": issue["id"],
        "key": issue["key"],
        "self": f"{base}/rest/api/3/issue/{issue['id']}",
        "fields": {name: value for name, value in issue["fields"].items() if name in wanted},
    }
    if properties:
        stored = data_of(request).properties.get(issue["id"], {})
        out["properties"] = {key: stored[key] for key in properties if key in stored}
    return out


def _wanted(fields: list[str], available: dict[str, Any]) -> set[str]:
    names = [f.strip() for item in fields for f in item.split(",") if f.strip()]
    if not names:
        return {"id"}
    wanted: set[str] = set()
    for name in names:
        if name in ("*all", "*navigable"):
            wanted |= set(available)
        elif not name.startswith("-"):
            wanted.add(name)
    return wanted - {name[1:] for name in names if name.startswith("-")}


async def myself(request: Request) -> Response:
    base = str(request.base_url).rstrip("/")
    return JSONResponse(
        {
            **ME,
            "self": f"{base}/rest/api/3/user?accountId={ME['accountId']}",
            "accountType": "atlassian",
            "active": True,
            "timeZone": request.app.state.time_zone,
            "locale": "en_US",
        }
    )


async def fields(request: Request) -> Response:
    out = [
        {
            "id": fid,
            "key": fid,
            "name": name,
            "custom": False,
            "navigable": True,
            "searchable": True,
            "clauseNames": [fid],
            "schema": {"type": kind, "system": fid},
        }
        for fid, name, kind in _SYSTEM_FIELDS
    ]
    out += [
        {
            "id": fid,
            "key": fid,
            "name": name,
            "custom": True,
            "navigable": True,
            "searchable": True,
            "clauseNames": [fid, f"{name}[Number]"],
            "schema": {"type": kind, "custom": custom, "customId": int(fid.rsplit("_", 1)[1])},
        }
        for fid, name, kind, custom in _CUSTOM_FIELDS
    ]
    return JSONResponse(out)


async def _search_args(request: Request) -> dict[str, Any] | Response:
    if request.method == "GET":
        params = request.query_params
        return {
            "jql": params.get("jql", ""),
            "nextPageToken": params.get("nextPageToken"),
            "maxResults": params.get("maxResults", "50"),
            "fields": params.getlist("fields"),
            "properties": params.getlist("properties"),
        }
    try:
        body = await request.json()
    except ValueError:
        return errors(400, "The request body is not valid JSON.")
    if not isinstance(body, dict) or set(body) - _SEARCH_KEYS:
        unknown = sorted(set(body) - _SEARCH_KEYS) if isinstance(body, dict) else ["body"]
        return errors(400, f"Unrecognized field(s): {', '.join(unknown)}.")
    return {"maxResults": 50, "fields": [], "properties": [], "jql": "", **body}


def _matching(request: Request, jql: str) -> list[str] | Response:
    """Ids matching `jql` in its order; cached per data generation."""
    data = data_of(request)
    cache: dict[tuple[str, int], list[str]] = request.app.state.search_cache
    hit = cache.get((jql, data.generation))
    if hit is not None:
        return hit
    try:
        query = jira_jql.parse(jql, ZoneInfo(request.app.state.time_zone))
    except jira_jql.JqlError as exc:
        return errors(400, str(exc))
    found = [issue for issue in data.live() if query.match(issue)]
    for field, descending in reversed(query.order):
        found.sort(key=query.sort_key(field), reverse=descending)
    cache.clear()
    cache[(jql, data.generation)] = ids = [issue["id"] for issue in found]
    return ids


def _token(jql: str, offset: int) -> str:
    digest = hashlib.sha1(jql.encode()).hexdigest()[:12]
    return base64.urlsafe_b64encode(f"{offset}:{digest}".encode()).decode()


def _offset(jql: str, token: str | None) -> int | None:
    if not token:
        return 0
    try:
        offset, _, digest = base64.urlsafe_b64decode(token.encode()).decode().partition(":")
        good = digest == hashlib.sha1(jql.encode()).hexdigest()[:12]
        return int(offset) if good else None
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


async def search(request: Request) -> Response:
    args = await _search_args(request)
    if isinstance(args, Response):
        return args
    jql, field_list = str(args["jql"]), list(args["fields"] or [])
    try:
        size = int(args["maxResults"])
    except (TypeError, ValueError):
        return errors(400, "maxResults must be a number.")
    ids = _matching(request, jql)
    if isinstance(ids, Response):
        return ids
    start = _offset(jql, args.get("nextPageToken"))
    if start is None:
        return errors(400, "The nextPageToken is not valid for this query.")
    cheap = not field_list or _wanted(field_list, {}) <= {"id", "key"}
    size = max(1, min(size, _ID_ONLY_CAP if cheap else _DETAIL_CAP))
    data, props = data_of(request), list(args["properties"] or [])
    chunk = [
        issue_json(request, data.issues[i], field_list, props) for i in ids[start : start + size]
    ]
    body: dict[str, Any] = {"issues": chunk, "isLast": start + size >= len(ids)}
    if not body["isLast"]:
        body["nextPageToken"] = _token(jql, start + size)
    return JSONResponse(body)


async def approximate_count(request: Request) -> Response:
    try:
        body = await request.json()
    except ValueError:
        return errors(400, "The request body is not valid JSON.")
    ids = _matching(request, str(body.get("jql", "")) if isinstance(body, dict) else "")
    return ids if isinstance(ids, Response) else JSONResponse({"count": len(ids)})


async def bulk_fetch(request: Request) -> Response:
    try:
        body = await request.json()
        wanted = [str(item) for item in body["issueIdsOrKeys"]]
    except (ValueError, KeyError, TypeError):
        return errors(400, "issueIdsOrKeys is required.")
    if not 1 <= len(wanted) <= _BULK_MAX:
        return errors(400, f"Provide between 1 and {_BULK_MAX} issue ids or keys.")
    data = data_of(request)
    field_list = list(body.get("fields") or ["*navigable"])
    props = list(body.get("properties") or [])
    found = [issue for issue in map(data.find, wanted) if issue is not None]
    issues = [issue_json(request, issue, field_list, props) for issue in found]
    return JSONResponse({"issues": issues, "issueErrors": []})


async def get_issue(request: Request) -> Response:
    issue = data_of(request).find(request.path_params["key"])
    if issue is None:
        return not_found()
    field_list = request.query_params.getlist("fields") or ["*all"]
    props = [p for item in request.query_params.getlist("properties") for p in item.split(",")]
    return JSONResponse(issue_json(request, issue, field_list, props))


async def priorities(request: Request) -> Response:
    values = [
        {
            **priority_json(name),
            "statusColor": "#cccccc",
            "description": name,
            "isDefault": name == "Medium",
        }
        for name in PRIORITIES
    ]
    page = {"values": values, "startAt": 0, "maxResults": 50, "total": len(values), "isLast": True}
    return JSONResponse(page)


async def projects(request: Request) -> Response:
    keys = set(request.query_params.getlist("keys"))
    values = [
        {"id": str(10_000 + n), "key": key, "name": name}
        for n, (key, name) in enumerate(PROJECTS)
        if not keys or key in keys
    ]
    if not values:
        return errors(404, "No projects found.")
    page = {"values": values, "startAt": 0, "maxResults": 50, "total": len(values), "isLast": True}
    return JSONResponse(page)


async def assignable(request: Request) -> Response:
    query = request.query_params.get("query", "").lower()
    return JSONResponse([u for u in team() if query in u["displayName"].lower()])
