"""Small helpers shared by the benchmark modules: statistics and memory readings."""

from __future__ import annotations

import json
import resource
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Summary:
    """Milliseconds of one measured step over its repetitions."""

    n: int
    median: float
    p95: float
    min: float
    max: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (no interpolation: with 7 runs, p95 is the slowest run)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), -(-len(ordered) * fraction // 1)))
    return ordered[int(rank) - 1]


def summarise(values_ms: Sequence[float]) -> Summary:
    if not values_ms:
        return Summary(0, float("nan"), float("nan"), float("nan"), float("nan"))
    return Summary(
        n=len(values_ms),
        median=round(statistics.median(values_ms), 2),
        p95=round(percentile(values_ms, 0.95), 2),
        min=round(min(values_ms), 2),
        max=round(max(values_ms), 2),
    )


def rss_mb() -> float:
    """Resident set size of this process now (VmRSS), in MB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def peak_rss_mb() -> float:
    """Peak resident set size of this process (ru_maxrss is in KB on Linux), in MB."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def emit_json(result: dict[str, Any], out: Path | None) -> None:
    """Print a benchmark's result as JSON, and write it to `out` when given."""
    text = json.dumps(result, indent=2)
    print(text)
    if out:
        out.write_text(text)
