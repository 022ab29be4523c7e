"""Bulk routes of the fake Jira: bulk field edit and bulk transition as polled tasks."""

from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from prodops_tui.fakes.jira_data import ME, POINTS_FIELD, PRIORITIES, JiraData, priority_json
from prodops_tui.fakes.jira_routes import data_of, errors
from prodops_tui.fakes.jira_writes import Invalid, apply_edit, record, transitions_for
from prodops_tui.fakes.json_response import JSONResponse

_ACTIONS = {
    "priority": "priority",
    "labelsFields": "labels",
    "singleSelectClearableUserPickerFields": "assignee",
    "clearableNumberFields": POINTS_FIELD,
}
_LABEL_VERBS = {"ADD": "add", "REMOVE": "remove"}


def _update_from(edited: dict[str, Any]) -> dict[str, Any]:
    """The PUT /issue body equivalent to a bulk `editedFieldsInput`."""
    update: dict[str, Any] = {}
    fields: dict[str, Any] = {}
    if "priority" in edited:
        wanted = edited["priority"].get("priorityId")
        names = [p for p in PRIORITIES if priority_json(p)["id"] == wanted]
        fields["priority"] = {"name": names[0] if names else ""}
    for entry in edited.get("labelsFields", []):
        option = entry.get("bulkEditMultiSelectFieldOption")
        labels = [label.get("name") for label in entry.get("labels", [])]
        if option == "REPLACE":
            fields["labels"] = labels
        elif option in _LABEL_VERBS:
            update["labels"] = [{_LABEL_VERBS[option]: label} for label in labels]
        else:
            raise Invalid("labels", f"The labels option '{option}' is not supported.")
    for entry in edited.get("singleSelectClearableUserPickerFields", []):
        account = (entry.get("user") or {}).get("accountId")
        fields["assignee"] = {"accountId": account} if account else None
    for entry in edited.get("clearableNumberFields", []):
        fields[entry.get("fieldId", POINTS_FIELD)] = entry.get("value")
    return {"fields": fields, "update": update}


def _task(data: JiraData, done: list[int], failed: dict[str, list[str]], total: int) -> str:
    task_id = str(10_000 + len(data.tasks))
    now = datetime.now(UTC).isoformat(timespec="milliseconds")
    data.tasks[task_id] = {
        "taskId": task_id,
        "status": "RUNNING",
        "progressPercent": 50,
        "created": now,
        "started": now,
        "updated": now,
        "submittedBy": {"accountId": ME["accountId"]},
        "processedAccessibleIssues": done,
        "failedAccessibleIssues": failed,
        "invalidOrInaccessibleIssueCount": total - len(done) - len(failed),
        "totalIssueCount": total,
    }
    return task_id


async def bulk_fields(request: Request) -> Response:
    data = data_of(request)
    body = await request.json()
    try:
        targets = [str(t) for t in body["selectedIssueIdsOrKeys"]]
        edited = body["editedFieldsInput"]
        actions = set(body["selectedActions"])
        change = _update_from(edited)
    except (KeyError, TypeError, AttributeError, Invalid):
        record(request, body, 400)
        return JSONResponse({"errors": [{"message": "The bulk edit request is not valid."}]}, 400)
    named = {_ACTIONS[k] for k in edited if k in _ACTIONS}
    if named != actions or len(edited) != len(named):
        record(request, body, 400)
        message = "The editedFieldsInput values must match selectedActions."
        return JSONResponse({"errors": [{"message": message}]}, 400)
    done, failed = [], {}
    for issue in filter(None, map(data.find, targets)):
        try:
            apply_edit(data, issue, change)
            done.append(int(issue["id"]))
        except Invalid as exc:
            failed[issue["id"]] = [str(exc)]
    record(request, body, 201)
    return JSONResponse({"taskId": _task(data, done, failed, len(targets))}, 201)


async def bulk_transition(request: Request) -> Response:
    data = data_of(request)
    body = await request.json()
    done: list[int] = []
    failed: dict[str, list[str]] = {}
    total = 0
    try:
        inputs = [
            (list(map(str, i["selectedIssueIdsOrKeys"])), str(i["transitionId"]))
            for i in body["bulkTransitionInputs"]
        ]
    except (KeyError, TypeError):
        record(request, body, 400)
        return JSONResponse({"errors": [{"message": "bulkTransitionInputs is required."}]}, 400)
    for targets, transition in inputs:
        total += len(targets)
        for issue in filter(None, map(data.find, targets)):
            moves = {t["id"]: t["to"] for t in transitions_for(issue)}
            if transition not in moves:
                failed[issue["id"]] = ["The transition is not valid for this issue."]
                continue
            issue["fields"]["status"] = moves[transition]
            data.touch(issue)
            done.append(int(issue["id"]))
    record(request, body, 201)
    return JSONResponse({"taskId": _task(data, done, failed, total)}, 201)


async def queue(request: Request) -> Response:
    """A task reports RUNNING on the first poll and COMPLETE afterwards."""
    task = data_of(request).tasks.get(request.path_params["task_id"])
    if task is None:
        return errors(404, "The task was not found.")
    snapshot = dict(task)
    task.update(status="COMPLETE", progressPercent=100)
    return JSONResponse(snapshot)
