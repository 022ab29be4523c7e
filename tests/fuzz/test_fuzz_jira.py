"""R6 for Jira: pulls fed payloads generated from the official v3 spec end mapped or typed.

Each example is one `pull("issues")` through the registry's connector: `/myself` (User),
`/field` (FieldDetails[]), `/search/jql` (SearchAndReconcileResults) and `/issue/bulkfetch`
(BulkIssueResults) all answer with generated, often damaged, payloads.
"""

from functools import partial
from typing import Any

from prodops_tui.connectors.base import Page
from tests.fuzz.faults import row
from tests.fuzz.schema_gen import Schemas
from tests.fuzz.wire import Route, fuzz_connector, pages_of

SPEC = "jira-platform-swagger-v3.v3.json"
CONNECTION = row("jira")
ADF = {
    "type": "object",
    "nullable": True,
    "required": ["type", "version", "content"],
    "properties": {
        "type": {"enum": ["doc"]},
        "version": {"enum": [1]},
        "content": {"type": "array", "items": {"$ref": "#/x-adf-node"}},
    },
}
"""ADF (the spec types `description` as free-form; this is Atlassian's document shape)."""
ADF_NODE = {
    "type": "object",
    "required": ["type"],
    "properties": {
        "type": {"enum": ["paragraph", "heading", "bulletList", "listItem", "codeBlock", "text"]},
        "text": {"type": "string"},
        "attrs": {"type": "object", "additionalProperties": True},
        "marks": {"type": "array", "items": {"type": "object", "additionalProperties": True}},
        "content": {"type": "array", "items": {"$ref": "#/x-adf-node"}},
    },
}
FIELDS = {
    "type": "object",
    "additionalProperties": True,
    "properties": {
        "summary": {"type": "string"},
        "status": {"$ref": "#/components/schemas/StatusDetails"},
        "priority": {"allOf": [{"$ref": "#/components/schemas/Priority"}], "nullable": True},
        "labels": {"type": "array", "items": {"type": "string"}},
        "assignee": {"allOf": [{"$ref": "#/components/schemas/UserDetails"}], "nullable": True},
        "issuetype": {"$ref": "#/components/schemas/IssueTypeDetails"},
        "project": {"$ref": "#/components/schemas/ProjectDetails"},
        "created": {"type": "string", "format": "date-time"},
        "updated": {"type": "string", "format": "date-time"},
        "description": ADF,
        "customfield_10016": {"type": "number", "nullable": True},
    },
}
"""`IssueBean.fields` is `additionalProperties: {}` in the spec: each field here is typed with the
spec's own component for it (the ones `/field` reports for the system fields)."""
PRESENT = frozenset(
    {"id", "key", "fields", "summary", "status", "statusCategory", "name", "labels"}
    | {"issuetype", "project", "created", "updated", "issues", "isLast", "displayName"}
    | {"accountId", "nextPageToken"}
)
HINTS = {
    "key": ("new", "indeterminate", "done", "CHK", "CHK-9"),
    "name": ("Story Points", "To Do", "High", "Bug", "Story point estimate"),
    "timeZone": ("Europe/Berlin", "UTC", "Mars/Olympus", "../../etc/passwd", "\x00"),
    "nextPageToken": ("t2", "t3"),
}


def _schemas() -> Schemas:
    schemas = Schemas(SPEC, HINTS, PRESENT, {"fields": FIELDS})
    schemas.document.setdefault("x-adf-node", ADF_NODE)
    return schemas


def routes(schemas: Schemas) -> list[Route]:
    issues = {"issues": [], "isLast": True}
    return [
        Route("/rest/api/3/myself", schemas.response("/rest/api/3/myself"), {}),
        Route("/rest/api/3/field", schemas.response("/rest/api/3/field"), []),
        Route("/rest/api/3/search/jql", schemas.response("/rest/api/3/search/jql", "post"), issues),
        Route(
            "/rest/api/3/issue/bulkfetch",
            schemas.response("/rest/api/3/issue/bulkfetch", "post"),
            {"issues": [], "issueErrors": []},
            pages=8,
        ),
        Route("/rest/api/3/users/search", schemas.response("/rest/api/3/users/search"), []),
    ]


async def _pull(connector: Any, cursor: str) -> list[Page]:
    pages = await pages_of(connector.pull("issues", cursor))
    seats = await connector.seat_holders()
    return [*pages, Page("person", [{"id": n, **row} for n, row in enumerate(seats, 1)], "")]


def test_jira_pulls_of_spec_payloads_end_mapped_or_in_a_typed_error() -> None:
    schemas = _schemas()
    cursors = ("", "2025-06-01T00:00:00+00:00")
    fuzz_connector(
        CONNECTION, lambda: routes(schemas), lambda rnd: partial(_pull, cursor=rnd.choice(cursors))
    )
