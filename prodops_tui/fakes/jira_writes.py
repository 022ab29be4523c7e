"""Write routes of the fake Jira: edit, transition, comment, properties, create, bulk tasks.

Every write received is appended to `app.state.writes` as {method, path, body, status}.
"""

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from prodops_tui.fakes.jira_data import (
    POINTS_FIELD,
    PRIORITIES,
    TRANSITION_IDS,
    WORKFLOW,
    JiraData,
    priority_json,
    status_json,
)
from prodops_tui.fakes.jira_routes import data_of, errors, issue_json, not_found
from prodops_tui.fakes.json_response import JSONResponse

_EDITABLE = frozenset(("summary", "description", "priority", "labels", "assignee", POINTS_FIELD))
_TRANSITION_FOR = {tid: name for name, tid in TRANSITION_IDS.items()}


class Invalid(ValueError):
    """A field value the fake refuses, with the field it concerns."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def record(request: Request, body: Any, status: int) -> None:
    entry = {"method": request.method, "path": request.url.path, "body": body, "status": status}
    request.app.state.writes.append(entry)


async def read_body(request: Request) -> Any:
    try:
        return await request.json()
    except ValueError:
        return None


def _set_field(fields: dict[str, Any], name: str, value: Any) -> None:
    if name == "priority":
        wanted = value.get("name") or value.get("id") if isinstance(value, dict) else None
        match = [p for p in PRIORITIES if wanted in (p, priority_json(p)["id"])]
        if not match:
            raise Invalid(name, "Specify a valid priority name or id.")
        fields[name] = priority_json(match[0])
    elif name == "labels":
        if not isinstance(value, list) or any(not isinstance(v, str) or " " in v for v in value):
            raise Invalid(name, "Labels are strings without spaces.")
        fields[name] = list(dict.fromkeys(value))
    elif name == "assignee":
        if value is not None and not isinstance(value, dict):
            raise Invalid(name, "Specify an assignee accountId or null.")
        account = value.get("accountId") if value else None
        fields[name] = (
            None if not account else {"accountId": account, "displayName": _name(account)}
        )
    elif name == POINTS_FIELD:
        if value is not None and not isinstance(value, int | float):
            raise Invalid(name, "Story point estimate must be a number.")
        fields[name] = value
    else:
        fields[name] = value


def _name(account: str) -> str:
    return account.removeprefix("acc-").replace("-", " ").title()


def _apply_update(fields: dict[str, Any], name: str, ops: Any) -> None:
    if not isinstance(ops, list):
        raise Invalid(name, "Operations must be a list.")
    for op in ops:
        if not isinstance(op, dict) or len(op) != 1:
            raise Invalid(name, "Each operation has exactly one verb.")
        verb, value = next(iter(op.items()))
        if name == "labels" and verb in ("add", "remove"):
            if not isinstance(value, str) or " " in value:
                raise Invalid(name, "Labels are strings without spaces.")
            labels = [label for label in fields["labels"] if label != value]
            fields["labels"] = labels + [value] if verb == "add" else labels
        elif verb == "set":
            _set_field(fields, name, value)
        else:
            raise Invalid(name, f"The operation '{verb}' is not supported for '{name}'.")


def apply_edit(data: JiraData, issue: dict[str, Any], body: Any) -> None:
    """Apply a PUT /issue body (fields + update) atomically; Invalid if any part is refused."""
    if not isinstance(body, dict):
        raise Invalid("body", "The request body must be a JSON object.")
    sets, updates = body.get("fields") or {}, body.get("update") or {}
    if not isinstance(sets, dict) or not isinstance(updates, dict):
        raise Invalid("body", "fields and update must be objects.")
    for name in set(sets) | set(updates):
        if name not in _EDITABLE:
            raise Invalid(
                name,
                f"Field '{name}' cannot be set. It is not on the appropriate screen, or unknown.",
            )
    both = set(sets) & set(updates)
    if both:
        raise Invalid(sorted(both)[0], "A field cannot be in both fields and update.")
    changed = dict(issue["fields"])
    for name, value in sets.items():
        _set_field(changed, name, value)
    for name, ops in updates.items():
        _apply_update(changed, name, ops)
    issue["fields"] = changed
    data.touch(issue)


async def edit_issue(request: Request) -> Response:
    data = data_of(request)
    issue = data.find(request.path_params["key"])
    body = await read_body(request)
    if issue is None:
        record(request, body, 404)
        return not_found()
    try:
        apply_edit(data, issue, body)
    except Invalid as exc:
        record(request, body, 400)
        return errors(400, **{exc.field: str(exc)})
    record(request, body, 204)
    if request.query_params.get("returnIssue") == "true":
        return JSONResponse(issue_json(request, issue, ["*all"]))
    return Response(status_code=204)


def transitions_for(issue: dict[str, Any]) -> list[dict[str, Any]]:
    current = issue["fields"]["status"]["name"]
    return [
        {
            "id": TRANSITION_IDS[target],
            "name": f"Move to {target}",
            "to": status_json(target),
            "hasScreen": False,
            "isGlobal": False,
            "isInitial": False,
            "isAvailable": True,
            "isConditional": False,
            "isLooped": False,
        }
        for target in WORKFLOW.get(current, ())
    ]


async def list_transitions(request: Request) -> Response:
    issue = data_of(request).find(request.path_params["key"])
    if issue is None:
        return not_found()
    return JSONResponse({"transitions": transitions_for(issue)})


async def do_transition(request: Request) -> Response:
    data = data_of(request)
    issue = data.find(request.path_params["key"])
    body = await read_body(request)
    if issue is None:
        record(request, body, 404)
        return not_found()
    wanted = body.get("transition", {}).get("id") if isinstance(body, dict) else None
    allowed = {t["id"] for t in transitions_for(issue)}
    if wanted not in allowed:
        record(request, body, 400)
        return errors(400, f"Transition id '{wanted}' is not valid for this issue.")
    issue["fields"]["status"] = status_json(_TRANSITION_FOR[str(wanted)])
    data.touch(issue)
    record(request, body, 204)
    return Response(status_code=204)


async def create_issue(request: Request) -> Response:
    data = data_of(request)
    body = await read_body(request)
    fields = body.get("fields") if isinstance(body, dict) else None
    problem = _create_problem(fields)
    if problem:
        record(request, body, 400)
        return errors(400, **problem)
    assert isinstance(fields, dict)
    project = fields["project"].get("key") or fields["project"].get("id")
    initial = {
        "summary": fields["summary"],
        "status": status_json("To Do"),
        "priority": priority_json("Medium"),
        "labels": [],
        "assignee": None,
        "issuetype": {"id": "10001", "name": fields["issuetype"].get("name", "Task")},
        "project": {"key": project},
        "description": None,
        POINTS_FIELD: None,
    }
    issue = data.add(str(project), initial)
    try:
        apply_edit(data, issue, {"fields": {k: v for k, v in fields.items() if k in _EDITABLE}})
    except Invalid as exc:
        data.delete(issue["id"])
        record(request, body, 400)
        return errors(400, **{exc.field: str(exc)})
    for prop in body.get("properties") or []:
        data.properties.setdefault(issue["id"], {})[prop["key"]] = prop.get("value")
    record(request, body, 201)
    base = str(request.base_url).rstrip("/")
    created = {
        "id": issue["id"],
        "key": issue["key"],
        "self": f"{base}/rest/api/3/issue/{issue['id']}",
    }
    return JSONResponse(created, 201)


def _create_problem(fields: Any) -> dict[str, str]:
    if not isinstance(fields, dict):
        return {"fields": "fields is required."}
    if not isinstance(fields.get("project"), dict):
        return {"project": "Specify a valid project ID or key"}
    if not isinstance(fields.get("issuetype"), dict):
        return {"issuetype": "Specify an issue type"}
    if not isinstance(fields.get("summary"), str) or not fields["summary"].strip():
        return {"summary": "You must specify a summary of the issue."}
    return {}
