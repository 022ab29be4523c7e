"""The query bar's syntax tree and the fields each list table answers to (no SQL, no parsing).

services.query turns typed text into these nodes; store.query_sql turns them into a
parameterised WHERE clause. Values are already checked and typed: times are absolute (a
relative `7d` was resolved against "now" when parsed).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Union


@dataclass(frozen=True)
class Compare:
    """`field op value`: op is ":" (equals, `*` = any text) for text and list fields, one of
    = > >= < <= for numbers and times."""

    field: str
    op: str
    value: str | float | datetime


@dataclass(frozen=True)
class Flag:
    """`has:evidence`, `has:issue`, `is:snoozed` (snoozed until after `at`)."""

    kind: str
    name: str
    at: datetime | None = None


@dataclass(frozen=True)
class Text:
    """Bare words or a quoted phrase: every word must occur (as a prefix) in the row's text."""

    words: str


@dataclass(frozen=True)
class Not:
    node: "Node"


@dataclass(frozen=True)
class All:
    nodes: tuple["Node", ...]


@dataclass(frozen=True)
class AnyOf:
    nodes: tuple["Node", ...]


Node = Union[Compare, Flag, Text, Not, All, AnyOf]  # noqa: UP007  (a runtime alias of forward refs)


@dataclass(frozen=True)
class Field:
    """A query field: its kind ("text", "list", "number", "time", or "key": text stored upper
    case, compared through its index) and the column it reads."""

    kind: str
    column: str
    sort_column: str = ""
    """The column `sort:field` orders by when not `column` (e.g. priority by rank)."""

    @property
    def sortable(self) -> bool:
        return self.kind != "list"

    @property
    def order_column(self) -> str:
        return self.sort_column or self.column


def _fields(spec: str) -> dict[str, Field]:
    """Parse "name=kind:column[:sort_column] ..." into a mapping."""
    found: dict[str, Field] = {}
    for part in spec.split():
        name, _, rest = part.partition("=")
        kind, column, *sort = rest.split(":")
        found[name] = Field(kind, column, *sort)
    return found


FIELDS: Mapping[str, Mapping[str, Field]] = {
    "issue": _fields(
        "status=text:status priority=text:priority:priority_rank label=list:labels "
        "assignee=text:assignee project=text:project type=text:type key=key:key "
        "triage=text:triage_state category=text:status_category score=number:score "
        "evidence=number:evidence_count updated=time:updated created=time:created"
    ),
    "feedback": _fields(
        "kind=text:kind state=text:state tag=list:tags org=text:org_name tier=text:org_tier "
        "channel=text:channel requester=text:requester score=number:score arr=number:org_arr "
        "updated=time:updated created=time:created"
    ),
    "tool": _fields(
        "status=text:status category=text:category owner=text:owner "
        "connection=text:connection_id seats=number:seats_bought used=number:seats_used "
        "use=number:utilisation cost=number:monthly_cost yearly=number:yearly_cost "
        "renewal=time:renewal_date"
    ),
}
"""Query fields of each list table, by the names users type."""

FLAGS: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "issue": {"has": ("evidence",), "is": ("snoozed",)},
    "feedback": {"has": ("issue",), "is": ("snoozed",)},
    "tool": {},
}
"""The `has:` and `is:` words of each list table."""
FLAG_COLUMNS: Mapping[str, tuple[str, ...]] = {"snoozed": ("snoozed_until", "awake")}
"""Columns a flag tests: a screen's own filter on one of them gives way to the query."""


def leaves(node: Node) -> list[Node]:
    """The terms, flags and words of a tree, left to right."""
    if isinstance(node, All | AnyOf):
        return [leaf for child in node.nodes for leaf in leaves(child)]
    if isinstance(node, Not):
        return leaves(node.node)
    return [node]


def serves(table: str) -> bool:
    """True when the query bar has fields for this table."""
    return table in FIELDS


def query_fields(table: str) -> Mapping[str, Field]:
    """The fields of a table the query bar serves, or ValueError."""
    if table not in FIELDS:
        raise ValueError(f"the query bar does not serve table {table!r}")
    return FIELDS[table]
