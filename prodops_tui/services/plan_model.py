"""A planned or synced experiment as the conflict rules see it, read from an `experiment` row."""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cached_property
from typing import Any

__all__ = ["ASSUMED_DAYS", "OPEN_END", "WHOLE", "Plan", "assumed_end", "plan_from_row"]

OPEN_END = date.max
WHOLE = (0.0, 1.0)
ASSUMED_DAYS = 28
"""The length assumed for a test GrowthBook reports without an end (a typical four weeks)."""


@dataclass(frozen=True)
class Plan:
    """What the conflict rules need to know about one experiment."""

    id: str
    name: str = ""
    design: str = "ab"
    surface: str = ""
    flag_key: str = ""
    primary_metric: str = ""
    start: date | None = None
    end: date | None = None
    namespace: tuple[float, float] = WHOLE
    traffic_pct: float = 100.0
    regions: frozenset[str] = frozenset()
    treated: frozenset[str] = frozenset()
    donors: frozenset[str] = frozenset()

    @property
    def stop(self) -> date:
        """The first day after the window (OPEN_END when it has no end)."""
        return self.end or OPEN_END

    @property
    def days(self) -> int:
        """The window's length in days (at least one)."""
        if self.start is None or self.end is None:
            return 1
        return max((self.end - self.start).days, 1)

    @property
    def share(self) -> float:
        """The fraction of all users an A/B can reach: namespace width x traffic."""
        low, high = self.namespace
        return max(high - low, 0.0) * max(self.traffic_pct, 0.0) / 100

    @cached_property
    def keys(self) -> tuple[str, str, str]:
        """Surface, flag and metric as compared: trimmed, case-folded ("" = none)."""
        return _key(self.surface), _key(self.flag_key), _key(self.primary_metric)

    def moved_to(self, start: date) -> "Plan":
        """The same plan starting on `start`, its duration kept."""
        return replace(self, start=start, end=start + timedelta(days=self.days))


def _key(value: str) -> str:
    return value.strip().casefold()


def _day(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _names(value: Any) -> frozenset[str]:
    """A list column as a set: a JSON list, or the read path's comma-joined text."""
    if isinstance(value, str):
        value = value.split(",")
    return frozenset(str(item).strip() for item in value or () if str(item).strip())


def assumed_end(start: date | None, status: str, today: date) -> date | None:
    """Where a test without an end is taken to stop (see the module notes)."""
    if start is None:
        return None
    end = start + timedelta(days=ASSUMED_DAYS)
    return max(end, today + timedelta(days=1)) if status == "running" else end


def plan_from_row(row: Mapping[str, Any], today: date | None = None) -> Plan:
    """A Plan from an `experiment` row (a dict with the table's column names); with `today`, a
    missing end is assumed (see `assumed_end`)."""
    start, end = _day(row.get("start")), _day(row.get("end"))
    if end is None and today is not None:
        end = assumed_end(start, str(row.get("status") or ""), today)
    return Plan(
        id=str(row["id"]),
        name=str(row.get("name") or ""),
        design=str(row.get("design") or "ab"),
        surface=str(row.get("surface") or ""),
        flag_key=str(row.get("flag_key") or ""),
        primary_metric=str(row.get("primary_metric") or ""),
        start=start,
        end=end,
        namespace=(
            float(row.get("namespace_start") or 0.0),
            float(1.0 if row.get("namespace_end") is None else row["namespace_end"]),
        ),
        traffic_pct=float(100.0 if row.get("traffic_pct") is None else row["traffic_pct"]),
        regions=_names(row.get("regions")),
        treated=_names(row.get("treated_geos")),
        donors=_names(row.get("donor_geos")),
    )
