"""Zendesk JSON -> workspace rows (feedback, org); anything malformed becomes BadResponse."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from prodops_tui.connectors.errors import BadResponse

_TIERS = ("free", "starter", "growth", "enterprise")
_VERDICT_SCORE = {"good": 5, "bad": 1}
"""Legacy CSAT is good/bad only; on our 1-5 scale good counts as 5 and bad as 1."""


def bad(what: str) -> BadResponse:
    """The error for a response that is not the shape Zendesk documents."""
    return BadResponse(f"Zendesk sent an unexpected response: {what}", service="zendesk")


@dataclass(frozen=True)
class Person:
    """A Zendesk user as feedback shows them."""

    name: str
    email: str
    org: int | None


def field(raw: Any, name: str, kind: type | tuple[type, ...], *, optional: bool = False) -> Any:
    """`raw[name]` checked against `kind` (bools are not ints); None if optional and absent."""
    if not isinstance(raw, dict):
        raise bad("an object was expected")
    value = raw.get(name)
    if value is None and optional:
        return None
    if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
        raise bad(f"{name} has the wrong type")
    if not isinstance(value, kind):
        raise bad(f"{name} is missing or has the wrong type")
    return value


def identifier(raw: Any, name: str = "id", *, optional: bool = False) -> int | None:
    value = field(raw, name, int, optional=optional)
    if value is not None and value < 0:
        raise bad(f"{name} is negative")
    return value  # type: ignore[no-any-return]


def moment(raw: Any, name: str) -> datetime:
    """A timezone-aware UTC datetime from an ISO 8601 field."""
    text = field(raw, name, str)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        if parsed.tzinfo is None:
            raise bad(f"{name} has no time zone")
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        raise bad(f"{name} is not a timestamp") from None


def strings(raw: Any, name: str) -> list[str]:
    value = field(raw, name, list, optional=True) or []
    if not all(isinstance(item, str) for item in value):
        raise bad(f"{name} must hold strings")
    return list(value)


def text(raw: Any, name: str) -> str:
    return str(field(raw, name, str, optional=True) or "")


def person(raw: Any) -> tuple[int, Person]:
    """(user id, Person) from a Zendesk user object."""
    user_id = identifier(raw)
    assert user_id is not None
    org = identifier(raw, "organization_id", optional=True)
    return user_id, Person(text(raw, "name"), text(raw, "email"), org)


def org_key(sub: str, org: int | None) -> str | None:
    return None if org is None else f"zendesk:{sub}:org:{org}"


def ticket_key(sub: str, ticket_id: int) -> str:
    return f"zendesk:{sub}:ticket:{ticket_id}"


def is_deleted(raw: Any) -> bool:
    return bool(field(raw, "status", str, optional=True) == "deleted")


def ticket_row(
    raw: Any, *, sub: str, connection_id: str, people: dict[int, Person]
) -> dict[str, Any]:
    """A feedback row (kind ticket) from a Zendesk ticket; local-only fields are left out."""
    ticket_id = identifier(raw)
    requester_id = identifier(raw, "requester_id")
    assert ticket_id is not None and requester_id is not None
    who = people.get(requester_id, Person("", "", None))
    org = identifier(raw, "organization_id", optional=True)
    via = field(raw, "via", dict, optional=True) or {}
    return {
        "id": ticket_key(sub, ticket_id),
        "kind": "ticket",
        "external_id": str(ticket_id),
        "connection_id": connection_id,
        "requester": who.name,
        "requester_email": who.email,
        "org_id": org_key(sub, org if org is not None else who.org),
        "channel": text(via, "channel"),
        "subject": text(raw, "subject"),
        "body": text(raw, "description"),
        "tags": strings(raw, "tags"),
        "score": None,
        "created": moment(raw, "created_at"),
        "updated": moment(raw, "updated_at"),
        "updated_stamp": field(raw, "updated_at", str),
    }


def rating_row(
    raw: Any, *, sub: str, connection_id: str, people: dict[int, Person]
) -> dict[str, Any]:
    """A feedback row (kind csat) from a satisfaction rating."""
    rating_id = identifier(raw)
    requester_id = identifier(raw, "requester_id")
    assert rating_id is not None and requester_id is not None
    verdict = field(raw, "score", str)
    score = _VERDICT_SCORE.get(verdict)
    who = people.get(requester_id, Person("", "", None))
    return {
        "id": f"zendesk:{sub}:csat:{rating_id}",
        "kind": "csat",
        "external_id": str(rating_id),
        "connection_id": connection_id,
        "requester": who.name,
        "requester_email": who.email,
        "org_id": org_key(sub, who.org),
        "channel": "",
        "subject": f"CSAT {score}/5" if score else f"CSAT {verdict}",
        "body": text(raw, "comment"),
        "tags": ["csat", verdict],
        "score": score,
        "created": moment(raw, "created_at"),
        "updated": moment(raw, "updated_at"),
        "updated_stamp": field(raw, "updated_at", str),
    }


def _arr(value: Any) -> float:
    if isinstance(value, bool) or value is None:
        return 0.0
    try:
        amount = float(str(value).replace(",", "").strip() or 0)
    except ValueError:
        return 0.0
    return amount if amount == amount and abs(amount) != float("inf") else 0.0


def org_row(
    raw: Any, *, sub: str, tier_field: str = "tier", arr_field: str = "arr"
) -> dict[str, Any]:
    """An org row; tier and ARR come from organization_fields (unknown tiers count as free)."""
    org_id = identifier(raw)
    name = field(raw, "name", str)
    fields = field(raw, "organization_fields", dict, optional=True) or {}
    tier = str(fields.get(tier_field) or "").strip().lower()
    return {
        "id": org_key(sub, org_id),
        "name": name,
        "tier": tier if tier in _TIERS else "free",
        "arr": _arr(fields.get(arr_field)),
    }


def comment_entry(raw: Any, people: dict[int, Person]) -> dict[str, Any]:
    """A comment for the reading pane: author name, plain body, public flag, time."""
    author = identifier(raw, "author_id", optional=True)
    who = people.get(author, Person("", "", None)) if author is not None else None
    return {
        "id": identifier(raw),
        "author": who.name if who else "",
        "author_id": author,
        "body": text(raw, "plain_body") or text(raw, "body"),
        "public": bool(field(raw, "public", bool, optional=True)),
        "created": moment(raw, "created_at"),
    }


def staff_row(raw: Any, connection_id: str) -> dict[str, Any]:
    """A Zendesk agent or admin as a `person` row."""
    return {
        "connection_id": connection_id,
        "account_id": str(identifier(raw)),
        "display_name": text(raw, "name"),
        "email": text(raw, "email"),
        "role": text(raw, "role") or "agent",
        "active": field(raw, "active", bool, optional=True) is not False,
    }
