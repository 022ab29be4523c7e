"""The read path's allow-list: which tables and columns the UI may read, and their kinds."""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from prodops_tui.models.enums import (
    JIRA_PRIORITIES,
    ExperimentStatus,
    FeedbackState,
    OutboxState,
    StatusCategory,
    ToolStatus,
    TriageState,
)

Params = list[object]


@dataclass(frozen=True)
class TableSpec:
    """What the read path may touch in one table: its columns and how to present them."""

    name: str
    kinds: Mapping[str, str]
    """Column -> kind: "" text, "int", "float", "bool", "dt", "date", "list" (of str), "json"."""
    nullable: frozenset[str]
    default_order: tuple[tuple[str, bool], ...]
    computed: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    """Computed column -> (kind, SQL expression over the table alias `{a}`)."""
    fts: bool = False
    """Searched through its full-text index (prefix words, newest SEARCH_CAP matches)."""
    substring: tuple[str, ...] = ()
    """Text columns searched by a case-insensitive substring per word: small tables, no index."""


def _cols(spec: str) -> dict[str, str]:
    """Parse "name:kind name ..." (kind omitted = text) into a mapping."""
    kinds: dict[str, str] = {}
    for part in spec.split():
        name, _, kind = part.partition(":")
        kinds[name] = kind
    return kinds


_EVIDENCE = "(SELECT count(*) FROM evidence e WHERE e.{col} = {a}.id)"
_PRIORITY_RANK = (
    "(CASE {a}.priority "
    + " ".join(f"WHEN '{name}' THEN {rank}" for rank, name in enumerate(JIRA_PRIORITIES, 1))
    + " END)"
)
"""Jira's priorities highest first (1); other names sort with the unset ones."""
_ORG = "(SELECT o.{col} FROM org o WHERE o.id = {a}.org_id)"
_UTILISATION = (
    "(CASE WHEN {a}.seats_bought > 0"
    " THEN CAST(100.0 * {a}.seats_used / {a}.seats_bought AS DOUBLE PRECISION) END)"
)
"""Seats used as a percentage of seats bought (NULL when none were bought)."""

_AWAKE = "({a}.snoozed_until IS NULL OR {a}.snoozed_until <= CURRENT_TIMESTAMP)"
"""Not snoozed, or the snooze is over (both dialects keep UTC: text on SQLite, timestamptz)."""

TABLES: dict[str, TableSpec] = {
    "issue": TableSpec(
        name="issue",
        kinds=_cols(
            "seq:int id connection_id key project type summary description_adf:json "
            "description_md status status_category priority assignee labels:list "
            "estimate:float usage_event created:dt updated:dt deleted:bool version:int "
            "triage_state snoozed_until:dt reach:float impact:float confidence:float "
            "effort:float score:float"
        ),
        nullable=frozenset(
            [
                "connection_id",
                "description_adf",
                "estimate",
                "created",
                "snoozed_until",
                "reach",
                "impact",
                "confidence",
                "effort",
                "score",
            ]
        ),
        default_order=(("updated", True),),
        computed={
            "evidence_count": ("int", _EVIDENCE.replace("{col}", "issue_id")),
            "priority_rank": ("int", _PRIORITY_RANK),
            "awake": ("bool", _AWAKE),
        },
        fts=True,
    ),
    "feedback": TableSpec(
        name="feedback",
        kinds=_cols(
            "seq:int id kind external_id connection_id requester requester_email org_id "
            "channel subject body tags:list score:int created:dt updated:dt updated_stamp "
            "state snoozed_until:dt version:int"
        ),
        nullable=frozenset(["connection_id", "org_id", "score", "created", "snoozed_until"]),
        default_order=(("updated", True),),
        computed={
            "org_name": ("", _ORG.replace("{col}", "name")),
            "org_tier": ("", _ORG.replace("{col}", "tier")),
            "org_arr": ("float", _ORG.replace("{col}", "arr")),
            "linked_issues": ("int", _EVIDENCE.replace("{col}", "feedback_id")),
        },
        fts=True,
    ),
    "experiment": TableSpec(
        name="experiment",
        kinds=_cols(
            "seq:int id source name design status owner surface flag_key primary_metric "
            "hypothesis namespace_start:float namespace_end:float traffic_pct:float audience "
            "variations:json regions:list bucket_hours:int treated_geos:list donor_geos:list "
            "start:date end:date results:json updated:dt"
        ),
        nullable=frozenset(["bucket_hours", "start", "end", "updated"]),
        default_order=(("start", True),),
        substring=("name", "surface", "owner", "flag_key", "primary_metric", "hypothesis"),
    ),
    "tool": TableSpec(
        name="tool",
        kinds=_cols(
            "seq:int id name category owner seats_bought:int seats_used:int "
            "monthly_cost:float renewal_date:date connection_id status notes"
        ),
        nullable=frozenset(["renewal_date", "connection_id"]),
        default_order=(("name", False),),
        computed={
            "utilisation": ("float", _UTILISATION),
            "yearly_cost": ("float", "CAST({a}.monthly_cost * 12 AS DOUBLE PRECISION)"),
        },
        substring=("name", "category", "owner", "notes"),
    ),
}


