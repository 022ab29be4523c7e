"""Turn a run's raw results into the report: one row per figure, with its goal, the value
measured (p50 / p95), the same-run baseline and the ratio to it, the target and a verdict.

A row whose part failed or did not run has no value ("no data"); the smoke test checks that
every row has one.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

R = dict[str, Any]
Pair = tuple[float, float | None]


@dataclass(frozen=True)
class Figure:
    """How to read one row out of the results."""

    goal: str
    what: str
    unit: str
    measured: Callable[[R], Pair]
    limits: tuple[float | None, float | None] | None = None
    """Ceilings for p50 / p95 (floors when `higher` is set); None = information only."""
    baseline: str = ""
    base: Callable[[R], float] | None = None
    higher: bool = False
    paired: Callable[[R], float] | None = None
    """The ratio from paired runs (median of per-pair ratios), where the runs alternate."""


@dataclass(frozen=True)
class Row:
    goal: str
    what: str
    p50: float | None
    p95: float | None
    unit: str
    baseline: str
    base_value: float | None
    ratio: float | None
    target: str
    verdict: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _read(call: Callable[[R], Any], results: R) -> Any:
    try:
        return call(results)
    except (KeyError, TypeError, ValueError, IndexError, StopIteration, ZeroDivisionError):
        return None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and math.isfinite(value) else None


def _target(figure: Figure) -> str:
    if figure.limits is None:
        return "(info)"
    sign = ">=" if figure.higher else "<="
    cells = [f"{v:,g}" if v is not None else "-" for v in figure.limits]
    return f"{sign} {' / '.join(cells) if figure.limits[1] is not None else cells[0]} {figure.unit}"


def _verdict(figure: Figure, p50: float | None, p95: float | None) -> str:
    if p50 is None:
        return "no data"
    if figure.limits is None:
        return "info"
    checks = [(p50, figure.limits[0]), (p95, figure.limits[1])]
    fails = [
        value is not None
        and limit is not None
        and (value < limit if figure.higher else value > limit)
        for value, limit in checks
    ]
    if not any(fails):
        return "met"
    return "p95 not met" if fails == [False, True] else "NOT MET"


def row(figure: Figure, results: R) -> Row:
    pair = _read(figure.measured, results)
    p50, p95 = (_number(pair[0]), _number(pair[1])) if pair else (None, None)
    base = _number(_read(figure.base, results)) if figure.base else None
    ratio = round(p50 / base, 2) if p50 is not None and base else None
    if figure.paired is not None:
        ratio = _number(_read(figure.paired, results))
        ratio = round(ratio, 2) if ratio is not None else None
    return Row(figure.goal, figure.what, p50, p95, figure.unit, figure.baseline, base, ratio,
               _target(figure), _verdict(figure, p50, p95))  # fmt: skip


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit in ("items/s", "rows/s", "modules"):
        return f"{value:,.0f}"
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"


def markdown(rows: list[Row]) -> str:
    lines = [
        "| goal | what | measured p50 / p95 | baseline (same run) | ratio | target | verdict |",
        "|---|---|---|---|---:|---|---|",
    ]
    for r in rows:
        measured = _fmt(r.p50, r.unit) + (f" / {_fmt(r.p95, r.unit)}" if r.p95 is not None else "")
        base = f"{r.baseline} {_fmt(r.base_value, '')}" if r.baseline else ""
        ratio = f"{r.ratio:.2f}x" if r.ratio is not None else ""
        lines.append(f"| {r.goal} | {r.what} | {measured} {r.unit} | {base} | {ratio} |"
                     f" {r.target} | {r.verdict} |")  # fmt: skip
    return "\n".join(lines)


def median_max(values: list[float]) -> Pair:
    return statistics.median(values), max(values)


def summary(block: dict[str, float]) -> Pair:
    return block["median"], block["p95"]
