"""Issue-link and comment-delete routes of the fake Jira (duplicates, undo of a comment)."""

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from prodops_tui.fakes.jira_routes import data_of, errors, not_found
from prodops_tui.fakes.jira_writes import read_body, record

LINK_TYPES = {
    "Duplicate": ("10002", "is duplicated by", "duplicates"),
    "Relates": ("10003", "relates to", "relates to"),
}


def _key_of(body: Any, side: str) -> str:
    issue = body.get(side) if isinstance(body, dict) else None
    return str(issue.get("key") or issue.get("id") or "") if isinstance(issue, dict) else ""


def _type_json(name: str) -> dict[str, str]:
    type_id, inward, outward = LINK_TYPES[name]
    return {"id": type_id, "name": name, "inward": inward, "outward": outward}


def _short(issue: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": issue["id"],
        "key": issue["key"],
        "fields": {"summary": issue["fields"]["summary"]},
    }


async def create_link(request: Request) -> Response:
    """POST /issueLink: the link appears on both issues' `issuelinks` (201, no body)."""
    data = data_of(request)
    body = await read_body(request)
    name = str((body.get("type") or {}).get("name", "")) if isinstance(body, dict) else ""
    inward = data.find(_key_of(body, "inwardIssue"))
    outward = data.find(_key_of(body, "outwardIssue"))
    if name not in LINK_TYPES:
        record(request, body, 404)
        return errors(404, f"No issue link type with name '{name}' found.")
    if inward is None or outward is None:
        record(request, body, 404)
        return not_found()
    link_id = str(20_000 + data.generation)
    kind = _type_json(name)
    inward["fields"].setdefault("issuelinks", []).append(
        {"id": link_id, "type": kind, "outwardIssue": _short(outward)}
    )
    outward["fields"].setdefault("issuelinks", []).append(
        {"id": link_id, "type": kind, "inwardIssue": _short(inward)}
    )
    data.touch(inward)
    data.touch(outward)
    record(request, body, 201)
    return Response(status_code=201)


async def delete_link(request: Request) -> Response:
    """DELETE /issueLink/{id}: gone from both issues (204), or 404."""
    data = data_of(request)
    link_id = request.path_params["link_id"]
    found = False
    for issue in data.live():
        links = issue["fields"].get("issuelinks") or []
        kept = [link for link in links if link.get("id") != link_id]
        if len(kept) != len(links):
            issue["fields"]["issuelinks"] = kept
            data.touch(issue)
            found = True
    record(request, None, 204 if found else 404)
    return Response(status_code=204) if found else errors(404, "No issue link with this id.")


async def delete_comment(request: Request) -> Response:
    """DELETE /issue/{key}/comment/{id}: 204, or 404 for an unknown issue or comment."""
    data = data_of(request)
    issue = data.find(request.path_params["key"])
    comments = data.comments.get(issue["id"], []) if issue else []
    kept = [c for c in comments if c["id"] != request.path_params["comment_id"]]
    if issue is None or len(kept) == len(comments):
        record(request, None, 404)
        return errors(404, "The comment was not found.")
    data.comments[issue["id"]] = kept
    data.deleted_comments += 1
    data.touch(issue)
    record(request, None, 204)
    return Response(status_code=204)
