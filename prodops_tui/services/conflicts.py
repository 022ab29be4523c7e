"""Which experiments interfere: pure functions over plain rows, no UI and no store.

Two experiments conflict when their windows overlap, they share a surface, feature flag or
primary metric, and their audiences can meet. The rules, per pair of designs:

- Windows are half-open days ``[start, end)``: ``end`` is the day the test stops, so one that ends
  on the day the next starts does not overlap it. No start (a GrowthBook test without phases)
  means no window and no conflict; no end means open-ended.
- A/B and A/B: when both use a namespace (a range narrower than 0-1), the ranges must overlap by
  more than nothing (a 0-width range holds nobody). When either has the whole space, the tests
  are treated as separately allocated traffic: they meet when their shares (range width x
  traffic %) add up to more than 100%.
- Switchback and switchback: their regions intersect (no regions listed means everywhere).
- Geo and geo: a treated market of one is treated or a donor in the other; donor pools that only
  share donors do not meet.
- A/B and switchback: a switchback takes all traffic of its regions, so any A/B that reaches
  someone (share above 0) in one of them meets it (an A/B without regions runs everywhere).
- A/B and geo: an A/B reaching someone changes its markets (its treated markets, or all of them
  when none are listed), so it meets a geo test whose treated or donor market it reaches.
- Switchback and geo: regions and markets are different maps, so they are assumed to meet.
- An unknown design is judged as A/B.
"""

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cached_property
from itertools import combinations
from typing import Any

__all__ = [
    "Conflict",
    "Plan",
    "conflict_between",
    "conflicting_ids",
    "conflicts_of",
    "find_conflicts",
    "next_free_slot",
    "plan_from_row",
]

OPEN_END = date.max
WHOLE = (0.0, 1.0)


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


@dataclass(frozen=True)
class Conflict:
    """Two experiments that interfere, and why in one line (ids in sorted order)."""

    first: str
    second: str
    reason: str

    def other(self, plan_id: str) -> str:
        return self.second if plan_id == self.first else self.first


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


def plan_from_row(row: Mapping[str, Any]) -> Plan:
    """A Plan from an `experiment` row (a dict with the table's column names)."""
    return Plan(
        id=str(row["id"]),
        name=str(row.get("name") or ""),
        design=str(row.get("design") or "ab"),
        surface=str(row.get("surface") or ""),
        flag_key=str(row.get("flag_key") or ""),
        primary_metric=str(row.get("primary_metric") or ""),
        start=_day(row.get("start")),
        end=_day(row.get("end")),
        namespace=(
            float(row.get("namespace_start") or 0.0),
            float(1.0 if row.get("namespace_end") is None else row["namespace_end"]),
        ),
        traffic_pct=float(100.0 if row.get("traffic_pct") is None else row["traffic_pct"]),
        regions=_names(row.get("regions")),
        treated=_names(row.get("treated_geos")),
        donors=_names(row.get("donor_geos")),
    )


def _key(value: str) -> str:
    return value.strip().casefold()


_LABELS = ("surface", "flag", "metric")


def shared(a: Plan, b: Plan) -> list[str]:
    """What the two have in common: "surface", "flag", "metric"."""
    return [
        label
        for label, mine, theirs in zip(_LABELS, a.keys, b.keys, strict=True)
        if mine == theirs and mine
    ]


def windows_overlap(a: Plan, b: Plan) -> bool:
    if a.start is None or b.start is None:
        return False
    return a.start < b.stop and b.start < a.stop


def _kind(plan: Plan) -> str:
    return plan.design if plan.design in ("switchback", "geo") else "ab"


def _range(plan: Plan) -> str:
    return f"{plan.namespace[0]:g}-{plan.namespace[1]:g}"


def _listed(names: frozenset[str]) -> str:
    return ", ".join(sorted(names))


def _ab_ab(a: Plan, b: Plan) -> str | None:
    if a.namespace != WHOLE and b.namespace != WHOLE:
        low = max(a.namespace[0], b.namespace[0])
        high = min(a.namespace[1], b.namespace[1])
        return f"namespaces {_range(a)} and {_range(b)} overlap" if low < high else None
    total = a.share + b.share
    if total > 1.0 + 1e-9:
        return f"traffic {a.share:.0%} + {b.share:.0%} exceeds 100%"
    return None


def _places_meet(mine: frozenset[str], theirs: frozenset[str]) -> frozenset[str] | None:
    """The places two sets share; an empty set means everywhere (None: they do not meet)."""
    if not mine or not theirs:
        return theirs or mine
    common = mine & theirs
    return common or None


def _switchbacks(a: Plan, b: Plan) -> str | None:
    common = _places_meet(a.regions, b.regions)
    if common is None:
        return None
    return f"switchback regions {_listed(common)} shared" if common else "both switch everywhere"


def _geos(a: Plan, b: Plan) -> str | None:
    hits = (a.treated & (b.treated | b.donors)) | (b.treated & (a.treated | a.donors))
    return f"treated market {_listed(hits)} is also in the other test" if hits else None


def _ab_switchback(ab: Plan, switchback: Plan) -> str | None:
    if ab.share <= 0:
        return None
    common = _places_meet(ab.regions, switchback.regions)
    if common is None:
        return None
    where = _listed(common) if common else "every region"
    return f"A/B traffic reaches switchback regions ({where})"


