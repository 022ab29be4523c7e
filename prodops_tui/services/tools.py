"""The tool inventory's edits and reads: validate a tool, add, edit, retire and delete it (each
with its decision row, in one transaction), and the renewals coming up for Home and the calendar.

Tools are local-only (no service owns them), so edits have no outbox row."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update
from sqlmodel import SQLModel

from prodops_tui.models import tables  # noqa: F401  (registers the tables on the metadata)
from prodops_tui.models.enums import ToolStatus
from prodops_tui.store.reads import ListQuery, Reader
from prodops_tui.store.store import Store, StoreError

__all__ = ["EDITABLE", "Checked", "Renewal", "ToolError", "add_tool", "change_tool", "check_tool"]
__all__ += ["delete_tool", "edit_tool", "insert_tool", "renewals_within", "retire_tool", "tool_row"]

EDITABLE = (
    "name",
    "category",
    "owner",
    "seats_bought",
    "seats_used",
    "monthly_cost",
    "renewal_date",
    "connection_id",
    "status",
    "notes",
)
"""The columns a person edits, in model order (`id` and `seq` are the workspace's)."""
STATUSES = tuple(status.value for status in ToolStatus)
_MONEY = re.compile(r"^-?\d+(\.\d+)?$")


class ToolError(StoreError):
    """A tool that cannot be saved as given; the message is one line for the user."""


@dataclass(frozen=True)
class Checked:
    """Valid column values (only those given) and what is odd but allowed about them."""

    values: dict[str, Any]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Renewal:
    """A tool whose contract renews soon."""

    tool_id: str
    name: str
    renewal_date: date
    days_left: int
    monthly_cost: float
    owner: str


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _seats(label: str, value: Any) -> int:
    text = _text(value).replace(",", "") or "0"
    if not text.isdigit():
        raise ToolError(f"{label} must be a whole number of 0 or more, not {_text(value)!r}")
    return int(text)


def _cost(value: Any) -> float:
    text = _text(value).replace(",", "") or "0"
    if not _MONEY.match(text):
        raise ToolError(f"monthly cost must be a number, e.g. 1250.50, not {_text(value)!r}")
    cost = float(text)
    if cost < 0:
        raise ToolError("monthly cost cannot be negative")
    return cost


def _day(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).date() if len(text) > 10 else date.fromisoformat(text)
    except ValueError:
        raise ToolError(f"renewal date must be YYYY-MM-DD, not {text!r}") from None


def _status(value: Any) -> str:
    text = _text(value).lower() or ToolStatus.ACTIVE.value
    if text not in STATUSES:
        raise ToolError(f"status must be one of {', '.join(STATUSES)}, not {_text(value)!r}")
    return text


_PARSERS = {
    "name": _text,
    "category": _text,
    "owner": _text,
    "notes": _text,
    "connection_id": lambda value: _text(value) or None,
    "seats_bought": lambda value: _seats("seats bought", value),
    "seats_used": lambda value: _seats("seats used", value),
    "monthly_cost": _cost,
    "renewal_date": _day,
    "status": _status,
}


def check_tool(
    raw: Mapping[str, Any], today: date, before: Mapping[str, Any] | None = None
) -> Checked:
    """Parse the given editable fields (text or typed); ToolError for what cannot be saved.

    Seats used above seats bought and a renewal date in the past are allowed, with a warning;
    `before` is the stored tool, so an edit of one field is judged with the others."""
    values = {name: _PARSERS[name](value) for name, value in raw.items() if name in _PARSERS}
    if "name" in values and not values["name"]:
        raise ToolError("a tool needs a name")
    merged = {**(before or {}), **values}
    warnings: list[str] = []
    bought, used = int(merged.get("seats_bought") or 0), int(merged.get("seats_used") or 0)
    if used > bought:
        warnings.append(f"{used:,} seats used, above the {bought:,} bought")
    renewal = _day(merged.get("renewal_date"))
    retired = merged.get("status") == ToolStatus.RETIRED.value
    if renewal is not None and renewal < today and not retired:
        warnings.append(f"renewal date {renewal.isoformat()} is in the past")
    return Checked(values, tuple(warnings))


def _table(name: str) -> Any:
    return SQLModel.metadata.tables[name]


def tool_row(store: Store, tool_id: str) -> dict[str, Any] | None:
    """The stored tool's editable columns (and id), or None."""
    tool = _table("tool")
    with store.read() as conn:
        found = conn.execute(select(tool).where(tool.c.id == tool_id)).mappings().first()
    return None if found is None else {k: v for k, v in found.items() if k != "seq"}


def _refuse_duplicate(conn: Connection, name: str, tool_id: str) -> None:
    tool = _table("tool")
    query = select(tool.c.id).where(func.lower(tool.c.name) == name.lower(), tool.c.id != tool_id)
    if conn.execute(query).first() is not None:
        raise ToolError(f"a tool named {name!r} already exists")


def _new_id(conn: Connection, name: str) -> str:
    tool = _table("tool")
    slug = "-".join(re.findall(r"[a-z0-9]+", name.lower())) or "tool"
    taken = {
        row[0] for row in conn.execute(select(tool.c.id).where(tool.c.id.like(f"tool:{slug}%")))
    }
    candidate, n = f"tool:{slug}", 2
    while candidate in taken:
        candidate, n = f"tool:{slug}-{n}", n + 1
    return candidate


def _decide(conn: Connection, actor: str, target: str, action: str, detail: dict[str, Any]) -> None:
    conn.execute(
        insert(_table("decision")).values(
            actor=actor, target=target, action=action, detail=detail, created_at=datetime.now(UTC)
        )
    )


def _plain(values: Mapping[str, Any]) -> dict[str, Any]:
    """JSON-safe values for a decision's detail."""
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}


