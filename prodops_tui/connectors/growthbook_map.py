"""GrowthBook JSON -> `experiment` rows; pure functions that raise only BadResponse.

`Reader` (typed field access for one service) is shared with the Mixpanel mapping. GrowthBook has
no field for an experiment's design, surface, audience, regions or geos: prodops reads them
from `key:value` tags (`design:switchback`, `surface:checkout`, `region:eu-west`, ...).
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from prodops_tui.connectors.errors import BadResponse

__all__ = ["GB", "Reader", "experiment_row", "list_page", "metric_names", "results_summary"]

_DESIGNS = ("ab", "switchback", "geo")
_STATUSES = ("draft", "running", "stopped")


@dataclass(frozen=True)
class Reader:
    """Typed access to one service's JSON; every mismatch is a one-line BadResponse."""

    service: str
    name: str

    def bad(self, what: str) -> BadResponse:
        return BadResponse(f"{self.name} sent an unexpected response: {what}", service=self.service)

    def field(
        self, raw: Any, key: str, kind: type | tuple[type, ...], optional: bool = False
    ) -> Any:
        """`raw[key]` checked against `kind` (a bool is no number); None if optional and absent."""
        if not isinstance(raw, dict):
            raise self.bad("an object was expected")
        value = raw.get(key)
        if value is None and optional:
            return None
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kind):
            raise self.bad(f"{key} is missing or has the wrong type")
        return value

    def number(self, raw: Any, key: str, optional: bool = False) -> float | None:
        value = self.field(raw, key, (int, float), optional)
        if value is not None and not math.isfinite(value):
            raise self.bad(f"{key} is not a finite number")
        return None if value is None else float(value)

    def text(self, raw: Any, key: str) -> str:
        return str(self.field(raw, key, str, optional=True) or "")

    def objects(self, raw: Any, key: str, optional: bool = False) -> list[dict[str, Any]]:
        items = self.field(raw, key, list, optional) or []
        if not all(isinstance(item, dict) for item in items):
            raise self.bad(f"{key} must hold objects")
        return list(items)

    def strings(self, raw: Any, key: str) -> list[str]:
        items = self.field(raw, key, list, optional=True) or []
        if not all(isinstance(item, str) for item in items):
            raise self.bad(f"{key} must hold strings")
        return list(items)

    def moment(self, raw: Any, key: str, optional: bool = False) -> datetime | None:
        """A tz-aware UTC datetime from an ISO 8601 field ("" counts as absent if optional)."""
        text = self.field(raw, key, str, optional)
        if not text and optional:
            return None
        try:
            parsed = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
            return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
        except (ValueError, OverflowError):
            raise self.bad(f"{key} is not a timestamp") from None


GB = Reader("growthbook", "GrowthBook")


def list_page(body: Any, key: str) -> tuple[list[dict[str, Any]], int | None]:
    """The items of one list page and the next offset (None at the end)."""
    items = GB.objects(body, key)
    more = GB.field(body, "hasMore", bool)
    following = GB.field(body, "nextOffset", int, optional=True)
    if more and following is None:
        raise GB.bad("hasMore without nextOffset")
    if following is not None and following < 0:
        raise GB.bad("nextOffset is negative")
    return items, following if more else None


def metric_names(body: Any) -> dict[str, str]:
    """Metric id -> name from one `/v1/metrics` page."""
    items, _ = list_page(body, "metrics")
    return {GB.field(m, "id", str): GB.field(m, "name", str) for m in items}


def _tag_values(tags: list[str]) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for tag in tags:
        key, sep, value = tag.partition(":")
        if sep and value:
            values.setdefault(key.strip().lower(), []).append(value.strip())
    return values


def _design_fields(tags: list[str]) -> dict[str, Any]:
    found = _tag_values(tags)
    design = (found.get("design") or ["ab"])[0].lower()
    hours = (found.get("bucket_hours") or [""])[0]
    return {
        "design": design if design in _DESIGNS else "ab",
        "surface": (found.get("surface") or [""])[0],
        "audience": (found.get("audience") or [""])[0],
        "regions": found.get("region", []),
        "treated_geos": found.get("treated", []),
        "donor_geos": found.get("donor", []),
        "bucket_hours": int(hours)
        if hours.isascii() and hours.isdigit() and 0 < int(hours) < 10_000
        else None,
    }


def _namespace(phase: dict[str, Any]) -> tuple[float, float]:
    space = GB.field(phase, "namespace", dict, optional=True)
    if not space or not GB.field(space, "enabled", bool, optional=True):
        return 0.0, 1.0
    bounds = GB.field(space, "range", list)
    if len(bounds) != 2:
        raise GB.bad("namespace range must have two numbers")
    low, high = (GB.number({"n": value}, "n") for value in bounds)
    assert low is not None and high is not None
    if not 0.0 <= low <= high <= 1.0:
        raise GB.bad("namespace range must lie within 0..1")
    return low, high


