"""The power/duration calculator against reference formulas, tables and the usage cache."""

import math
from datetime import date, timedelta
from statistics import NormalDist

import pytest

from prodops_tui.services.power import (
    ACTIVE,
    PowerError,
    daily_traffic,
    exposure_event,
    power_plan,
    sample_size,
    usage_events,
)
from prodops_tui.store.store import Store

Z = NormalDist()


def arcsine_per_arm(p1: float, p2: float, alpha: float = 0.05, power: float = 0.8) -> float:
    """Cohen's h method, as statsmodels' NormalIndPower + proportion_effectsize computes it."""
    h = abs(2 * math.asin(math.sqrt(p2)) - 2 * math.asin(math.sqrt(p1)))
    return 2 * ((Z.inv_cdf(1 - alpha / 2) + Z.inv_cdf(power)) / h) ** 2


def test_the_arcsine_reference_reproduces_cohens_table() -> None:
    # Cohen (1988) table 6.4.1: h = 0.20, two-sided alpha 0.05, power 0.80 -> n = 392 per group.
    p2 = math.sin(math.asin(math.sqrt(0.5)) + 0.1) ** 2
    assert round(arcsine_per_arm(0.5, p2)) == 392


@pytest.mark.parametrize(
    ("baseline", "mde", "alpha", "power", "expected"),
    [
        (0.5, 0.2, 0.05, 0.8, 388),  # 50% -> 60%
        (0.2, 0.25, 0.05, 0.8, 1094),  # 20% -> 25%
        (0.1, 0.1, 0.05, 0.8, 14751),  # 10% -> 11%
        (0.05, 0.2, 0.01, 0.9, 15465),  # 5% -> 6%, stricter
    ],
)
def test_sample_size_matches_the_two_proportion_formula(
    baseline: float, mde: float, alpha: float, power: float, expected: int
) -> None:
    found = sample_size(baseline, mde, alpha=alpha, power=power)
    assert found == expected
    reference = arcsine_per_arm(baseline, baseline * (1 + mde), alpha, power)
    assert abs(found - reference) / reference < 0.01


def test_duration_from_daily_traffic_and_share() -> None:
    plan = power_plan(0.1, 0.1, 5000, traffic_share=0.5)
    assert (plan.per_arm, plan.total, plan.days) == (14751, 29502, 12)
    assert power_plan(0.1, 0.1, 0).days is None
    assert power_plan(0.1, 0.1, 1000, arms=3).total == 3 * sample_size(0.1, 0.1, arms=3)


@pytest.mark.parametrize(
    ("baseline", "mde", "message"),
    [
        (0.0, 0.1, "baseline"),
        (1.2, 0.1, "baseline"),
        (0.1, -0.05, "minimum detectable effect"),
        (0.1, 0.0, "minimum detectable effect"),
        (0.9, 0.2, "would pass 100%"),
    ],
)
def test_bad_inputs_say_why(baseline: float, mde: float, message: str) -> None:
    with pytest.raises(PowerError, match=message):
        power_plan(baseline, mde, 1000)


def test_exposure_event_prefers_the_surface() -> None:
    events = ["search_performed", "checkout_started", "checkout_completed", ACTIVE]
    assert exposure_event("checkout", "checkout-sticky-cta", events) == "checkout_completed"
    assert exposure_event("pricing page", "", events) == ACTIVE


def test_daily_traffic_is_the_recent_mean_of_unique_users(store: Store) -> None:
    today = date(2025, 3, 10)
    rows = [
        {
            "event": "checkout_started",
            "day": today - timedelta(days=n),
            "count": 9,
            "unique_users": n,
        }
        for n in range(1, 40)
    ]
    store.upsert("usage_daily", rows)
    assert daily_traffic(store, "checkout_started", today) == pytest.approx(sum(range(1, 29)) / 28)
    assert daily_traffic(store, "nothing", today) == 0.0
    assert usage_events(store) == ["checkout_started"]
