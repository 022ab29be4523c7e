"""R6 for Zendesk: pulls fed payloads generated from the official Support API spec end mapped or
typed.

Each example pulls one stream (orgs, users, tickets, ratings) or one ticket's comments through the
registry's connector; the incremental exports, the ratings list, `/users/{id}` and the comments
list answer with generated, often damaged, payloads.
"""

from datetime import datetime
from functools import partial
from typing import Any

from prodops_tui.connectors.base import Page
from tests.fuzz.faults import row
from tests.fuzz.schema_gen import Schemas
from tests.fuzz.wire import Route, fuzz_connector, pages_of

SPEC = "zendesk-support-oas.yaml"
CONNECTION = row("zendesk")
PRESENT = frozenset(
    {"id", "requester_id", "created_at", "updated_at", "end_of_stream", "after_cursor"}
    | {"tickets", "users", "organizations", "satisfaction_ratings", "comments", "user"}
    | {"score", "name", "end_time", "organization_fields"}
)
HINTS = {
    "score": ("good", "bad", "offered", "unoffered"),
    "status": ("open", "solved", "deleted"),
    "after_cursor": ("c2", "c3"),
    "tier": ("enterprise", "growth", "Free ", "platinum"),
    "arr": ("120,000", 5000, "n/a", 1e309),
}
STREAMS = ("orgs", "users", "tickets", "ratings", "comments")


def routes(schemas: Schemas) -> list[Route]:
    def end(name: str) -> dict[str, Any]:
        return {name: [], "after_cursor": "end", "end_of_stream": True}

    orgs_end = {"organizations": [], "end_time": 2_000_000_000, "end_of_stream": True}
    no_more = {"meta": {"has_more": False, "after_cursor": None}}
    return [
        Route(
            "/api/v2/incremental/tickets/cursor",
            schemas.response("/api/v2/incremental/tickets/cursor"),
            end("tickets"),
        ),
        Route(
            "/api/v2/incremental/users/cursor",
            schemas.response("/api/v2/incremental/users/cursor"),
            end("users"),
        ),
        Route(
            "/api/v2/incremental/organizations",
            schemas.response("/api/v2/incremental/organizations"),
            orgs_end,
        ),
        Route(
            "/api/v2/satisfaction_ratings",
            schemas.response("/api/v2/satisfaction_ratings"),
            {"satisfaction_ratings": [], **no_more},
        ),
        Route("/api/v2/users/", schemas.response("/api/v2/users/{user_id}"), {"user": {}}, 20),
        Route(
            "/api/v2/tickets/",
            schemas.response("/api/v2/tickets/{ticket_id}/comments"),
            {"comments": [], **no_more},
        ),
    ]


async def _pull(connector: Any, stream: str) -> list[Page]:
    if stream != "comments":
        return await pages_of(connector.pull(stream, ""))
    for entry in await connector.comments("zendesk:acme:ticket:7"):
        assert isinstance(entry["body"], str) and isinstance(entry["created"], datetime)
        assert entry["created"].tzinfo is not None
    return []


def test_zendesk_pulls_of_spec_payloads_end_mapped_or_in_a_typed_error() -> None:
    schemas = Schemas(SPEC, HINTS, PRESENT)
    fuzz_connector(
        CONNECTION, lambda: routes(schemas), lambda rnd: partial(_pull, stream=rnd.choice(STREAMS))
    )
