"""Hypothesis strategies for the analytics fuzz tests: valid payloads with random damage.

The damage is drawn from one seeded `random.Random` per example: per-member draws made 5,000
examples of a nested payload take minutes, this takes seconds.
"""

import random
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

FUZZ = settings(
    max_examples=5000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
"""R6: at least 5,000 generated payloads per mapping."""

_ODD = (
    None,
    True,
    False,
    0,
    -1,
    2**70,
    1.5,
    -0.0,
    float("nan"),
    float("inf"),
    "",
    "x",
    "2025-05-31T08:30:00.000Z",
    "2025-13-01",
    "0001-01-01T00:00:00+01:00",
    "\x1b[31m",
    "9" * 40,
)


def junk(rnd: random.Random, depth: int = 0) -> Any:
    """An arbitrary JSON-ish value (NaN and infinities included: Python's json accepts them)."""
    roll = rnd.random()
    if depth > 2 or roll < 0.6:
        return rnd.choice(_ODD)
    if roll < 0.8:
        return [junk(rnd, depth + 1) for _ in range(rnd.randint(0, 3))]
    return {
        rnd.choice(("id", "a", "", "key")): junk(rnd, depth + 1) for _ in range(rnd.randint(0, 3))
    }


def damage(value: Any, rnd: random.Random, rate: float, depth: int = 0) -> Any:
    """`value` with members dropped, replaced by junk, or left alone, each with `rate` odds."""
    if rnd.random() < rate / 4 or depth > 8:
        return junk(rnd) if depth <= 8 else value
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            roll = rnd.random()
            if roll < rate / 2:
                continue
            out[key] = junk(rnd) if roll < rate else damage(item, rnd, rate, depth + 1)
        return out
    if isinstance(value, list):
        kept = value[: rnd.randint(0, len(value) + 1)]
        return [damage(item, rnd, rate, depth + 1) for item in kept]
    return value


def damaged(value: Any) -> st.SearchStrategy[Any]:
    """Copies of `value`, lightly to heavily damaged."""
    return st.builds(
        lambda seed, rate: damage(value, random.Random(seed), rate),
        st.integers(0, 2**32),
        st.sampled_from((0.02, 0.05, 0.1, 0.3)),
    )
