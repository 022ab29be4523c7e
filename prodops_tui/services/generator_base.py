"""Shared pieces of the company generator: sizes, the seeded spec and cheap hashing."""

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from typing import TypeVar

from prodops_tui.services.generator_text import SITE

SIZES: dict[str, tuple[int, int]] = {
    "tiny": (200, 1_000),
    "small": (2_000, 10_000),
    "medium": (20_000, 100_000),
    "large": (100_000, 1_000_000),
}
"""(issues, feedback) per size."""

EXPERIMENTS = {"tiny": 24, "small": 40, "medium": 100, "large": 200}
DAY = 86_400
ISSUE_SPAN_DAYS = 540
FEEDBACK_SPAN_DAYS = 365
_MASK = (1 << 64) - 1
T = TypeVar("T")

JIRA = f"jira:{SITE}"
ZENDESK = f"zendesk:{SITE}"
GROWTHBOOK = f"growthbook:{SITE}"
MIXPANEL = f"mixpanel:{SITE}"


def mix(x: int) -> int:
    """SplitMix64: a fast, well-spread 64-bit hash of an integer."""
    x = (x + 0x9E3779B97F4A7C15) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


def pick(rng: random.Random, options: Sequence[T]) -> T:
    """`rng.choice`, about twice as fast (the generator calls it millions of times)."""
    return options[int(rng.random() * len(options))]


def utc(ts: float) -> datetime:
    """A whole-second, timezone-aware UTC datetime from epoch seconds."""
    return datetime.fromtimestamp(int(ts), UTC)


@dataclass(frozen=True)
class Spec:
    """Everything that fixes a generated company: size, seed and the day it is generated for."""

    size: str
    seed: int
    today: date
    n_issues: int
    n_feedback: int
    n_orgs: int
    n_experiments: int
    pinned_now: datetime | None = None

    @classmethod
    def build(cls, size: str, seed: int, today: date, now: datetime | None = None) -> "Spec":
        if size not in SIZES:
            raise ValueError(f"unknown size {size!r}; choose one of {', '.join(SIZES)}")
        issues, feedback = SIZES[size]
        orgs = max(10, issues // 10)
        return cls(size, seed, today, issues, feedback, orgs, EXPERIMENTS[size], now)

    @cached_property
    def now(self) -> datetime:
        """The generator's "now": the pinned moment, else 08:30 UTC on `today` (clock-free)."""
        return self.pinned_now or datetime.combine(self.today, time(8, 30), UTC)

    @cached_property
    def now_ts(self) -> int:
        return int(self.now.timestamp())

    @cached_property
    def issue_start_ts(self) -> int:
        return self.now_ts - ISSUE_SPAN_DAYS * DAY

    @cached_property
    def feedback_start_ts(self) -> int:
        return self.now_ts - FEEDBACK_SPAN_DAYS * DAY

    @cached_property
    def _salts(self) -> tuple[int, ...]:
        return tuple(mix(self.seed * 1_000_003 + stream) for stream in range(8))

    def salt(self, stream: int) -> int:
        """A per-stream hash base, so index-derived facts differ between streams and seeds."""
        return self._salts[stream]

    def rng(self, stream: int) -> random.Random:
        """A fresh generator for one stream; every call restarts the same sequence."""
        return random.Random(self.salt(stream) ^ 0x5DEECE66D)

    def day(self, offset: int) -> date:
        return self.today + timedelta(days=offset)


def issue_id(index: int) -> str:
    return f"{JIRA}:{10_001 + index}"
