"""A planned experiment as typed in the form -> a clean `experiment` row, or one clear message.

Pure functions: no store, no UI. Every check raises PlanError with a one-line message and
nothing is returned half-way.
"""

import math
import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from prodops_tui.models.enums import ExperimentDesign, ExperimentStatus

__all__ = [
    "LOCAL_STATUSES",
    "PlanError",
    "clean_plan",
    "form_values",
    "parse_variations",
    "variations_text",
]

LOCAL_STATUSES = (ExperimentStatus.DRAFT.value, ExperimentStatus.SCHEDULED.value)
"""What a local plan can be; running and stopped come from GrowthBook."""
DESIGNS = tuple(design.value for design in ExperimentDesign)
TEXT_FIELDS = ("name", "owner", "surface", "flag_key", "primary_metric", "hypothesis", "audience")
_WEIGHT = re.compile(r"^(?P<name>.*?)\s*(?P<weight>-?\d+(?:\.\d+)?)\s*%?$")


class PlanError(ValueError):
    """A plan that cannot be saved, and why in one line."""


def _text(values: Mapping[str, Any], key: str) -> str:
    return " ".join(str(values.get(key) or "").split())


def _names(values: Mapping[str, Any], key: str) -> list[str]:
    raw = values.get(key) or ""
    items = raw if isinstance(raw, list) else str(raw).split(",")
    return list(dict.fromkeys(name for item in items if (name := " ".join(str(item).split()))))


def _number(values: Mapping[str, Any], key: str, label: str, default: float) -> float:
    raw = values.get(key)
    if raw is None or str(raw).strip() == "":
        return default
    try:
        number = float(str(raw).strip().rstrip("%"))
    except ValueError:
        raise PlanError(f"{label} must be a number, not {str(raw)[:20]!r}") from None
    if not math.isfinite(number):
        raise PlanError(f"{label} must be a finite number")
    return number


def _day(values: Mapping[str, Any], key: str, label: str) -> date:
    raw = values.get(key)
    if isinstance(raw, date):
        return raw
    text = str(raw or "").strip()
    if not text:
        raise PlanError(f"{label} date is required (YYYY-MM-DD)")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PlanError(f"{label} date {text[:20]!r} is not a date (YYYY-MM-DD)") from None


def parse_variations(text: str) -> list[dict[str, Any]]:
    """ "Control 50, Treatment 50" -> variations with weights (fractions) summing to 1."""
    variations: list[tuple[str, float]] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        found = _WEIGHT.match(part)
        if found is None or not found["name"]:
            raise PlanError(f"variation {part[:24]!r} needs a name and a percentage")
        weight = float(found["weight"])
        if weight <= 0:
            raise PlanError(f"variation {found['name']!r} needs a share above 0%")
        variations.append((found["name"], weight))
    if len(variations) < 2:
        raise PlanError("an A/B test needs at least two variations, e.g. Control 50, Treatment 50")
    keys = ["-".join(name.lower().split()) for name, _ in variations]
    if len(set(keys)) < len(keys):
        raise PlanError("variation names must differ")
    total = sum(weight for _, weight in variations)
    if abs(total - 100) > 0.01:
        raise PlanError(f"the traffic split sums to {total:g}%, not 100%")
    return [
        {"key": key, "name": name, "weight": round(weight / 100, 6)}
        for key, (name, weight) in zip(keys, variations, strict=True)
    ]


def variations_text(variations: Any) -> str:
    """Stored variations back to the form's "Control 50, Treatment 50"."""
    if not isinstance(variations, list):
        return ""
    parts = []
    for item in variations:
        if isinstance(item, dict):
            name = item.get("name") or item.get("key") or "?"
            parts.append(f"{name} {float(item.get('weight') or 0) * 100:g}")
    return ", ".join(parts)


