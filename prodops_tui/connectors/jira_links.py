"""Jira writes that undo or link: issue links (a duplicate closed into its canonical issue) and
deleting a comment we posted. Each checks first whether it already happened, so a retry or a
second push never doubles it."""

from contextlib import suppress
from typing import Any

from prodops_tui.connectors.base import Applied, Edit
from prodops_tui.connectors.errors import NotFound, Rejected
from prodops_tui.connectors.jira_edits import ISSUE, JiraEdits, remote_number
from prodops_tui.connectors.jira_map import field

LINK = "/rest/api/3/issueLink"


def _link_parts(edit: Edit) -> tuple[str, str, str]:
    parts = tuple(str(edit.payload.get(k) or "") for k in ("type", "inward", "outward"))
    if not all(parts):
        raise Rejected(f"The {edit.op} edit is malformed", service="jira")
    return parts[0], parts[1], parts[2]


async def _link_to(jira: JiraEdits, edit: Edit) -> tuple[str | None, str]:
    """The id of the inward issue's link of this type to the outward issue, and its `updated`."""
    kind, _, outward = _link_parts(edit)
    fields = await jira.current(remote_number(edit.target), "updated,issuelinks")
    for link in fields.get("issuelinks") or []:
        other: Any = link.get("outwardIssue") if isinstance(link, dict) else None
        name = str((link.get("type") or {}).get("name", "")) if isinstance(link, dict) else ""
        if isinstance(other, dict) and other.get("key") == outward and name == kind:
            return str(link.get("id")), str(fields.get("updated", ""))
    return None, str(fields.get("updated", ""))


async def link(jira: JiraEdits, edit: Edit) -> Applied:
    """`inward` <type> `outward`, e.g. API-7 duplicates API-3 (links never clobber a field)."""
    kind, inward, outward = _link_parts(edit)
    found, updated = await _link_to(jira, edit)
    if found is not None:
        return Applied(remote_version=updated)
    body = {
        "type": {"name": kind},
        "inwardIssue": {"key": inward},
        "outwardIssue": {"key": outward},
    }
    await jira.http.request("POST", LINK, json=body, retry=False)
    _, updated = await _link_to(jira, edit)
    return Applied(remote_version=updated)


async def unlink(jira: JiraEdits, edit: Edit) -> Applied:
    found, updated = await _link_to(jira, edit)
    if found is None:
        return Applied(remote_version=updated)
    with suppress(NotFound):  # removed meanwhile: what we wanted
        await jira.http.request("DELETE", f"{LINK}/{found}")
    _, updated = await _link_to(jira, edit)
    return Applied(remote_version=updated)


async def delete_comment(jira: JiraEdits, edit: Edit) -> Applied:
    """Delete a comment we posted; already gone counts as done."""
    number = remote_number(edit.target)
    comment = str(edit.payload.get("comment_id") or "")
    if not comment.isdigit():
        raise Rejected("The comment to delete has no Jira id", service="jira")
    with suppress(NotFound):
        await jira.http.request("DELETE", f"{ISSUE}/{number}/comment/{comment}")
    now = await jira.current(number, "updated")
    return Applied(remote_version=str(field(now, "updated", str, "issue fields")))


LINK_OPS = {"link": link, "unlink": unlink, "comment_delete": delete_comment}


async def apply_link(jira: JiraEdits, edit: Edit) -> Applied:
    return await LINK_OPS[edit.op](jira, edit)
