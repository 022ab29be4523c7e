"""Sample size and duration of a conversion test, and the daily traffic to feed it.

The sample size is the standard two-sided test of two proportions (pooled variance under the
null, unpooled under the alternative; e.g. Fleiss, Statistical Methods for Rates and
Proportions, 3rd ed., 4.14 without continuity correction). Normal quantiles come from the
standard library's `statistics.NormalDist`; the tests check the result against Cohen's
arcsine formula (what statsmodels' NormalIndPower computes) and published tables.
"""

import math
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import NormalDist

from sqlalchemy import func, select
from sqlmodel import SQLModel

from prodops_tui.models import usage  # noqa: F401  (registers usage_daily on the metadata)
from prodops_tui.store.store import Store

__all__ = ["ACTIVE", "Power", "PowerError", "daily_traffic", "exposure_event", "power_plan"]

ACTIVE = "$active"
"""usage_daily's daily active users: the traffic when no event matches the experiment."""
_Z = NormalDist()


class PowerError(ValueError):
    """Inputs the calculator cannot use, and why in one line."""


@dataclass(frozen=True)
class Power:
    """What a test needs: users per arm, in total, and days at the given daily traffic."""

    per_arm: int
    total: int
    days: int | None
    """None without traffic."""


def _check(baseline: float, mde: float, alpha: float, power: float, arms: int) -> float:
    if not 0 < baseline < 1:
        raise PowerError("the baseline rate must lie between 0% and 100%")
    if mde <= 0:
        raise PowerError("the minimum detectable effect must be above 0%")
    if not 0 < alpha < 1 or not 0 < power < 1:
        raise PowerError("significance and power must lie between 0% and 100%")
    if arms < 2:
        raise PowerError("a test needs at least two arms")
    treated = baseline * (1 + mde)
    if treated >= 1:
        raise PowerError(f"a {mde:.0%} lift on {baseline:.1%} would pass 100%")
    return treated


def sample_size(
    baseline: float, mde: float, *, alpha: float = 0.05, power: float = 0.8, arms: int = 2
) -> int:
    """Users per arm to detect a relative lift `mde` on a conversion `baseline` (fractions)."""
    treated = _check(baseline, mde, alpha, power, arms)
    pooled = (baseline + treated) / 2
    z_alpha = _Z.inv_cdf(1 - alpha / 2)
    z_power = _Z.inv_cdf(power)
    spread = z_alpha * math.sqrt(2 * pooled * (1 - pooled)) + z_power * math.sqrt(
        baseline * (1 - baseline) + treated * (1 - treated)
    )
    return math.ceil(spread**2 / (treated - baseline) ** 2)


def power_plan(
    baseline: float,
    mde: float,
    daily_users: float,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    arms: int = 2,
    traffic_share: float = 1.0,
) -> Power:
    """Sample size and days needed when `traffic_share` of `daily_users` enter the test."""
    per_arm = sample_size(baseline, mde, alpha=alpha, power=power, arms=arms)
    if daily_users < 0 or not 0 <= traffic_share <= 1:
        raise PowerError("daily traffic and its share must not be negative")
    entering = daily_users * traffic_share
    days = math.ceil(per_arm * arms / entering) if entering > 0 else None
    return Power(per_arm, per_arm * arms, days)


def exposure_event(surface: str, flag_key: str, events: list[str]) -> str:
    """The usage event that best counts an experiment's exposure: the first event naming a
    word of its surface or flag (e.g. checkout -> checkout_started), else daily actives."""
    words = {w for w in f"{surface} {flag_key}".lower().replace("-", " ").split() if len(w) > 3}
    for event in sorted(events):
        if any(word in event.lower() for word in words):
            return event
    return ACTIVE


def daily_traffic(store: Store, event: str, today: date, days: int = 28) -> float:
    """Mean daily unique users of `event` over the `days` before `today` (0 without data)."""
    table = SQLModel.metadata.tables["usage_daily"]
    query = select(func.avg(table.c.unique_users)).where(
        table.c.event == event, table.c.day >= today - timedelta(days=days), table.c.day < today
    )
    with store.read() as conn:
        value = conn.execute(query).scalar()
    return float(value or 0.0)


def usage_events(store: Store) -> list[str]:
    """The event names usage_daily holds (for exposure_event)."""
    table = SQLModel.metadata.tables["usage_daily"]
    with store.read() as conn:
        return [str(name) for name in conn.execute(select(table.c.event).distinct()).scalars()]
