"""What connectors yield (Page) and consume (Edit, Applied); plain frozen dataclasses."""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Page:
    """Rows for one models table and the cursor to save once they are committed.

    `rows` use the table's column names, tz-aware UTC datetimes and generator-style ids;
    `deleted_ids` are ids the remote reports as deleted.
    """

    table: str
    rows: list[dict[str, Any]]
    cursor: str
    deleted_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Edit:
    """One outbox edit: `id` is the outbox UUID and the idempotency key."""

    id: str
    target: str
    op: str
    payload: dict[str, Any] = field(default_factory=dict)
    base_version: str = ""


@dataclass(frozen=True)
class Applied:
    """The outcome of a pushed edit: the new remote version and any id the remote assigned."""

    remote_version: str = ""
    remote_id: str = ""
