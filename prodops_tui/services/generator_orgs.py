"""Customer organisations and the people who write in from them."""

from collections.abc import Iterator
from typing import Any, NamedTuple

from prodops_tui.models.enums import OrgTier
from prodops_tui.services.generator_base import ZENDESK, Spec, mix
from prodops_tui.services.generator_text import (
    FIRST_NAMES,
    LAST_NAMES,
    ORG_SUFFIXES,
    ORG_TRADES,
    ORG_WORDS,
)

STREAM = 2
_COMBOS = len(ORG_WORDS) * len(ORG_TRADES) * len(ORG_SUFFIXES)
_STEP = 7_919
"""A prime that does not divide _COMBOS, so `i * _STEP % _COMBOS` visits every name once."""
_TIERS = (
    (OrgTier.FREE, 45, 0, 0),
    (OrgTier.STARTER, 75, 1_200, 12_000),
    (OrgTier.GROWTH, 93, 15_000, 120_000),
    (OrgTier.ENTERPRISE, 100, 150_000, 2_000_000),
)
"""(tier, cumulative percent, lowest ARR, highest ARR)."""
_ASCII = str.maketrans({"ü": "ue", "ö": "oe", "ä": "ae", "é": "e"})
PEOPLE_PER_ORG = 8


class Person(NamedTuple):
    name: str
    email: str


def org_id(index: int) -> str:
    return f"{ZENDESK}:org:{index + 1}"


def org_name(index: int) -> str:
    combo = index * _STEP % _COMBOS
    word, rest = divmod(combo, len(ORG_TRADES) * len(ORG_SUFFIXES))
    trade, suffix = divmod(rest, len(ORG_SUFFIXES))
    name = f"{ORG_WORDS[word]} {ORG_TRADES[trade]}{ORG_SUFFIXES[suffix]}"
    lap = index // _COMBOS
    return f"{name} {lap + 1}" if lap else name


def org_domain(name: str) -> str:
    slug = "".join(c if c.isalnum() else " " for c in name.lower()).split()
    return "-".join(slug) + ".example"


def person(number: int, domain: str) -> Person:
    """The person numbered `number` (a hash or an org slot), with an address at `domain`."""
    h = mix(number)
    first = FIRST_NAMES[h % len(FIRST_NAMES)]
    last = LAST_NAMES[(h >> 16) % len(LAST_NAMES)]
    local = f"{first}.{last}".lower().translate(_ASCII)
    return Person(f"{first} {last}", f"{local}@{domain}")


def org_tier(spec: Spec, index: int) -> tuple[str, float]:
    h = mix(spec.salt(STREAM) + index)
    roll = h % 100
    tier, _, low, high = next(t for t in _TIERS if roll < t[1])
    arr = low + (high - low) * ((h >> 8) % 10_000) / 10_000
    return str(tier), float(round(arr, -2))


def orgs(spec: Spec) -> Iterator[dict[str, Any]]:
    for index in range(spec.n_orgs):
        tier, arr = org_tier(spec, index)
        yield {"id": org_id(index), "name": org_name(index), "tier": tier, "arr": arr}
