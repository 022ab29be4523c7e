"""The fake Zendesk's ticket writes: `PUT /tickets/{id}` and the tag endpoints, with safe_update."""

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from prodops_tui.fakes.json_response import JSONResponse
from prodops_tui.fakes.zendesk_data import ADMIN_ID, ZendeskData, epoch
from prodops_tui.fakes.zendesk_wire import error

_CONFLICT = (
    "Safe Update prevented the update due to outdated ticket data. "
    "Please fetch the latest ticket data and try again."
)
_SETTABLE = ("status", "priority", "subject", "type", "assignee_id")


async def _body(request: Request) -> dict[str, Any] | None:
    try:
        body = await request.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _stale(ticket: dict[str, Any], body: dict[str, Any]) -> Response | None:
    """A 409 when safe_update is asked for and the stamp is not the ticket's `updated_at`."""
    if not body.get("safe_update"):
        return None
    stamp = body.get("updated_stamp")
    try:
        same = isinstance(stamp, str) and epoch(stamp) == epoch(ticket["updated_at"])
    except ValueError:
        return error(400, "InvalidValue", "updated_stamp is not a timestamp.")
    return None if same else error(409, "UpdateConflict", _CONFLICT)


def _strings(value: Any) -> list[str] | None:
    if value is None:
        return []
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v.strip().lower().replace(" ", "_") for v in value if v.strip()]
    return None


def _record(request: Request, ticket_id: int, body: Any, status: int) -> None:
    request.app.state.writes.append(
        {
            "method": request.method,
            "path": request.url.path,
            "ticket_id": ticket_id,
            "body": body,
            "status": status,
        }
    )


def _retag(data: ZendeskData, ticket_id: int, tags: list[str], fields: dict[str, Any]) -> Any:
    before = data.tickets[ticket_id]["tags"]
    ticket = data.touch(ticket_id, tags=tags, **fields)
    events = [{"type": "Change", "field_name": "tags", "value": " ".join(tags)}]
    if before == tags:
        events = []
    return ticket, data.audit(ticket_id, events)


async def update_ticket(request: Request) -> Response:
    """`PUT /api/v2/tickets/{id}`: additional_tags / remove_tags / tags and a few fields."""
    data: ZendeskData = request.app.state.data
    ticket_id = request.path_params["ticket_id"]
    body = await _body(request)
    response = _update(request, data, ticket_id, body)
    _record(request, ticket_id, body, response.status_code)
    return response


def _update(
    request: Request, data: ZendeskData, ticket_id: int, body: dict[str, Any] | None
) -> Response:
    ticket = data.tickets.get(ticket_id)
    if ticket is None or ticket["status"] == "deleted":
        return error(404, "RecordNotFound", "Not found")
    change = body.get("ticket") if body else None
    if not isinstance(change, dict):
        return error(400, "InvalidValue", 'The body must be {"ticket": {...}}.')
    conflict = _stale(ticket, change)
    if conflict is not None:
        return conflict
    adds, removes = _strings(change.get("additional_tags")), _strings(change.get("remove_tags"))
    replace = _strings(change.get("tags")) if "tags" in change else None
    if adds is None or removes is None or ("tags" in change and replace is None):
        return error(422, "RecordInvalid", "Tags must be a list of strings.")
    tags = replace if replace is not None else list(ticket["tags"])
    tags = [t for t in tags if t not in removes] + [t for t in adds if t not in tags]
    fields = {name: change[name] for name in _SETTABLE if name in change}
    comment = change.get("comment")
    if isinstance(comment, dict) and isinstance(comment.get("body"), str):
        data.add_comment(ticket_id, ADMIN_ID, comment["body"])
    ticket, audit = _retag(data, ticket_id, tags, fields)
    return JSONResponse({"ticket": ticket, "audit": audit})


async def ticket_tags(request: Request) -> Response:
    """`/api/v2/tickets/{id}/tags`: GET lists, PUT adds, POST replaces, DELETE removes."""
    data: ZendeskData = request.app.state.data
    ticket_id = request.path_params["ticket_id"]
    ticket = data.tickets.get(ticket_id)
    if ticket is None or ticket["status"] == "deleted":
        return error(404, "RecordNotFound", "Not found")
    if request.method == "GET":
        return JSONResponse({"tags": ticket["tags"]})
    body = await _body(request)
    response = _tag_write(request.method, data, ticket_id, body)
    _record(request, ticket_id, body, response.status_code)
    return response


def _tag_write(
    method: str, data: ZendeskData, ticket_id: int, body: dict[str, Any] | None
) -> Response:
    ticket = data.tickets[ticket_id]
    given = _strings(body.get("tags", None)) if body else None
    if body is None or "tags" not in body or given is None:
        return error(400, "InvalidValue", 'The body must be {"tags": [...]}.')
    conflict = _stale(ticket, body)
    if conflict is not None:
        return conflict
    current = list(ticket["tags"])
    if method == "PUT":
        tags = current + [t for t in given if t not in current]
    elif method == "POST":
        tags = given
    else:
        tags = [t for t in current if t not in given]
    ticket, _ = _retag(data, ticket_id, tags, {})
    if method == "DELETE":
        return Response(status_code=204)
    return JSONResponse({"tags": ticket["tags"]}, 201 if method == "POST" else 200)