def _variations(raw: Any, phase: dict[str, Any] | None) -> list[dict[str, Any]]:
    variations = GB.objects(raw, "variations")
    split = {}
    for part in GB.objects(phase, "trafficSplit", optional=True) if phase else []:
        split[GB.field(part, "variationId", str)] = GB.number(part, "weight")
    even = round(1 / len(variations), 4) if variations else 0.0
    return [
        {
            "key": GB.field(v, "key", str),
            "name": GB.text(v, "name"),
            "weight": split.get(GB.field(v, "variationId", str), even),
        }
        for v in variations
    ]


def _day(moment: datetime | None) -> date | None:
    return None if moment is None else moment.date()


def _status(raw: Any, start: date | None, today: date) -> str:
    status = GB.field(raw, "status", str).lower()
    if status == "draft" and start is not None and start > today:
        return "scheduled"
    return status if status in _STATUSES else "draft"


def _goal(raw: Any) -> str:
    settings = GB.field(raw, "settings", dict, optional=True) or {}
    goals = GB.objects(settings, "goals", optional=True)
    return str(GB.field(goals[0], "metricId", str)) if goals else ""


def experiment_row(
    raw: Any, *, connection_id: str, metrics: Mapping[str, str], today: date
) -> dict[str, Any]:
    """An `experiment` row (without `results`) from a GrowthBook Experiment object."""
    gb_id = GB.field(raw, "id", str)
    if not gb_id:
        raise GB.bad("an experiment has an empty id")
    phases = GB.objects(raw, "phases", optional=True)
    first, last = (phases[0], phases[-1]) if phases else (None, None)
    start = _day(GB.moment(first, "dateStarted", optional=True)) if first else None
    coverage = GB.number(last, "coverage", optional=True) if last else None
    if coverage is not None and not 0.0 <= coverage <= 1.0:
        raise GB.bad("coverage must lie within 0..1")
    low, high = _namespace(last) if last else (0.0, 1.0)
    goal = _goal(raw)
    row = {
        "id": f"{connection_id}:{gb_id}",
        "source": "growthbook",
        "name": GB.field(raw, "name", str),
        "status": _status(raw, start, today),
        "owner": GB.text(raw, "owner"),
        "flag_key": GB.text(raw, "trackingKey"),
        "hypothesis": GB.text(raw, "hypothesis"),
        "primary_metric": metrics.get(goal, goal),
        "namespace_start": low,
        "namespace_end": high,
        "traffic_pct": 100.0 if coverage is None else round(coverage * 100, 4),
        "variations": _variations(raw, last),
        "start": start,
        "end": _day(GB.moment(last, "dateEnded", optional=True)) if last else None,
        "updated": GB.moment(raw, "dateUpdated"),
    }
    return row | _design_fields(GB.strings(raw, "tags"))


def _analysis(variation: dict[str, Any]) -> dict[str, Any]:
    analyses = GB.objects(variation, "analyses")
    if not analyses:
        raise GB.bad("a variation has no analysis")
    found = analyses[0]
    out: dict[str, Any] = {
        "engine": GB.field(found, "engine", str),
        "lift": GB.number(found, "percentChange"),
        "ci_low": GB.number(found, "ciLow"),
        "ci_high": GB.number(found, "ciHigh"),
    }
    for key, name in (("pValue", "p_value"), ("chanceToBeatControl", "chance_to_win")):
        value = GB.number(found, key, optional=True)
        if value is not None:
            out[name] = value
    return out


def results_summary(body: Any, goal: str = "") -> dict[str, Any]:
    """The experiment `results` JSON: the goal metric's first treatment at the top level (lift,
    ci_low, ci_high, p_value or chance_to_win, srm_p, users) and every variation below."""
    result = GB.field(body, "result", dict)
    dimensions = GB.objects(result, "results")
    if not dimensions:
        return {}
    overall = dimensions[0]
    metrics = GB.objects(overall, "metrics")
    chosen = next(
        (m for m in metrics if m.get("metricId") == goal), metrics[0] if metrics else None
    )
    checks = GB.field(overall, "checks", dict)
    summary: dict[str, Any] = {
        "srm_p": GB.number(checks, "srm"),
        "users": int(GB.number(overall, "totalUsers") or 0),
    }
    if chosen is None:
        return summary
    variations = [
        {"id": GB.field(v, "variationId", str), "name": GB.text(v, "variationName")}
        | {"users": int(GB.number(v, "users", optional=True) or 0)}
        | _analysis(v)
        for v in GB.objects(chosen, "variations")
    ]
    summary["metric"] = GB.text(chosen, "metricName") or GB.field(chosen, "metricId", str)
    if len(variations) > 1:
        treated = variations[1]
        summary |= {k: v for k, v in treated.items() if k not in ("id", "name", "users")}
        summary["variation"] = treated["name"] or treated["id"]
    summary["variations"] = variations
    return summary
