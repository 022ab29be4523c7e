"""Which experiments interfere: pure functions over plain rows, no UI and no store.

Two experiments conflict when their windows overlap, they share a surface, feature flag or
primary metric, and their audiences can meet. The rules, per pair of designs:

- Windows are half-open days ``[start, end)``: ``end`` is the day the test stops, so one that ends
  on the day the next starts does not overlap it. No start (a GrowthBook test without phases)
  means no window and no conflict. GrowthBook sends no end until a test stops: read with a
  `today`, such a test is assumed to run ASSUMED_DAYS from its start, and a running one at least
  through today; read without one, it is open-ended.
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
from dataclasses import dataclass
from datetime import date
from itertools import combinations
from typing import Any

from prodops_tui.services.audiences import audiences_meet
from prodops_tui.services.plan_model import (
    ASSUMED_DAYS,
    OPEN_END,
    Plan,
    assumed_end,
    plan_from_row,
)

__all__ = [
    "ASSUMED_DAYS",
    "Conflict",
    "Plan",
    "assumed_end",
    "conflict_between",
    "conflicting_ids",
    "conflicts_of",
    "find_conflicts",
    "next_free_slot",
    "plan_from_row",
]


@dataclass(frozen=True)
class Conflict:
    """Two experiments that interfere, and why in one line (ids in sorted order)."""

    first: str
    second: str
    reason: str

    def other(self, plan_id: str) -> str:
        return self.second if plan_id == self.first else self.first


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


def conflicting_ids(
    experiments: Iterable[Mapping[str, Any] | Plan], today: date | None = None
) -> set[str]:
    """Ids of the experiments in at least one conflict (rows as dicts, or Plans); pass `today`
    to read tests without an end as the calendar does."""
    plans = [e if isinstance(e, Plan) else plan_from_row(e, today) for e in experiments]
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
