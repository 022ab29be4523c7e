"""Jira reads the triage screen asks for on demand: an issue's transitions and comments, and
the users an issue's project can be assigned to."""

from datetime import datetime
from typing import Any

from prodops_tui.connectors.adf import adf_to_md
from prodops_tui.connectors.http import HttpCore
from prodops_tui.connectors.jira_edits import ISSUE, remote_number
from prodops_tui.connectors.jira_map import field, parse_time, person_row

COMMENTS_MAX = 100


async def transitions(http: HttpCore, target: str) -> list[dict[str, Any]]:
    """The moves Jira offers now: [{"id", "name", "to", "category"}]."""
    answer = await http.get_json(f"{ISSUE}/{remote_number(target)}/transitions")
    moves = []
    for move in field(answer, "transitions", list, "transition list"):
        to = move.get("to") if isinstance(move, dict) else None
        if not isinstance(to, dict):
            continue
        category = (to.get("statusCategory") or {}).get("key", "")
        moves.append(
            {"id": str(move.get("id")), "name": str(move.get("name") or ""), "to": str(to["name"])}
            | {"category": str(category)}
        )
    return moves


async def comments(http: HttpCore, target: str) -> list[dict[str, Any]]:
    """The newest comments as `comment` rows (body as Markdown), oldest first."""
    path = f"{ISSUE}/{remote_number(target)}/comment"
    page = await http.get_json(path, params={"orderBy": "-created", "maxResults": COMMENTS_MAX})
    rows = []
    for raw in field(page, "comments", list, "comment page"):
        if not isinstance(raw, dict):
            continue
        author = raw.get("author") if isinstance(raw.get("author"), dict) else {}
        created: datetime | None = parse_time(raw["created"]) if raw.get("created") else None
        rows.append(
            {
                "target": target,
                "remote_id": str(field(raw, "id", str, "comment")),
                "author": str((author or {}).get("displayName") or ""),
                "body": adf_to_md(raw.get("body")),
                "public": raw.get("jsdPublic") is not False,
                "created": created,
            }
        )
    return rows[::-1]


async def assignable(http: HttpCore, connection_id: str, target: str) -> list[dict[str, Any]]:
    """Users who can be assigned the issue, as `person` rows (role `assignable`)."""
    params = {"issueId": remote_number(target), "maxResults": 1000}
    users = await http.get_json("/rest/api/3/user/assignable/search", params=params)
    if not isinstance(users, list):
        users = []
    return [person_row(u, connection_id) | {"role": "assignable"} for u in users]
