"""Mixpanel JSON -> `usage_daily` and NPS `feedback` rows; pure, raising only BadResponse."""

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

from prodops_tui.connectors import json_body
from prodops_tui.connectors.growthbook_map import Reader

__all__ = [
    "ACTIVE",
    "ACTIVE_MONTH",
    "MP",
    "export_events",
    "nps_row",
    "nps_summary",
    "series",
    "usage_rows",
]

MP = Reader("mixpanel", "Mixpanel")
ACTIVE = "$active"
"""The usage_daily event that holds daily active users."""
ACTIVE_MONTH = "$active_month"
"""The usage_daily event that holds monthly active users, on the first day of each month."""
_MAX_EXPORT_LINE = 1_000_000


def _day(text: str) -> date:
    """A `yyyy-mm-dd` day, or the first day of a `yyyy-mm` month."""
    candidate = f"{text}-01" if len(text) == 7 else text
    try:
        if len(candidate) != 10:
            raise ValueError(candidate)
        return date.fromisoformat(candidate)
    except ValueError:
        raise MP.bad(f"{text[:20]!r} is not a date") from None


def series(body: Any) -> dict[str, dict[date, int]]:
    """`{data: {values: {name: {date: n}}}}` as name -> day -> count (non-negative integers)."""
    values = MP.field(MP.field(body, "data", dict), "values", dict)
    out: dict[str, dict[date, int]] = {}
    for name, cells in values.items():
        if not isinstance(cells, dict):
            raise MP.bad(f"values of {str(name)[:40]!r} must be an object")
        counts: dict[date, int] = {}
        for when, count in cells.items():
            if isinstance(count, bool) or not isinstance(count, int | float):
                raise MP.bad("a count is not a number")
            number = MP.number({"n": count}, "n")
            if number is None or number < 0 or number > 2**53:
                raise MP.bad("a count is out of range")
            counts[_day(str(when))] = int(number)
        out[str(name)] = counts
    return out


def usage_rows(
    general: dict[str, dict[date, int]],
    unique: dict[str, dict[date, int]],
    monthly: dict[str, dict[date, int]],
    active_event: str,
) -> list[dict[str, Any]]:
    """usage_daily rows: each event per day, the active event again as `$active` (DAU), and its
    monthly uniques as `$active_month` (MAU), for DAU/MAU stickiness."""
    rows = []
    for name, days in general.items():
        names = [name, ACTIVE] if name == active_event else [name]
        for day, count in sorted(days.items()):
            users = unique.get(name, {}).get(day, 0)
            rows += [{"event": n, "day": day, "count": count, "unique_users": users} for n in names]
    for month, users in sorted(monthly.get(active_event, {}).items()):
        first = month.replace(day=1)
        rows.append({"event": ACTIVE_MONTH, "day": first, "count": users, "unique_users": users})
    return rows


def export_events(content: bytes) -> Iterator[dict[str, Any]]:
    """The events of a raw-export NDJSON body; a bad or cut line is a BadResponse."""
    for number, line in enumerate(content.splitlines(), 1):
        if not line.strip():
            continue
        if len(line) > _MAX_EXPORT_LINE:
            raise MP.bad(f"export line {number} is too long")
        try:
            event = json_body.loads(line)
        except ValueError:
            raise MP.bad(f"export line {number} is not JSON (truncated?)") from None
        if not isinstance(event, dict):
            raise MP.bad(f"export line {number} is not an event object")
        yield event


def _score(properties: dict[str, Any], key: str) -> int:
    value = MP.number(properties, key)
    if value is None or value != int(value) or not 0 <= value <= 10:
        raise MP.bad(f"{key} must be a whole number from 0 to 10")
    return int(value)


def nps_row(
    event: dict[str, Any], *, connection_id: str, score_key: str = "score", comment_key: str = ""
) -> dict[str, Any]:
    """A `feedback` row of kind nps from one exported survey event."""
    props = MP.field(event, "properties", dict)
    seconds = MP.number(props, "time")
    assert seconds is not None
    seconds = seconds / 1000 if seconds >= 10**11 else seconds
    if not 0 <= seconds < 253_402_300_800:
        raise MP.bad("time is out of range")
    moment = datetime.fromtimestamp(seconds, UTC)
    distinct = MP.text(props, "distinct_id")
    insert_id = MP.text(props, "$insert_id") or f"{distinct}:{int(moment.timestamp())}"
    score = _score(props, score_key)
    group = "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
    comment = MP.text(props, comment_key or "comment")
    return {
        "id": f"{connection_id}:nps:{insert_id}",
        "kind": "nps",
        "external_id": insert_id,
        "connection_id": connection_id,
        "requester": MP.text(props, "name") or distinct,
        "requester_email": distinct if "@" in distinct else "",
        "channel": "survey",
        "subject": f"NPS {score}",
        "body": comment,
        "tags": ["nps", group],
        "score": score,
        "created": moment,
        "updated": moment,
    }


def nps_summary(body: Any) -> dict[str, Any]:
    """Responses, promoters/passives/detractors and the NPS (-100..100) from a segmentation of
    the survey event by its score property."""
    tally = {"responses": 0, "promoters": 0, "passives": 0, "detractors": 0}
    for score_text, days in series(body).items():
        try:
            score = float(score_text)
        except ValueError:
            raise MP.bad("a score is not a number") from None
        if not 0 <= score <= 10:
            raise MP.bad("a score is outside 0..10")
        count = sum(days.values())
        group = "promoters" if score >= 9 else "passives" if score >= 7 else "detractors"
        tally[group] += count
        tally["responses"] += count
    total = tally["responses"]
    nps = round(100 * (tally["promoters"] - tally["detractors"]) / total, 1) if total else None
    return {**tally, "nps": nps}
