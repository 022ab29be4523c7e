"""Jira edits from the outbox, applied without clobbering and without doubling (RELIABILITY §5).

Field edits re-read the issue first: already as wanted -> done; `updated` moved since the
edit's base -> Conflict; else PUT with `update` verbs (labels are never replaced). Transitions,
comments and creates are not idempotent: each first checks whether it already happened (the
status is there; a comment or issue carries the `prodops.edit` property with the edit id) and
is sent once, without blind retries.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

from prodops_tui.connectors.adf import md_to_adf
from prodops_tui.connectors.base import Applied, Edit
from prodops_tui.connectors.errors import Conflict, Rejected
from prodops_tui.connectors.http import HttpCore
from prodops_tui.connectors.jira_map import field, parse_time, updated_text

ISSUE = "/rest/api/3/issue"
MARKER = "prodops.edit"
_FIELD_OPS = ("priority", "labels", "assignee", "fields")


def remote_number(target: str) -> str:
    number = target.rsplit(":", 1)[-1]
    if not number.isdigit():
        raise Rejected(f"{target!r} is not a Jira issue id", service="jira")
    return number


def _same_version(a: str, b: str) -> bool:
    try:
        return parse_time(a) == parse_time(b)
    except ValueError:
        return a == b


def _marked(properties: object, edit_id: str) -> bool:
    """Whether an entity's properties (a list or a key->value map) carry this edit's id."""
    if isinstance(properties, dict):
        value = properties.get(MARKER)
        return isinstance(value, dict) and value.get("id") == edit_id
    if isinstance(properties, list):
        return any(
            isinstance(p, dict)
            and p.get("key") == MARKER
            and _marked({MARKER: p.get("value")}, edit_id)
            for p in properties
        )
    return False


def field_body(op: str, payload: dict[str, Any], points_field: str | None) -> dict[str, Any]:
    """The PUT /issue body for a field edit."""
    if op == "priority":
        return {"fields": {"priority": {"name": str(payload["name"])}}}
    if op == "assignee":
        account = payload.get("account_id")
        return {"fields": {"assignee": {"accountId": str(account)} if account else None}}
    if op == "labels":
        verbs = [{"add": str(x)} for x in payload.get("add", [])]
        verbs += [{"remove": str(x)} for x in payload.get("remove", [])]
        return {"update": {"labels": verbs}}
    fields = dict(payload.get("fields") or {})
    if "labels" in fields:
        raise Rejected("Labels change through add/remove, never a replace", service="jira")
    if isinstance(fields.get("description"), str):
        fields["description"] = md_to_adf(fields["description"])
    if "estimate" in fields:
        if points_field is None:
            raise Rejected("This Jira site has no story points field", service="jira")
        fields[points_field] = fields.pop("estimate")
    return {"fields": fields}


def satisfied(op: str, payload: dict[str, Any], fields: dict[str, Any]) -> bool:
    """Whether the issue's current fields already are what the edit asks for."""
    if op == "priority":
        current = fields.get("priority") or {}
        return str(current.get("name", "")).casefold() == str(payload["name"]).casefold()
    if op == "labels":
        labels = set(fields.get("labels") or [])
        return set(payload.get("add", [])) <= labels and not labels & set(payload.get("remove", []))
    if op == "assignee":
        current = (fields.get("assignee") or {}).get("accountId") or ""
        return current == (payload.get("account_id") or "")
    return False