def _ab_fields(values: Mapping[str, Any]) -> dict[str, Any]:
    low = _number(values, "namespace_start", "namespace start", 0.0)
    high = _number(values, "namespace_end", "namespace end", 1.0)
    if not 0.0 <= low <= 1.0 or not 0.0 <= high <= 1.0:
        raise PlanError(f"the namespace range {low:g}-{high:g} must lie inside 0-1")
    if low >= high:
        raise PlanError(f"the namespace range {low:g}-{high:g} must start below its end")
    traffic = _number(values, "traffic_pct", "traffic", 100.0)
    if not 0 < traffic <= 100:
        raise PlanError(f"traffic {traffic:g}% must be above 0% and at most 100%")
    return {
        "namespace_start": low,
        "namespace_end": high,
        "traffic_pct": traffic,
        "variations": parse_variations(str(values.get("variations") or "")),
    }


def _switchback_fields(values: Mapping[str, Any]) -> dict[str, Any]:
    regions = _names(values, "regions")
    if not regions:
        raise PlanError("a switchback needs at least one region or cluster")
    hours = _number(values, "bucket_hours", "bucket length", 0)
    if not hours.is_integer() or not 1 <= hours <= 168:
        raise PlanError("the bucket length must be a whole number of hours from 1 to 168")
    return {"regions": regions, "bucket_hours": int(hours)}


def _geo_fields(values: Mapping[str, Any]) -> dict[str, Any]:
    treated = _names(values, "treated_geos")
    donors = _names(values, "donor_geos")
    if not treated:
        raise PlanError("a geo test needs at least one treated market")
    if not donors:
        raise PlanError("a geo test needs a donor pool of untreated markets")
    both = [market for market in treated if market in donors]
    if both:
        raise PlanError(f"market {', '.join(both)} cannot be both treated and a donor")
    return {"treated_geos": treated, "donor_geos": donors}


def _no_design() -> dict[str, Any]:
    """The per-design columns of another design, reset (fresh lists each time)."""
    return {
        "namespace_start": 0.0,
        "namespace_end": 1.0,
        "traffic_pct": 100.0,
        "variations": [],
        "regions": [],
        "bucket_hours": None,
        "treated_geos": [],
        "donor_geos": [],
    }


_BY_DESIGN = {"ab": _ab_fields, "switchback": _switchback_fields, "geo": _geo_fields}


def clean_plan(values: Mapping[str, Any]) -> dict[str, Any]:
    """The `experiment` columns of a valid plan (no id/source), or PlanError."""
    row: dict[str, Any] = {key: _text(values, key) for key in TEXT_FIELDS}
    row["hypothesis"] = str(values.get("hypothesis") or "").strip()
    if not row["name"]:
        raise PlanError("a plan needs a name")
    design = _text(values, "design").lower()
    if design not in DESIGNS:
        raise PlanError(f"unknown design {design[:20]!r}: choose ab, switchback or geo")
    status = _text(values, "status").lower() or ExperimentStatus.DRAFT.value
    if status not in LOCAL_STATUSES:
        raise PlanError(f"a local plan is draft or scheduled, not {status[:20]!r}")
    start = _day(values, "start", "start")
    end = _day(values, "end", "end")
    if end <= start:
        raise PlanError(f"the end {end} must come after the start {start}")
    if not (row["surface"] or row["flag_key"] or row["primary_metric"]):
        raise PlanError("name a surface, a feature flag or a primary metric")
    row |= {"design": design, "status": status, "start": start, "end": end}
    return row | _no_design() | _BY_DESIGN[design](values)


def form_values(row: Mapping[str, Any]) -> dict[str, str]:
    """An `experiment` row as the form's text fields."""
    values = {key: str(row.get(key) or "") for key in (*TEXT_FIELDS, "design", "status")}
    for key in ("start", "end"):
        values[key] = str(row.get(key) or "")[:10]
    for key in ("regions", "treated_geos", "donor_geos"):
        value = row.get(key) or []
        values[key] = ", ".join(value) if isinstance(value, list) else str(value)
    values["namespace_start"] = f"{float(row.get('namespace_start') or 0.0):g}"
    end = row.get("namespace_end")
    values["namespace_end"] = f"{float(1.0 if end is None else end):g}"
    traffic = row.get("traffic_pct")
    values["traffic_pct"] = f"{float(100.0 if traffic is None else traffic):g}"
    values["bucket_hours"] = str(row.get("bucket_hours") or "")
    values["variations"] = variations_text(row.get("variations"))
    return values
