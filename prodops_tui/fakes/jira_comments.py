"""Comment and issue-property routes of the fake Jira (the edit-id markers live here)."""

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from prodops_tui.fakes.jira_data import ME
from prodops_tui.fakes.jira_routes import data_of, errors, not_found
from prodops_tui.fakes.jira_writes import read_body, record
from prodops_tui.fakes.json_response import JSONResponse


async def list_comments(request: Request) -> Response:
    data = data_of(request)
    issue = data.find(request.path_params["key"])
    if issue is None:
        return not_found()
    comments = list(data.comments.get(issue["id"], []))
    if request.query_params.get("orderBy") == "-created":
        comments.reverse()
    start = int(request.query_params.get("startAt", "0"))
    size = max(1, min(100, int(request.query_params.get("maxResults", "100"))))
    expand = request.query_params.get("expand", "").split(",")
    page = [
        c if "properties" in expand else _without_properties(c)
        for c in comments[start : start + size]
    ]
    return JSONResponse(
        {"comments": page, "startAt": start, "maxResults": size, "total": len(comments)}
    )


def _without_properties(comment: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in comment.items() if k != "properties"}


async def add_comment(request: Request) -> Response:
    data = data_of(request)
    issue = data.find(request.path_params["key"])
    body = await read_body(request)
    if issue is None:
        record(request, body, 404)
        return not_found()
    adf = body.get("body") if isinstance(body, dict) else None
    if not isinstance(adf, dict) or adf.get("type") != "doc":
        record(request, body, 400)
        return errors(400, body="Comment body must be an ADF document.")
    stamp = data.touch(issue)
    # The spec types comment times as RFC 3339 date-time, unlike the issue fields' `+0000` form.
    rfc3339 = f"{stamp[:-2]}:{stamp[-2:]}"
    comments = data.comments.setdefault(issue["id"], [])
    base = str(request.base_url).rstrip("/")
    comment_id = str(100_000 + data.deleted_comments + sum(map(len, data.comments.values())))
    comment = {
        "id": comment_id,
        "self": f"{base}/rest/api/3/issue/{issue['id']}/comment/{comment_id}",
        "author": dict(ME),
        "updateAuthor": dict(ME),
        "body": adf,
        "created": rfc3339,
        "updated": rfc3339,
        "jsdPublic": True,
        "properties": list(body.get("properties") or []),
    }
    comments.append(comment)
    record(request, body, 201)
    return JSONResponse(_without_properties(comment), 201)


async def get_property(request: Request) -> Response:
    data = data_of(request)
    issue = data.find(request.path_params["key"])
    key = request.path_params["prop"]
    stored = data.properties.get(issue["id"], {}) if issue else {}
    if issue is None or key not in stored:
        return errors(404, f"The property with key '{key}' was not found.")
    return JSONResponse({"key": key, "value": stored[key]})


async def put_property(request: Request) -> Response:
    data = data_of(request)
    issue = data.find(request.path_params["key"])
    raw = await request.body()
    try:
        value = json.loads(raw)
    except ValueError:
        record(request, None, 400)
        return errors(400, "The property value must be valid JSON.")
    if issue is None:
        record(request, value, 404)
        return not_found()
    stored = data.properties.setdefault(issue["id"], {})
    status = 200 if request.path_params["prop"] in stored else 201
    stored[request.path_params["prop"]] = value
    record(request, value, status)
    return JSONResponse({}, status)