def _ab_geo(ab: Plan, geo: Plan) -> str | None:
    if ab.share <= 0:
        return None
    markets = geo.treated | geo.donors
    reached = markets if not ab.treated else ab.treated & markets
    if not reached:
        return None
    treated = reached & geo.treated
    role, where = ("treated", treated) if treated else ("donor", reached)
    return f"A/B traffic reaches geo {role} market {_listed(where)}"


def _switchback_geo(switchback: Plan, geo: Plan) -> str | None:
    regions = _listed(switchback.regions) or "every region"
    return f"switchback over {regions} may reach geo markets {_listed(geo.treated)}"


def audiences_meet(a: Plan, b: Plan) -> str | None:
    """Why the two audiences can meet, or None when they cannot."""
    kinds = (_kind(a), _kind(b))
    if kinds == ("ab", "ab"):
        return _ab_ab(a, b)
    if kinds == ("switchback", "switchback"):
        return _switchbacks(a, b)
    if kinds == ("geo", "geo"):
        return _geos(a, b)
    by_kind = {_kind(a): a, _kind(b): b}
    if "ab" in by_kind and "switchback" in by_kind:
        return _ab_switchback(by_kind["ab"], by_kind["switchback"])
    if "ab" in by_kind:
        return _ab_geo(by_kind["ab"], by_kind["geo"])
    return _switchback_geo(by_kind["switchback"], by_kind["geo"])


def _could_meet(a: Plan, b: Plan) -> str | None:
    """The reason the two would conflict if their windows overlapped (time left out)."""
    first, second = (a, b) if a.id < b.id else (b, a)
    common = shared(first, second)
    if not common:
        return None
    audience = audiences_meet(first, second)
    return f"same {'+'.join(common)}: {audience}" if audience else None


def conflict_between(a: Plan, b: Plan) -> Conflict | None:
    """The conflict between two experiments, or None."""
    if a.id == b.id or not windows_overlap(a, b):
        return None
    reason = _could_meet(a, b)
    if reason is None:
        return None
    first, second = sorted((a.id, b.id))
    return Conflict(first, second, reason)


def _overlapping_pairs(plans: Sequence[Plan]) -> Iterator[tuple[Plan, Plan]]:
    """Pairs whose windows overlap and that share a key, by a sweep over start dates per key
    value (never all pairs of the history)."""
    groups: dict[tuple[str, str], list[Plan]] = {}
    for plan in plans:
        if plan.start is None:
            continue
        for kind, value in enumerate(plan.keys):
            if value:
                groups.setdefault((str(kind), value), []).append(plan)
    for group in groups.values():
        group.sort(key=lambda plan: plan.start or OPEN_END)
        active: list[Plan] = []
        for plan in group:
            start = plan.start or OPEN_END
            active = [other for other in active if other.stop > start]
            for other in active:
                yield other, plan
            active.append(plan)


def find_conflicts(plans: Iterable[Plan]) -> list[Conflict]:
    """Every conflict among the plans, each pair once, sorted by ids."""
    seen: set[tuple[str, str]] = set()
    found: list[Conflict] = []
    for a, b in _overlapping_pairs(list(plans)):
        pair = (a.id, b.id) if a.id < b.id else (b.id, a.id)
        if pair in seen:
            continue
        seen.add(pair)
        if (conflict := conflict_between(a, b)) is not None:
            found.append(conflict)
    return sorted(found, key=lambda c: (c.first, c.second))


def conflicting_ids(experiments: Iterable[Mapping[str, Any] | Plan]) -> set[str]:
    """Ids of the experiments in at least one conflict (rows as dicts, or Plans)."""
    plans = [e if isinstance(e, Plan) else plan_from_row(e) for e in experiments]
    return {side for c in find_conflicts(plans) for side in (c.first, c.second)}


def conflicts_of(plan: Plan, others: Iterable[Plan]) -> list[Conflict]:
    """The conflicts of one plan with the others (itself skipped)."""
    found = (conflict_between(plan, other) for other in others if other.id != plan.id)
    return [conflict for conflict in found if conflict is not None]


def next_free_slot(
    plan: Plan, others: Iterable[Plan], not_before: date | None = None
) -> tuple[date, date] | None:
    """The earliest (start, end) from the plan's start (or `not_before`, if later) with the
    same duration and no conflict; None when an open-ended experiment blocks it for good."""
    if plan.start is None:
        return None
    rivals = [o for o in others if o.id != plan.id and o.start and _could_meet(plan, o)]
    start = max(plan.start, not_before) if not_before else plan.start
    while True:
        moved = plan.moved_to(start)
        blocking = [o for o in rivals if windows_overlap(moved, o)]
        if not blocking:
            return start, moved.stop
        latest = max(o.stop for o in blocking)
        if latest == OPEN_END:
            return None
        start = latest


def all_pairs(plans: Sequence[Plan]) -> list[Conflict]:
    """The all-pairs reference for tests and benchmarks: same answer as find_conflicts."""
    found = (conflict_between(a, b) for a, b in combinations(plans, 2))
    return sorted((c for c in found if c), key=lambda c: (c.first, c.second))
