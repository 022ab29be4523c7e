"""Conflict rules: every design pair, the edge cases, the sweep against all pairs, free slots."""

from datetime import date, timedelta
from typing import Any

from prodops_tui.services.conflicts import (
    Plan,
    all_pairs,
    conflict_between,
    conflicting_ids,
    conflicts_of,
    find_conflicts,
    next_free_slot,
    plan_from_row,
)

D0 = date(2025, 3, 1)


def plan(id: str, start: int = 0, end: int | None = 20, **fields: Any) -> Plan:
    base: dict[str, Any] = {"surface": "checkout", "primary_metric": "conversion"}
    base.update(fields)
    for key in ("regions", "treated", "donors"):
        if key in base:
            base[key] = frozenset(base[key])
    stop = None if end is None else D0 + timedelta(days=end)
    return Plan(id=id, start=D0 + timedelta(days=start), end=stop, **base)


def reason(a: Plan, b: Plan) -> str | None:
    found = conflict_between(a, b)
    return None if found is None else found.reason


def test_ab_namespaces_that_overlap_conflict_and_say_why() -> None:
    a = plan("a", namespace=(0.0, 0.6))
    b = plan("b", 5, 30, namespace=(0.4, 1.0))
    assert reason(a, b) == "same surface+metric: namespaces 0-0.6 and 0.4-1 overlap"


def test_ab_namespaces_that_touch_or_have_no_width_do_not_meet() -> None:
    assert reason(plan("a", namespace=(0.0, 0.5)), plan("b", namespace=(0.5, 1.0))) is None
    assert reason(plan("a", namespace=(0.3, 0.3)), plan("b", namespace=(0.2, 0.4))) is None
    # A 0-width range reaches nobody, even against the whole space.
    assert reason(plan("a", namespace=(0.3, 0.3)), plan("b")) is None


def test_ab_without_namespace_meets_when_traffic_exceeds_100() -> None:
    a = plan("a", traffic_pct=60.0)
    assert reason(a, plan("b", traffic_pct=50.0)) == (
        "same surface+metric: traffic 60% + 50% exceeds 100%"
    )
    assert reason(a, plan("b", traffic_pct=40.0)) is None
    half = plan("b", namespace=(0.0, 0.5))  # a share of 50%
    assert reason(a, half) is not None
    assert reason(plan("a", traffic_pct=50.0), half) is None


def test_windows_that_touch_do_not_overlap() -> None:
    a = plan("a", 0, 10)
    assert reason(a, plan("b", 10, 20)) is None
    assert reason(a, plan("b", 9, 20)) is not None


def test_open_ended_and_undated_windows() -> None:
    running = plan("a", 0, None)
    assert reason(running, plan("b", 400, 420)) is not None
    undated = Plan(id="c", surface="checkout")
    assert reason(running, undated) is None


def test_nothing_shared_means_no_conflict_whatever_the_audience() -> None:
    a = plan("a", surface="search", primary_metric="ctr")
    assert reason(a, plan("b")) is None
    b = plan("b", surface="", primary_metric="", flag_key="checkout-new")
    assert reason(plan("a", flag_key="Checkout-New "), b) == (
        "same flag: traffic 100% + 100% exceeds 100%"
    )


def test_switchback_regions() -> None:
    a = plan("a", design="switchback", regions=["eu-central", "eu-west"])
    b = plan("b", design="switchback", regions=["us-east", "eu-central"])
    assert reason(a, b) == "same surface+metric: switchback regions eu-central shared"
    c = plan("c", design="switchback", regions=["apac-east"])
    assert reason(a, c) is None
    everywhere = plan("d", design="switchback")
    assert reason(c, everywhere) == "same surface+metric: switchback regions apac-east shared"


def test_geo_treated_meets_treated_or_donor_but_donors_alone_do_not() -> None:
    a = plan("a", design="geo", treated=["DE", "AT"], donors=["FR", "NL", "BE"])
    donor_hit = plan("b", design="geo", treated=["NL", "SE"], donors=["PL"])
    assert reason(a, donor_hit) == (
        "same surface+metric: treated market NL is also in the other test"
    )
    treated_hit = plan("c", design="geo", treated=["AT"], donors=["PL"])
    assert "AT" in (reason(a, treated_hit) or "")
    donors_only = plan("d", design="geo", treated=["SE"], donors=["FR", "NL"])
    assert reason(a, donors_only) is None


