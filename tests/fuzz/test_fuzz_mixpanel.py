"""R6 for Mixpanel: pulls fed payloads generated from the official Query and Export API specs end
mapped or typed.

Each example pulls the usage or the NPS stream (or asks for an NPS summary) through the
registry's connector: `/events/names`, `/events`, `/segmentation` and the raw `/export` (JSONL,
sometimes cut mid-line) answer with generated, often damaged, payloads.
"""

import json
import random
from datetime import date
from functools import partial
from typing import Any

from prodops_tui.connectors.base import Page
from tests.fuzz.faults import row
from tests.fuzz.schema_gen import Schemas
from tests.fuzz.wire import Route, fuzz_connector, pages_of

CONNECTION = row("mixpanel")
COUNTS = {
    "type": "object",
    "additionalProperties": {
        "type": "object",
        "additionalProperties": {"type": "integer", "minimum": 0},
    },
}
"""`values` is typed `{name: object}`; its description says "a mapping of the date to the number
of events", which is what this types."""
EVENT = {
    "type": "object",
    "required": ["event", "properties"],
    "properties": {
        "event": {"type": "string"},
        "properties": {
            "type": "object",
            "additionalProperties": True,
            "required": ["time", "distinct_id", "$insert_id", "score"],
            "properties": {
                "time": {"type": "integer", "minimum": 0},
                "distinct_id": {"type": "string"},
                "$insert_id": {"type": "string"},
                "score": {"type": "integer", "minimum": 0, "maximum": 10},
                "comment": {"type": "string"},
            },
        },
    },
}
"""The export answer is `text/plain` JSONL; its example and description give each line's shape
(an event with `time`, `distinct_id`, `$insert_id`), plus the survey's score and comment."""
HINTS = {"time": (1748680000, 1748766400, 2**40, -5), "event": ("NPS Survey Response",)}


def _jsonl(events: Any, rnd: random.Random) -> bytes:
    lines = events if isinstance(events, list) else [events]
    body = "\n".join(json.dumps(event) for event in lines).encode()
    return body[: rnd.randint(0, len(body))] if rnd.random() < 0.1 else body


def routes(query: Schemas, export: Schemas) -> list[Route]:
    events = {"type": "array", "items": EVENT}
    return [
        Route("/api/query/events/names", query.response("/events/names"), [], pages=5),
        Route("/api/query/events", query.response("/events"), {"data": {"values": {}}}, 5),
        Route("/api/query/segmentation", query.response("/segmentation"), {}, pages=5),
        Route("/api/2.0/export", export.compile(events), [], pages=5, encode=_jsonl),
    ]


async def _pull(connector: Any, what: str) -> list[Page]:
    if what == "nps summary":
        summary = await connector.nps(date(2025, 5, 1), date(2025, 5, 31))
        assert summary["nps"] is None or -100 <= summary["nps"] <= 100
        return []
    return await pages_of(connector.pull(what, ""))


def test_mixpanel_pulls_of_spec_payloads_end_mapped_or_in_a_typed_error() -> None:
    query = Schemas("mixpanel-query.openapi.yaml", HINTS, overrides={"values": COUNTS})
    export = Schemas("mixpanel-export.openapi.yaml", HINTS)
    whats = ("usage", "nps", "nps summary")
    fuzz_connector(
        CONNECTION,
        lambda: routes(query, export),
        lambda rnd: partial(_pull, what=rnd.choice(whats)),
    )