def table_spec(table: str) -> TableSpec:
    """The spec of an allow-listed table, or ValueError."""
    spec = TABLES.get(table)
    if spec is None:
        raise ValueError(f"unknown table for the read path: {table!r}")
    return spec


def column_kind(spec: TableSpec, column: str) -> str:
    """The kind of a real or computed column, or ValueError if it is not allow-listed."""
    if column in spec.kinds:
        return spec.kinds[column]
    if column in spec.computed:
        return spec.computed[column][0]
    raise ValueError(f"unknown column {column!r} for table {spec.name!r}")


def column_sql(spec: TableSpec, column: str, alias: str = "t") -> str:
    """The SQL expression of a validated column under a table alias."""
    column_kind(spec, column)
    if column in spec.computed:
        return spec.computed[column][1].replace("{a}", alias)
    return f'{alias}."{column}"'


WORD = re.compile(r"[^\W_]+")
"""A word as the full-text indexes split text."""


def like_pattern(text: str) -> str:
    """`text` with the LIKE wildcards and the escape character (backslash) taken literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def match_text(words: list[str], dialect: str) -> str:
    """A full-text query matching rows that contain every word as a prefix."""
    if dialect == "sqlite":
        return " ".join(f'"{word}"*' for word in words)
    # PostgreSQL's parser reads "PROD-4" as 'prod' and '-4': a number also matches its negative.
    return " & ".join(
        f"({word}:* | -{word}:*)" if word.isdigit() else f"{word}:*" for word in words
    )


SUMMARY_STEPS: tuple[tuple[str, ...], ...] = (
    (
        "experiments_running",
        "experiments",
        "tools",
        "renewals_30",
        "renewals_90",
        "outbox_pending",
        "outbox_conflict",
    ),
    ("issues", "issues_untriaged"),
    ("feedback", "feedback_new"),
)
"""The Home counts grouped cheapest first: small tables, then issues, then feedback (O(rows))."""


def _summary_parts(dialect: str, today: date) -> dict[str, tuple[str, Params]]:
    def soon(days: int) -> Params:
        window = (today, today + timedelta(days))
        return list(window) if dialect == "postgresql" else [day.isoformat() for day in window]

    retired = ToolStatus.RETIRED.value
    renewals = "SELECT count(*) FROM tool WHERE status <> ? AND renewal_date BETWEEN ? AND ?"
    by_state = "SELECT count(*) FROM {} WHERE state = ?"
    return {
        "issues": ("SELECT count(*) FROM issue WHERE NOT deleted", []),
        "issues_untriaged": (
            "SELECT count(*) FROM issue WHERE triage_state = ? AND NOT deleted"
            " AND status_category <> ?",
            [TriageState.UNTRIAGED.value, StatusCategory.DONE.value],
        ),
        "feedback": ("SELECT count(*) FROM feedback", []),
        "feedback_new": (by_state.format("feedback"), [FeedbackState.NEW.value]),
        "experiments_running": (
            "SELECT count(*) FROM experiment WHERE status = ?",
            [ExperimentStatus.RUNNING.value],
        ),
        "experiments": ("SELECT count(*) FROM experiment", []),
        "tools": ("SELECT count(*) FROM tool", []),
        "renewals_30": (renewals, [retired, *soon(30)]),
        "renewals_90": (renewals, [retired, *soon(90)]),
        "outbox_pending": (
            "SELECT count(*) FROM outbox WHERE state IN (?, ?)",
            [OutboxState.PENDING.value, OutboxState.INFLIGHT.value],
        ),
        "outbox_conflict": (by_state.format("outbox"), [OutboxState.CONFLICT.value]),
    }


def summary_sql(
    dialect: str, today: date, keys: Sequence[str] | None = None
) -> tuple[str, Params, list[str]]:
    """One statement with the named Home counts (all of them by default)."""
    parts = _summary_parts(dialect, today)
    names = list(parts) if keys is None else list(keys)
    for name in names:
        if name not in parts:
            raise ValueError(f"unknown summary count: {name!r}")
    sql = "SELECT " + ", ".join(f"({parts[name][0]}) AS {name}" for name in names)
    return sql, [param for name in names for param in parts[name][1]], names