class JiraEdits:
    """Applies outbox edits to one Jira site."""

    def __init__(
        self, http: HttpCore, site: str, poll_interval: float, points_field: str | None = None
    ) -> None:
        self.http = http
        self.site = site
        self.poll_interval = poll_interval
        self.points_field = points_field

    async def apply(self, edit: Edit) -> Applied:
        if edit.op in _FIELD_OPS:
            return await self._edit_fields(edit)
        handlers = {
            "transition": self._transition,
            "comment": self._comment,
            "create": self._create,
        }
        if edit.op in handlers:
            return await handlers[edit.op](edit)
        raise Rejected(f"Jira cannot apply the edit {edit.op!r}", service="jira")

    async def current(self, number: str, fields: str) -> dict[str, Any]:
        issue = await self.http.get_json(f"{ISSUE}/{number}", params={"fields": fields})
        return field(issue, "fields", dict)

    def check_base(self, edit: Edit, fields: dict[str, Any]) -> str:
        """The issue's `updated`; Conflict if it moved since the edit's base version."""
        now = field(fields, "updated", str, "issue fields")
        if edit.base_version and not _same_version(now, edit.base_version):
            message = f"{edit.target} changed in Jira since this edit was made"
            raise Conflict(message, service="jira", remote_version=now)
        return now

    async def _edit_fields(self, edit: Edit) -> Applied:
        number = remote_number(edit.target)
        try:
            body = field_body(edit.op, edit.payload, self.points_field)
        except (KeyError, TypeError, AttributeError):
            raise Rejected(f"The {edit.op} edit is malformed", service="jira") from None
        fields = await self.current(number, "updated,priority,labels,assignee")
        if satisfied(edit.op, edit.payload, fields):
            return Applied(remote_version=field(fields, "updated", str, "issue fields"))
        self.check_base(edit, fields)
        try:
            answer = await self.http.get_json(
                f"{ISSUE}/{number}", method="PUT", params={"returnIssue": "true"}, json=body
            )
        except Conflict:
            now = await self.current(number, "updated")
            raise Conflict(
                f"{edit.target} was being changed in Jira at the same time",
                service="jira",
                remote_version=str(now.get("updated", "")),
            ) from None
        if answer is None:
            return Applied(
                remote_version=updated_text({"fields": await self.current(number, "updated")})
            )
        return Applied(remote_version=updated_text(answer))

    async def _transition(self, edit: Edit) -> Applied:
        number = remote_number(edit.target)
        target = str(edit.payload.get("to_status", ""))
        fields = await self.current(number, "updated,status")
        status = field(fields, "status", dict, "issue fields")
        if str(status.get("name", "")).casefold() == target.casefold():
            return Applied(remote_version=str(fields["updated"]))
        self.check_base(edit, fields)
        move = await self.transition_id(number, target)
        if move is None:
            message = f"Jira offers no transition from {status.get('name')} to {target}"
            raise Conflict(message, service="jira", remote_version=str(fields["updated"]))
        body = {"transition": {"id": move}}
        await self.http.request("POST", f"{ISSUE}/{number}/transitions", json=body, retry=False)
        now = await self.current(number, "updated")
        return Applied(remote_version=str(now.get("updated", "")))

    async def transition_id(self, number: str, target: str) -> str | None:
        answer = await self.http.get_json(f"{ISSUE}/{number}/transitions")
        for move in field(answer, "transitions", list, "transition list"):
            to = move.get("to") if isinstance(move, dict) else None
            if isinstance(to, dict) and str(to.get("name", "")).casefold() == target.casefold():
                return str(move.get("id"))
        return None

    async def _comment(self, edit: Edit) -> Applied:
        number = remote_number(edit.target)
        path = f"{ISSUE}/{number}/comment"
        params = {"orderBy": "-created", "maxResults": 100, "expand": "properties"}
        page = await self.http.get_json(path, params=params)
        for comment in field(page, "comments", list, "comment page"):
            if isinstance(comment, dict) and _marked(comment.get("properties"), edit.id):
                return Applied(remote_id=str(comment.get("id", "")))
        body = {
            "body": md_to_adf(str(edit.payload.get("markdown", ""))),
            "properties": [{"key": MARKER, "value": {"id": edit.id}}],
        }
        created = await self.http.get_json(path, method="POST", json=body, retry=False)
        now = await self.current(number, "updated")
        return Applied(
            remote_version=str(now.get("updated", "")),
            remote_id=str(field(created, "id", str, "comment")),
        )

    async def _create(self, edit: Edit) -> Applied:
        payload = edit.payload
        project = str(payload.get("project", ""))
        if not project.replace("_", "").isalnum():
            raise Rejected("A new issue needs a project key", service="jira")
        found = await self._created_before(project, edit.id)
        if found is not None:
            return found
        fields: dict[str, Any] = {
            "project": {"key": project},
            "issuetype": {"name": str(payload.get("type") or "Task")},
            "summary": str(payload.get("summary", "")),
            "description": md_to_adf(str(payload.get("markdown", ""))),
            "labels": [str(label) for label in payload.get("labels", [])],
        }
        body = {"fields": fields, "properties": [{"key": MARKER, "value": {"id": edit.id}}]}
        created = await self.http.get_json(ISSUE, method="POST", json=body, retry=False)
        number = field(created, "id", str, "created issue")
        now = await self.current(number, "updated")
        return Applied(
            remote_version=str(now.get("updated", "")), remote_id=f"jira:{self.site}:{number}"
        )

    async def _created_before(self, project: str, edit_id: str) -> Applied | None:
        """The issue an earlier attempt of this edit created, found by its edit-id property."""
        since = (datetime.now(UTC) - timedelta(days=2)).strftime("%Y/%m/%d %H:%M")
        jql = f'project = {project} AND created >= "{since}" ORDER BY created DESC'
        body = {"jql": jql, "fields": ["updated"], "properties": [MARKER], "maxResults": 100}
        page = await self.http.get_json("/rest/api/3/search/jql", method="POST", json=body)
        for issue in field(page, "issues", list, "search page"):
            if isinstance(issue, dict) and _marked(issue.get("properties"), edit_id):
                number = field(issue, "id", str)
                return Applied(
                    remote_version=updated_text(issue), remote_id=f"jira:{self.site}:{number}"
                )
        return None
