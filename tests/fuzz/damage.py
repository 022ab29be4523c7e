"""Values and damage for the fuzz tests: hostile text, odd timestamps, arbitrary JSON, and
`damage()`, which drops members (required ones too), swaps in wrong types, adds unknown members
and plants hostile or huge strings. Everything draws from one `random.Random`, so an example
replays from its seed."""

import random
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

Gen = Callable[[random.Random, int], Any]
"""(random source, depth) -> a JSON value."""

OSC52 = "\x1b]52;c;SGVsbG8=\x07"
HOSTILE = (
    "[@click=app.quit]Q[/]",
    "[link=https://evil.example]L[/link]",
    "Broken [/] and [/",
    OSC52,
    "\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\",
    "\x9b31m C1 CSI",
    "\u202eevil\u202c",
    "zero\u200bwidth\ufeff",
    "\ud800 lone surrogate",
    "👩‍💻 漢字 ｗｉｄｅ",
    "\x00\x07\x08\r\n\t",
    "<html><body>502</body></html>",
    "9" * 40,
    "",
)
"""Remote text from RELIABILITY.md §1: markup, escapes, bidi, zero-width, surrogates."""
TIMES = (
    "2025-06-01T13:05:22.123+0000",
    "2025-06-01T13:05:22Z",
    "2025-06-01T13:05:22.123456+02:00",
    "2025-06-01 13:05:22",
    "2025-06-01",
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-01:00",
    "2025-13-45T99:99:99Z",
    "not a time",
)
"""Valid ISO 8601 in the shapes the services send, plus edges that overflow or do not parse."""
ODD = (None, True, False, 0, -1, 2**63, 2**70, 1.5, -0.0, float("nan"), float("inf"), "", "x")


def junk(rnd: random.Random, depth: int = 0) -> Any:
    """Any JSON-ish value (NaN and infinities included: Python's json reads them)."""
    roll = rnd.random()
    if depth > 2 or roll < 0.6:
        return rnd.choice(ODD + HOSTILE[:4] + TIMES[:2])
    if roll < 0.8:
        return [junk(rnd, depth + 1) for _ in range(rnd.randint(0, 3))]
    keys = ("id", "key", "name", "", "fields", "updated")
    return {rnd.choice(keys): junk(rnd, depth + 1) for _ in range(rnd.randint(0, 3))}


def text(rnd: random.Random) -> str:
    roll = rnd.random()
    if roll < 0.55:
        return rnd.choice(("Checkout", "ana@example.com", "To Do", "acme", "a b", "x"))
    if roll < 0.9:
        return rnd.choice(HOSTILE)
    if roll < 0.999:
        return "".join(chr(rnd.randint(0, 0x2FFF)) for _ in range(rnd.randint(1, 12)))
    return rnd.choice(HOSTILE) * rnd.randint(1000, 30000)  # up to ~1 MB


def damage(value: Any, rnd: random.Random, rate: float, depth: int = 0) -> Any:
    """`value` with members dropped, retyped, added or made hostile, each with `rate` odds."""
    if depth and rnd.random() < rate:
        return junk(rnd) if rnd.random() < 0.6 else text(rnd)
    if isinstance(value, dict) and depth < 10:
        out = {
            k: damage(v, rnd, rate, depth + 1) for k, v in value.items() if rnd.random() >= rate / 2
        }
        if rnd.random() < rate:
            out[rnd.choice(("id", "extra", "fields", "💥"))] = junk(rnd)
        return out
    if isinstance(value, list) and depth < 10:
        kept = value[: rnd.randint(0, len(value))] if rnd.random() < rate else value
        return [damage(item, rnd, rate, depth + 1) for item in kept]
    return value


def maybe_damaged(generate: Gen, rnd: random.Random) -> Any:
    """Half the payloads as the schema allows, half damaged (lightly to heavily)."""
    value = generate(rnd, 0)
    if rnd.random() < 0.5:
        return value
    return damage(value, rnd, rnd.choice((0.01, 0.03, 0.1, 0.3)))


def seeds() -> st.SearchStrategy[int]:
    """One example = one seed; each payload of the example is drawn from `random.Random(seed)`."""
    return st.integers(min_value=0, max_value=2**64 - 1)
