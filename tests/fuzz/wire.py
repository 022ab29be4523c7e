"""Run a real connector (built by the registry) against payloads drawn for one example.

`Scripted` is an httpx transport: each route answers its first calls with generated payloads
(schema-valid or damaged; now and then raw bytes: truncated JSON, an HTML page, invalid UTF-8,
an empty body) and later calls with the route's well-formed last page, so every example ends.
`outcome()` pulls streams through the connector and classifies the result: "mapped" (every row
fits its table's columns) or the typed error's class name. Any other exception fails the test.
"""

import asyncio
import json
import math
import os
import random
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import httpx
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from sqlmodel import SQLModel

from prodops_tui.connectors.base import Page
from prodops_tui.connectors.errors import ConnectorError
from prodops_tui.models import tables  # noqa: F401  (registers the tables)
from prodops_tui.services.registry import open_connector
from tests.fuzz.damage import Gen, maybe_damaged, seeds

ASKED = os.environ.get("PRODOPS_FUZZ_EXAMPLES")
FUZZ = settings(
    max_examples=int(ASKED or 1000),
    deadline=None,
    database=None,
    derandomize=ASKED is None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
"""R6: `PRODOPS_FUZZ_EXAMPLES=5000` gives the issue's full figure with fresh seeds each run; CI
runs 1,000 per connector with fixed seeds, so it never turns red by chance."""

Answer = Callable[[random.Random, httpx.Request], Any]
RAW_BODIES = (
    b"[" * 100_000,
    b'{"issues": [{"id": "1",',
    b"<html><h1>502</h1></html>",
    b"\xff\xfe{}",
    b"",
    b"nul",
)


@dataclass
class Route:
    """Answers for requests whose path starts with `prefix`: `pages` generated ones, then `last`."""

    prefix: str
    generate: Gen
    last: Any
    pages: int = 2
    encode: Callable[[Any, random.Random], bytes] | None = None
    """How a payload goes on the wire (JSON unless given; Mixpanel's export is JSONL)."""
    calls: int = field(default=0, init=False)


class Scripted(httpx.AsyncBaseTransport):
    """Serves every route from one example's random source."""

    def __init__(self, rnd: random.Random, routes: list[Route]) -> None:
        self.rnd = rnd
        self.routes = routes

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        route = next((r for r in self.routes if request.url.path.startswith(r.prefix)), None)
        if route is None:
            return httpx.Response(404, json={"error": "not scripted"})
        route.calls += 1
        if route.calls > route.pages:
            return httpx.Response(200, json=route.last)
        if self.rnd.random() < 0.03:
            return httpx.Response(200, content=self.rnd.choice(RAW_BODIES))
        value = maybe_damaged(route.generate, self.rnd)
        body = route.encode(value, self.rnd) if route.encode else json.dumps(value).encode()
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})


async def no_wait(seconds: float) -> None:
    return None


Run = Callable[[Any], Awaitable[list[Page]]]


async def pages_of(pull: AsyncIterator[Page]) -> list[Page]:
    return [page async for page in pull]


async def outcome(connection: Mapping[str, Any], transport: Scripted, run: Run) -> str:
    """ "mapped" or the ConnectorError subclass the run ended in (its message one line)."""
    try:
        async with open_connector(
            connection, "fuzz-token", transport=transport, sleep=no_wait
        ) as c:
            pages = await run(c)
    except ConnectorError as error:
        assert error.message and "\n" not in error.message, error.message
        return type(error).__name__
    for page in pages:
        check_rows(page.table, page.rows)
    return "mapped"


def fuzz_connector(
    connection: Mapping[str, Any],
    routes: Callable[[], list[Route]],
    pick: Callable[[random.Random], Run],
) -> Counter[str]:
    """`FUZZ` examples of one connector: each draws its run (`pick`), is answered by `routes`
    from its seed, and must end "mapped" or in a typed error; a twentieth at least must map
    (so the damage does not hide the mapping)."""
    outcomes: Counter[str] = Counter()
    with asyncio.Runner() as runner:

        @FUZZ
        @given(seeds())
        def example(seed: int) -> None:
            rnd = random.Random(seed)
            run = pick(rnd)
            outcomes[run_case(runner, connection, rnd, routes(), run)] += 1

        example()
    print(f"{connection['kind']}: {sum(outcomes.values())} examples, {dict(outcomes)}")
    assert outcomes["mapped"] >= sum(outcomes.values()) // 20, outcomes
    return outcomes


def run_case(
    runner: asyncio.Runner,
    connection: Mapping[str, Any],
    rnd: random.Random,
    routes: list[Route],
    run: Run,
) -> str:
    return runner.run(outcome(connection, Scripted(rnd, routes), run))


def check_rows(table_name: str, rows: list[dict[str, Any]]) -> None:
    """Every row fits its table: known columns, the column's type, storable text and JSON."""
    table = SQLModel.metadata.tables[table_name]
    for row in rows:
        for name, value in row.items():
            column = table.c[name]  # KeyError: a column the table does not have
            if value is None:
                assert column.nullable or column.default is not None, (table_name, name)
                continue
            _check_value(column.type, value, f"{table_name}.{name}")


def _check_value(kind: sa.types.TypeEngine[Any], value: Any, where: str) -> None:
    if isinstance(kind, sa.JSON):
        dumped = json.dumps(value, allow_nan=False)  # ValueError: NaN/inf (PostgreSQL refuses)
        assert "\\u0000" not in dumped, where
        _storable(json.loads(dumped), where)
    elif isinstance(kind, sa.String):
        assert isinstance(value, str), where
        _storable(value, where)
    elif isinstance(kind, sa.DateTime):
        assert isinstance(value, datetime) and value.tzinfo is not None, where
    elif isinstance(kind, sa.Date):
        assert isinstance(value, date) and not isinstance(value, datetime), where
    elif isinstance(kind, sa.Boolean):
        assert isinstance(value, bool), where
    elif isinstance(kind, sa.Integer):
        assert isinstance(value, int) and not isinstance(value, bool), where
        assert -(2**63) <= value < 2**63, where
    elif isinstance(kind, sa.Float):
        assert isinstance(value, int | float) and math.isfinite(value), where


def _storable(value: Any, where: str) -> None:
    """Text SQLite and PostgreSQL both store: valid UTF-8 (no lone surrogate), no NUL."""
    if isinstance(value, str):
        value.encode("utf-8")
        assert "\x00" not in value, where
    elif isinstance(value, dict):
        for key, item in value.items():
            _storable(key, where)
            _storable(item, where)
    elif isinstance(value, list):
        for item in value:
            _storable(item, where)


__all__ = ["FUZZ", "Route", "Scripted", "check_rows", "fuzz_connector", "pages_of"]