def _known_connection(conn: Connection, values: Mapping[str, Any]) -> None:
    wanted = values.get("connection_id")
    connection = _table("connection")
    if (
        wanted
        and conn.execute(select(connection.c.id).where(connection.c.id == wanted)).first() is None
    ):
        raise ToolError(f"no connection {wanted!r} in the workspace")


def insert_tool(conn: Connection, values: Mapping[str, Any], actor: str, action: str) -> str:
    """Add a checked tool in the caller's write transaction; its new id."""
    name = str(values.get("name") or "")
    if not name:
        raise ToolError("a tool needs a name")
    _refuse_duplicate(conn, name, "")
    _known_connection(conn, values)
    tool_id = str(values.get("id") or "") or _new_id(conn, name)
    row = {"status": ToolStatus.ACTIVE.value, **values, "id": tool_id}
    conn.execute(insert(_table("tool")).values(row))
    _decide(conn, actor, tool_id, action, {"to": _plain(row)})
    return tool_id


def change_tool(
    conn: Connection, tool_id: str, values: Mapping[str, Any], actor: str, action: str
) -> dict[str, Any]:
    """Write the changed columns of a stored tool in the caller's transaction; {col: (old, new)}."""
    tool = _table("tool")
    before = conn.execute(select(tool).where(tool.c.id == tool_id)).mappings().first()
    if before is None:
        raise ToolError(f"no tool {tool_id} in the workspace")
    changed = {k: v for k, v in values.items() if k in EDITABLE and before[k] != v}
    if "name" in changed:
        _refuse_duplicate(conn, str(changed["name"]), tool_id)
    _known_connection(conn, changed)
    if changed:
        conn.execute(update(tool).where(tool.c.id == tool_id).values(changed))
        old = {k: before[k] for k in changed}
        _decide(conn, actor, tool_id, action, {"from": _plain(old), "to": _plain(changed)})
    return {k: (before[k], v) for k, v in changed.items()}


def add_tool(store: Store, raw: Mapping[str, Any], actor: str, today: date) -> tuple[str, Checked]:
    """Validate and add a tool with its decision; (new id, what was saved and its warnings)."""
    checked = check_tool(raw, today)
    with store.write() as conn:
        return insert_tool(conn, checked.values, actor, "tool.add"), checked


def edit_tool(
    store: Store, tool_id: str, raw: Mapping[str, Any], actor: str, today: date
) -> Checked:
    """Validate and save the given fields of a tool with one decision row."""
    before = tool_row(store, tool_id)
    if before is None:
        raise ToolError(f"no tool {tool_id} in the workspace")
    checked = check_tool(raw, today, before)
    with store.write() as conn:
        change_tool(conn, tool_id, checked.values, actor, "tool.edit")
    return checked


def retire_tool(store: Store, tool_id: str, actor: str) -> bool:
    """Mark a tool retired (its row and history stay); False when it already was."""
    with store.write() as conn:
        changed = change_tool(
            conn, tool_id, {"status": ToolStatus.RETIRED.value}, actor, "tool.retire"
        )
    return bool(changed)


def delete_tool(store: Store, tool_id: str, actor: str) -> dict[str, Any]:
    """Delete a tool; the decision keeps the whole row, so nothing is lost. Returns the row."""
    tool = _table("tool")
    with store.write() as conn:
        found = conn.execute(select(tool).where(tool.c.id == tool_id)).mappings().first()
        if found is None:
            raise ToolError(f"no tool {tool_id} in the workspace")
        row = {k: v for k, v in found.items() if k != "seq"}
        conn.execute(delete(tool).where(tool.c.id == tool_id))
        _decide(conn, actor, tool_id, "tool.delete", {"from": _plain(row)})
    return row


RENEWALS = ListQuery(
    "tool",
    ("id", "name", "renewal_date", "monthly_cost", "owner", "status"),
    order=(("renewal_date", False),),
)


def renewals_within(source: Reader | Store, days: int, today: date) -> list[Renewal]:
    """Tools not retired whose renewal falls within `days` from `today` (inclusive), soonest
    first. Reads through the UI's Reader (cheap, no SQLAlchemy work) or a Store."""
    if isinstance(source, Reader):
        rows = [row[1:] for row in source.rows(RENEWALS, source.snapshot(RENEWALS))]
    else:
        tool = _table("tool")
        columns = [tool.c[name] for name in RENEWALS.columns]
        query = select(*columns).where(tool.c.renewal_date.is_not(None))
        with source.read() as conn:
            rows = [tuple(row) for row in conn.execute(query.order_by(tool.c.renewal_date))]
    found: list[Renewal] = []
    for tool_id, name, renewal, cost, owner, status in rows:
        when = _day(renewal)
        if when is None or status == ToolStatus.RETIRED.value:
            continue
        left = (when - today).days
        if 0 <= left <= days:
            found.append(Renewal(tool_id, name, when, left, float(cost or 0), owner or ""))
    return found
