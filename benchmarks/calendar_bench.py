"""Issue 6's calendar goals: conflict check over 2,000 experiments (<= 200 ms) and the timeline
repaint on a move (<= 50 ms).

    uv run python benchmarks/calendar_bench.py [--count 2000] [--runs 7] [--keys 40]

Experiments are drawn like the generator's (three designs, 14-42 day windows, namespaces,
regions and geos; by default 2,000 over four years on 24 surfaces, about 500 a year), seeded and
not sequenced, so the check finds real conflicts. Prints medians; asserts only that the sweep
and the all-pairs reference agree. The repaint is measured headless (run_test, 120x36) on a
workspace of those experiments (a quarter of them local plans): key press -> screen idle, while
a plan is moved day by day (conflicts re-checked live) and while the cursor moves.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from datetime import date, timedelta
from typing import Any

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


def timed(count: int, runs: int, years: int, surfaces: int) -> dict[str, Any]:
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
    return {"check_ms": summary.as_dict(), "conflicts": len(found), "all_pairs_ms": brute}


def workspace(plans: list[Plan], folder: str) -> str:
    from prodops_tui.store.store import Store

    url = f"sqlite:///{folder}/calendar.db"
    store = Store.open(url)
    rows = [
        {
            "id": f"local:{plan.id}" if index % 4 == 0 else plan.id,
            "source": "local" if index % 4 == 0 else "growthbook",
            "name": f"{plan.surface}: test {index}",
            "status": "scheduled",
            **{k: getattr(plan, k) for k in ("design", "surface", "flag_key", "primary_metric")},
            **{"start": plan.start, "end": plan.end, "traffic_pct": plan.traffic_pct},
            "namespace_start": plan.namespace[0],
            "namespace_end": plan.namespace[1],
            "regions": sorted(plan.regions),
            "treated_geos": sorted(plan.treated),
            "donor_geos": sorted(plan.donors),
            "results": {},
        }
        for index, plan in enumerate(plans)
    ]
    store.upsert("experiment", rows)
    store.close()
    return url


async def repaint(count: int, keys: int, years: int, surfaces: int) -> dict[str, Any]:
    import tempfile

    from prodops_tui.app import ProdOpsApp, settle
    from prodops_tui.widgets.timeline import Timeline

    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        url = workspace(experiments(count, years, surfaces), folder)
        app = ProdOpsApp(url, workspace="bench", sync_interval=0)
        async with app.run_test(size=(120, 36)) as pilot:
            await app.switch_mode("calendar")
            await settle(pilot)
            timeline = app.screen.query_one(Timeline)
            timeline.select_id(next(i for i in app.screen.rows if i.startswith("local:")))  # type: ignore[attr-defined]
            screen = app.screen
            idle = []
            for _ in range(keys):  # a key nothing is bound to: the harness and compositor floor
                began = time.perf_counter()
                await pilot.press("f12")
                await pilot.pause()
                idle.append((time.perf_counter() - began) * 1000)
            out["floor_ms"] = summarise(idle).as_dict()
            print(f"  floor: unbound key -> idle headless median {summarise(idle).median} ms")
            for label, before in (("cursor move", ()), ("plan move (m)", ("m",))):
                for key in before:
                    await pilot.press(key)
                ours, end_to_end = [], []
                for _ in range(keys):
                    began = time.perf_counter()
                    screen.action_step(1)  # type: ignore[attr-defined]
                    for y in range(timeline.size.height):
                        timeline.render_line(y)
                    ours.append((time.perf_counter() - began) * 1000)
                    began = time.perf_counter()
                    await pilot.press("right")
                    await pilot.pause()
                    end_to_end.append((time.perf_counter() - began) * 1000)
                mine, total = summarise(ours), summarise(end_to_end)
                out[label] = {"ours_ms": mine.as_dict(), "key_to_idle_ms": total.as_dict()}
                print(
                    f"timeline repaint, {label}, {count:,} experiments: our code (state + every"
                    f" visible line) median {mine.median} ms, p95 {mine.p95} ms; key -> idle"
                    f" headless median {total.median} ms, p95 {total.p95} ms (goal <= 50 ms)"
                )
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--years", type=int, default=4)
    parser.add_argument("--surfaces", type=int, default=24)
    parser.add_argument("--keys", type=int, default=40)
    args = parser.parse_args()
    timed(args.count, args.runs, args.years, args.surfaces)
    asyncio.run(repaint(args.count, args.keys, args.years, args.surfaces))


if __name__ == "__main__":
    main()
