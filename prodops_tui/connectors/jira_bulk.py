"""Jira bulk edits: one field change or one transition across many issues, as a polled task.

Targets already as wanted are skipped, so re-sending after an unknown outcome does not redo
work; with `base_versions` in the payload, any target changed since raises Conflict and
nothing is sent.
"""

import asyncio
from typing import Any

from prodops_tui.connectors.base import Applied, Edit
from prodops_tui.connectors.errors import Conflict, Rejected
from prodops_tui.connectors.jira_edits import JiraEdits, remote_number, satisfied
from prodops_tui.connectors.jira_map import field, parse_time

BULK = "/rest/api/3/bulk"
_DONE = ("COMPLETE", "FAILED", "CANCELLED", "DEAD")
_MAX_POLLS = 600
_MAX_TARGETS = 100


async def apply_bulk(edits: JiraEdits, edit: Edit) -> Applied:
    targets = edit.payload.get("targets")
    if not isinstance(targets, list) or not 1 <= len(targets) <= _MAX_TARGETS:
        raise Rejected(f"A bulk edit needs 1 to {_MAX_TARGETS} targets", service="jira")
    numbers = [remote_number(str(t)) for t in targets]
    current = await _fields(edits, numbers)
    _check_bases(edit, current)
    if edit.op == "bulk_transition":
        return await _bulk_transition(edits, edit, current)
    return await _bulk_fields(edits, edit, current)


async def _fields(edits: JiraEdits, numbers: list[str]) -> dict[str, dict[str, Any]]:
    body = {
        "issueIdsOrKeys": numbers,
        "fields": ["updated", "status", "priority", "labels", "assignee"],
    }
    answer = await edits.http.get_json("/rest/api/3/issue/bulkfetch", method="POST", json=body)
    found = {}
    for issue in field(answer, "issues", list, "bulk fetch"):
        found[field(issue, "id", str)] = field(issue, "fields", dict)
    return found


def _check_bases(edit: Edit, current: dict[str, dict[str, Any]]) -> None:
    bases = edit.payload.get("base_versions") or {}
    if not isinstance(bases, dict):
        return
    moved = [
        target
        for target, base in bases.items()
        if (fields := current.get(remote_number(str(target)))) is not None
        and parse_time(fields.get("updated")) != parse_time(base)
    ]
    if moved:
        message = f"{len(moved)} of the issues changed in Jira since this bulk edit was made"
        raise Conflict(message, service="jira")


async def _bulk_fields(edits: JiraEdits, edit: Edit, current: dict[str, dict[str, Any]]) -> Applied:
    payload = edit.payload
    todo = [n for n, fields in current.items() if not _all_satisfied(payload, fields)]
    if not todo:
        return Applied()
    inputs, actions = await _edited_inputs(edits, payload)
    for edited, selected in zip(inputs, actions, strict=True):
        body = {
            "selectedIssueIdsOrKeys": todo,
            "selectedActions": selected,
            "editedFieldsInput": edited,
            "sendBulkNotification": False,
        }
        await _run_task(edits, f"{BULK}/issues/fields", body)
    return Applied()


def _all_satisfied(payload: dict[str, Any], fields: dict[str, Any]) -> bool:
    checks = []
    if "priority" in payload:
        checks.append(satisfied("priority", {"name": payload["priority"]}, fields))
    if "labels" in payload:
        checks.append(satisfied("labels", payload["labels"], fields))
    if "assignee" in payload:
        checks.append(satisfied("assignee", {"account_id": payload["assignee"]}, fields))
    return bool(checks) and all(checks)


async def _edited_inputs(
    edits: JiraEdits, payload: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[list[str]]]:
    """One bulk submission per label verb; priority and assignee ride with the first."""
    first: dict[str, Any] = {}
    actions: list[str] = []
    if "priority" in payload:
        first["priority"] = {"priorityId": await _priority_id(edits, str(payload["priority"]))}
        actions.append("priority")
    if "assignee" in payload:
        user = {"accountId": str(payload["assignee"])} if payload["assignee"] else None
        first["singleSelectClearableUserPickerFields"] = [{"fieldId": "assignee", "user": user}]
        actions.append("assignee")
    inputs, selected = ([first], [actions]) if first else ([], [])
    labels = payload.get("labels") or {}
    for verb, option in (("add", "ADD"), ("remove", "REMOVE")):
        names = [str(x) for x in labels.get(verb, [])]
        if names:
            entry = {
                "fieldId": "labels",
                "bulkEditMultiSelectFieldOption": option,
                "labels": [{"name": n} for n in names],
            }
            inputs.append({"labelsFields": [entry]})
            selected.append(["labels"])
    if not inputs:
        raise Rejected("The bulk edit changes no field", service="jira")
    return inputs, selected


async def _priority_id(edits: JiraEdits, name: str) -> str:
    page = await edits.http.get_json("/rest/api/3/priority/search")
    for priority in field(page, "values", list, "priority list"):
        if (
            isinstance(priority, dict)
            and str(priority.get("name", "")).casefold() == name.casefold()
        ):
            return str(priority.get("id"))
    raise Rejected(f"Jira has no priority named {name}", service="jira")


async def _bulk_transition(
    edits: JiraEdits, edit: Edit, current: dict[str, dict[str, Any]]
) -> Applied:
    target = str(edit.payload.get("to_status", ""))
    todo = [
        n
        for n, f in current.items()
        if str((f.get("status") or {}).get("name", "")).casefold() != target.casefold()
    ]
    moves = await asyncio.gather(*(edits.transition_id(n, target) for n in todo))
    stuck = [n for n, move in zip(todo, moves, strict=True) if move is None]
    if stuck:
        message = f"Jira offers no transition to {target} for {len(stuck)} of the issues"
        raise Conflict(message, service="jira")
    groups: dict[str, list[str]] = {}
    for number, move in zip(todo, moves, strict=True):
        groups.setdefault(str(move), []).append(number)
    if groups:
        inputs = [{"selectedIssueIdsOrKeys": ns, "transitionId": t} for t, ns in groups.items()]
        body = {"bulkTransitionInputs": inputs, "sendBulkNotification": False}
        await _run_task(edits, f"{BULK}/issues/transition", body)
    return Applied()


async def _run_task(edits: JiraEdits, path: str, body: dict[str, Any]) -> None:
    """Submit a bulk task and poll it to the end; Rejected if any issue failed."""
    submitted = await edits.http.get_json(path, method="POST", json=body, retry=False)
    task = field(submitted, "taskId", str, "bulk task")
    for _ in range(_MAX_POLLS):
        progress = await edits.http.get_json(f"{BULK}/queue/{task}")
        status = field(progress, "status", str, "bulk task")
        if status in _DONE:
            failed = progress.get("failedAccessibleIssues") or {}
            if status != "COMPLETE" or failed:
                count = len(failed) if isinstance(failed, dict) else 0
                text = f"Jira's bulk task ended {status.lower()} with {count} failed issues"
                raise Rejected(text, service="jira")
            return
        await asyncio.sleep(edits.poll_interval)
    raise Rejected("Jira's bulk task did not finish in time", service="jira")
