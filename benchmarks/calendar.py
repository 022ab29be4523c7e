"""Issue 6's calendar goals: conflict check over 2,000 experiments (<= 200 ms).

    uv run python benchmarks/calendar.py [--count 2000] [--runs 7]

Experiments are drawn like the generator's (three designs, 14-42 day windows, namespaces,
regions and geos; by default 2,000 over four years on 24 surfaces, about 500 a year), seeded and
not sequenced, so the check finds real conflicts. Prints medians; asserts only that the sweep
and the all-pairs reference agree.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date, timedelta

from common import summarise

from prodops_tui.services.conflicts import Plan, all_pairs, find_conflicts

PLACES = ("eu-west", "eu-central", "us-east", "us-west", "apac", "latam")
GEOS = ("DE", "FR", "NL", "ES", "IT", "PL", "SE", "UK", "AT", "BE")


def experiments(count: int, years: int, surfaces: int, seed: int = 7) -> list[Plan]:
    """`count` experiments over `years` years on `surfaces` product surfaces."""
    rng = random.Random(seed)
    day0 = date(2024, 1, 1)
    plans = []
    for index in range(count):
        surface = f"surface-{rng.randrange(surfaces)}"
        design = rng.choices(("ab", "switchback", "geo"), (70, 15, 15))[0]
        start = day0 + timedelta(days=rng.randint(0, 365 * years))
        low = rng.randrange(0, 16) / 20
        geos = rng.sample(GEOS, 6)
        plans.append(
            Plan(
                id=f"exp-{index}",
                design=design,
                surface=surface,
                flag_key=f"{surface}-{index % 40}",
                primary_metric=f"{surface}-metric",
                start=start,
                end=start + timedelta(days=rng.randint(14, 42)),
                namespace=(low, min(1.0, low + rng.choice((0.2, 0.25, 0.5)))),
                traffic_pct=float(rng.choice((10, 20, 50, 100))),
                regions=frozenset(rng.sample(PLACES, 2)) if design == "switchback" else frozenset(),
                treated=frozenset(geos[:2]) if design == "geo" else frozenset(),
                donors=frozenset(geos[2:]) if design == "geo" else frozenset(),
            )
        )
    return plans


def timed(count: int, runs: int, years: int, surfaces: int) -> None:
    plans = experiments(count, years, surfaces)
    times = []
    found = []
    for _ in range(runs):
        began = time.perf_counter()
        found = find_conflicts(plans)
        times.append((time.perf_counter() - began) * 1000)
    began = time.perf_counter()
    reference = all_pairs(plans)
    brute = (time.perf_counter() - began) * 1000
    assert found == reference, "the sweep and the all-pairs reference disagree"
    summary = summarise(times)
    print(
        f"conflict check, {count:,} experiments, {years} years, {surfaces} surfaces:"
        f" median {summary.median} ms, p95 {summary.p95} ms"
        f" ({len(found):,} conflicts; all-pairs reference {brute:.0f} ms; goal <= 200 ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--years", type=int, default=4)
    parser.add_argument("--surfaces", type=int, default=24)
    args = parser.parse_args()
    timed(args.count, args.runs, args.years, args.surfaces)


if __name__ == "__main__":
    main()
