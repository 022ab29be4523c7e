"""Jira issue JSON to `issue` rows, and the time formats Jira speaks.

Every check raises BadResponse with a one-line message naming the field, never the value.
Rows never carry local-only columns (triage state, snooze, score inputs).
"""

from datetime import UTC, datetime, timedelta, tzinfo
from math import isfinite
from typing import Any, TypeVar

from prodops_tui.connectors.adf import adf_to_md
from prodops_tui.connectors.errors import BadResponse

T = TypeVar("T")
SERVICE = "jira"
ISSUE_FIELDS = (
    "summary",
    "status",
    "priority",
    "labels",
    "assignee",
    "issuetype",
    "project",
    "created",
    "updated",
    "description",
)
_JQL_TIME = "%Y/%m/%d %H:%M"


def bad(message: str) -> BadResponse:
    return BadResponse(f"Jira sent {message}", service=SERVICE)


def field(obj: object, name: str, kind: type[T], where: str = "issue") -> T:
    """`obj[name]` checked to be a `kind`; BadResponse otherwise."""
    if not isinstance(obj, dict):
        raise bad(f"a malformed {where}: expected an object")
    value = obj.get(name)
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise bad(f"a malformed {where}: {name} is missing or not a {kind.__name__}")
    return value


def optional(obj: dict[str, Any], name: str, key: str, where: str) -> str:
    """`obj[name][key]` as text, "" when `obj[name]` is null."""
    inner = obj.get(name)
    if inner is None:
        return ""
    return field(inner, key, str, f"{where} {name}")


def parse_time(text: object, where: str = "issue") -> datetime:
    """A Jira timestamp (`2025-06-01T13:05:22.123+0000`, or ISO 8601) as aware UTC."""
    if not isinstance(text, str):
        raise bad(f"a malformed {where}: a timestamp is not text")
    try:
        moment = datetime.fromisoformat(text)  # 3.11 reads Jira's `+0000` offsets too
        if moment.tzinfo is not None:
            return moment.astimezone(UTC)
    except (ValueError, OverflowError):  # OverflowError: year 1 or 9999 shifted out of range
        raise bad(f"a malformed {where}: a timestamp is not in Jira's format") from None
    raise bad(f"a malformed {where}: a timestamp is not in Jira's format")


def jql_time(moment: datetime, zone: tzinfo, overlap: timedelta) -> str:
    """`moment - overlap` floored to the minute, in the caller's zone, as JQL wants it."""
    return (moment - overlap).astimezone(zone).strftime(_JQL_TIME)


def remote_id(raw: object) -> str:
    value = field(raw, "id", str)
    if not (value.isascii() and value.isdigit()):
        raise bad("a malformed issue: id is not numeric")
    return value


def issue_row(raw: object, *, site: str, points_field: str | None) -> dict[str, Any]:
    """An `issue` table row for one Jira issue (search or bulkfetch JSON)."""
    number = remote_id(raw)
    assert isinstance(raw, dict)
    fields = field(raw, "fields", dict)
    status = field(fields, "status", dict, "issue fields")
    labels = field(fields, "labels", list, "issue fields")
    if not all(isinstance(label, str) for label in labels):
        raise bad("a malformed issue: labels are not all text")
    description = fields.get("description")
    try:
        markdown = adf_to_md(description)
    except ValueError:
        raise bad("a malformed issue: description is not a document") from None
    return {
        "id": f"jira:{site}:{number}",
        "key": field(raw, "key", str),
        "project": field(field(fields, "project", dict, "issue"), "key", str, "issue project"),
        "type": field(field(fields, "issuetype", dict, "issue"), "name", str, "issue type"),
        "summary": field(fields, "summary", str, "issue fields"),
        "description_adf": description,
        "description_md": markdown,
        "status": field(status, "name", str, "issue status"),
        "status_category": _category(status),
        "priority": optional(fields, "priority", "name", "issue"),
        "assignee": optional(fields, "assignee", "displayName", "issue"),
        "labels": list(labels),
        "estimate": _estimate(fields.get(points_field) if points_field else None),
        "created": parse_time(fields.get("created")),
        "updated": parse_time(fields.get("updated")),
        "deleted": False,
    }


def _category(status: dict[str, Any]) -> str:
    category = field(status, "statusCategory", dict, "issue status")
    key = field(category, "key", str, "issue status category")
    return key if key in ("new", "indeterminate", "done") else "new"


def _estimate(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not isfinite(value):
        raise bad("a malformed issue: the story points are not a number")
    return float(value)


def updated_text(raw: object) -> str:
    """The raw `fields.updated` of an issue, as the edit base version is kept."""
    return field(field(raw, "fields", dict), "updated", str, "issue fields")


def person_row(raw: object, connection_id: str) -> dict[str, Any]:
    """A Jira user as a `person` row; `role` is the account type (`atlassian` users take a
    licence, `app` and `customer` accounts do not)."""
    account = field(raw, "accountId", str, "user")
    user: dict[str, Any] = raw if isinstance(raw, dict) else {}
    return {
        "connection_id": connection_id,
        "account_id": account,
        "display_name": str(user.get("displayName") or ""),
        "email": str(user.get("emailAddress") or ""),
        "role": str(user.get("accountType") or "atlassian"),
        "active": user.get("active") is not False,
    }
