"""R6 for GrowthBook: pulls fed payloads generated from the official REST API spec end mapped or
typed.

Each example pulls the experiments stream through the registry's connector: `/v1/experiments`,
`/v1/metrics` (both list answers) and `/v1/experiments/{id}/results` answer with generated,
often damaged, payloads.
"""

from functools import partial
from typing import Any

from prodops_tui.connectors.base import Page
from tests.fuzz.faults import row
from tests.fuzz.schema_gen import Schemas
from tests.fuzz.wire import Route, fuzz_connector, pages_of

SPEC = "growthbook-spec.yaml"
CONNECTION = row("growthbook")
PRESENT = frozenset(
    {"id", "name", "status", "owner", "trackingKey", "dateUpdated", "tags", "variations"}
    | {"phases", "settings", "goals", "metricId", "result", "results", "checks", "metrics"}
    | {"analyses", "variationId", "key", "hasMore", "nextOffset", "dateStarted", "coverage"}
)
STARTS = ("2025-06-01T13:05:22Z", "2025-06-01", "2025-05-01T00:00:00.000Z", "", "not a time")
HINTS = {
    "status": ("draft", "running", "stopped", "Running"),
    "tags": ("design:switchback", "surface:checkout", "region:eu-west", "bucket:12", "audience:"),
    "engine": ("bayesian", "frequentist"),
    "nextOffset": (100, 200),
    "dateStarted": STARTS,
    "dateEnded": STARTS,
    "coverage": (0.5, 1.0, 1.5),
}
EMPTY_LIST = {"limit": 100, "offset": 0, "count": 0, "total": 0, "hasMore": False}


def routes(schemas: Schemas) -> list[Route]:
    return [
        Route(
            "/api/v1/experiments/",
            schemas.response("/v1/experiments/{id}/results"),
            {"result": {"results": []}},
            pages=20,
        ),
        Route(
            "/api/v1/experiments",
            schemas.response("/v1/experiments"),
            {"experiments": [], **EMPTY_LIST, "nextOffset": None},
        ),
        Route(
            "/api/v1/metrics",
            schemas.response("/v1/metrics"),
            {"metrics": [], **EMPTY_LIST, "nextOffset": None},
        ),
    ]


async def _pull(connector: Any, cursor: str) -> list[Page]:
    return await pages_of(connector.pull("experiments", cursor))


def test_growthbook_pulls_of_spec_payloads_end_mapped_or_in_a_typed_error() -> None:
    schemas = Schemas(SPEC, HINTS, PRESENT)
    cursors = ("", "2025-06-01T00:00:00+00:00")
    fuzz_connector(
        CONNECTION, lambda: routes(schemas), lambda rnd: partial(_pull, cursor=rnd.choice(cursors))
    )