def test_ab_against_switchback_and_geo() -> None:
    switchback = plan("s", design="switchback", regions=["eu-west"])
    assert reason(plan("a"), switchback) == (
        "same surface+metric: A/B traffic reaches switchback regions (eu-west)"
    )
    assert reason(plan("a", regions=["us-east"]), switchback) is None
    assert reason(plan("a", namespace=(0.5, 0.5)), switchback) is None
    geo = plan("g", design="geo", treated=["DE"], donors=["FR"])
    assert (
        reason(plan("a"), geo) == "same surface+metric: A/B traffic reaches geo treated market DE"
    )
    assert reason(plan("a", treated=["FR", "ES"]), geo) == (
        "same surface+metric: A/B traffic reaches geo donor market FR"
    )
    assert reason(plan("a", treated=["ES"]), geo) is None


def test_switchback_against_geo_is_assumed_to_meet_and_unknown_designs_are_ab() -> None:
    switchback = plan("s", design="switchback", regions=["eu-west"])
    geo = plan("g", design="geo", treated=["DE"], donors=["FR"])
    assert reason(switchback, geo) == (
        "same surface+metric: switchback over eu-west may reach geo markets DE"
    )
    assert reason(plan("x", design="bandit"), plan("y")) == reason(plan("x"), plan("y"))


def test_rows_from_the_store_and_the_read_path_give_the_same_plan() -> None:
    row: dict[str, Any] = {
        "id": "local:1",
        "design": "geo",
        "start": "2025-03-01",
        "end": date(2025, 3, 20),
        "namespace_start": 0.0,
        "namespace_end": 1.0,
        "traffic_pct": 100.0,
        "treated_geos": ["DE", "AT"],
        "donor_geos": "FR, NL",
    }
    found = plan_from_row(row)
    assert found.start == D0 and found.end == date(2025, 3, 20) and found.days == 19
    assert found.treated == {"DE", "AT"} and found.donors == {"FR", "NL"}


def test_find_conflicts_and_ids() -> None:
    a = plan("a", namespace=(0.0, 0.6))
    b = plan("b", 5, 30, namespace=(0.4, 1.0))
    c = plan("c", 30, 40, namespace=(0.4, 1.0))
    found = find_conflicts([c, b, a])
    assert [(x.first, x.second) for x in found] == [("a", "b")]
    assert conflicting_ids([a, b, c]) == {"a", "b"}
    assert [x.other("b") for x in conflicts_of(b, [a, b, c])] == ["a"]


def test_next_free_slot_keeps_the_duration_and_clears_the_conflict() -> None:
    busy = [plan("x", 0, 10, namespace=(0.0, 0.6)), plan("y", 10, 25, namespace=(0.5, 1.0))]
    mine = plan("p", 3, 10, namespace=(0.2, 0.8))
    slot = next_free_slot(mine, busy)
    assert slot == (D0 + timedelta(days=25), D0 + timedelta(days=32))
    assert not conflicts_of(mine.moved_to(slot[0]), busy)
    assert next_free_slot(mine, [plan("x", 0, None)]) is None
    # Already free: stays; `not_before` pushes it later; unrelated tests never block it.
    assert next_free_slot(mine, [plan("z", 0, 99, surface="s", primary_metric="m")]) == (
        D0 + timedelta(days=3),
        D0 + timedelta(days=10),
    )
    later = next_free_slot(mine, [], not_before=D0 + timedelta(days=50))
    assert later == (D0 + timedelta(days=50), D0 + timedelta(days=57))


def test_sweep_matches_all_pairs_on_the_generated_company() -> None:
    from prodops_tui.services.generator import generate

    rows = list(generate("large", seed=11, today=date(2025, 3, 10)).experiments())
    plans = [plan_from_row(row) for row in rows]
    found = find_conflicts(plans)
    assert found == all_pairs(plans)
    assert [c.reason.split(": ")[1].split()[0] for c in found] == [
        "namespaces",
        "switchback",
        "treated",
    ]


def test_the_generator_conflicts_only_where_meant_also_as_growthbook_sends_it() -> None:
    """GrowthBook sends no end before a test stops; read with today, the demo still shows only
    its three deliberate pairs, for every size."""
    from prodops_tui.services.generator import generate

    today = date(2026, 5, 1)
    for size in ("tiny", "small", "medium", "large"):
        rows = list(generate(size, seed=3, today=today).experiments())
        synced = [
            row | {"end": None}
            if row["source"] == "growthbook" and row["status"] != "stopped"
            else row
            for row in rows
        ]
        for found in (rows, synced):
            pairs = [
                (c.first, c.second) for c in find_conflicts(plan_from_row(r, today) for r in found)
            ]
            assert pairs == [
                ("growthbook:acme:exp_001", "growthbook:acme:exp_002"),
                ("growthbook:acme:exp_003", "local:exp-4"),
                ("growthbook:acme:exp_005", "growthbook:acme:exp_006"),
            ], size
