"""Reading a feedback CSV: the column mapping and each row turned into a feedback row or a reason.

Functions over text (and the workspace's org names); `feedback_import` opens the file and
writes the rows.
"""

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, select
from sqlmodel import SQLModel

from prodops_tui.models import tables  # noqa: F401  (registers the tables on the metadata)
from prodops_tui.models.enums import FeedbackKind

FIELDS = (
    "external_id",
    "requester",
    "requester_email",
    "org",
    "channel",
    "subject",
    "body",
    "tags",
    "score",
    "created",
)
"""What a CSV column can be mapped to."""
ALIASES = {
    "id": "external_id",
    "response_id": "external_id",
    "ticket_id": "external_id",
    "name": "requester",
    "customer": "requester",
    "user": "requester",
    "email": "requester_email",
    "organization": "org",
    "organisation": "org",
    "company": "org",
    "account": "org",
    "source": "channel",
    "title": "subject",
    "comment": "body",
    "comments": "body",
    "text": "body",
    "verbatim": "body",
    "feedback": "body",
    "message": "body",
    "tag": "tags",
    "rating": "score",
    "nps": "score",
    "csat": "score",
    "date": "created",
    "created_at": "created",
    "submitted_at": "created",
    "timestamp": "created",
}
KINDS = (FeedbackKind.NPS.value, FeedbackKind.CSAT.value, FeedbackKind.IMPORT.value)
REQUIRED = {"nps": ("score",), "csat": ("score",), "import": ("body",)}
SCORES = {"nps": (0, 10), "csat": (1, 5), "import": (0, 10)}
MAX_TEXT = 1_000_000
"""Longest cell kept (characters); a longer one rejects its row."""
SHORT = 200
"""Cells up to this long may be remembered to parse a repeated value once."""


class CsvProblem(ValueError):
    """The file as a whole cannot be imported (nothing is written): one line for the user."""


@dataclass(frozen=True)
class RowError:
    """A row left out of the import, with its line in the file (1 = the header)."""

    line: int
    reason: str


def parse_pairs(pairs: Sequence[str]) -> dict[str, str]:
    """`csvcol=field` options -> {csv column: field}; CsvProblem for anything else."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        column, sep, name = pair.partition("=")
        if not sep or not column.strip() or not name.strip():
            raise CsvProblem(f"--map {pair!r}: write it as CSVCOLUMN=FIELD")
        if name.strip() not in FIELDS:
            raise CsvProblem(f"--map {pair!r}: {name.strip()!r} is not one of {', '.join(FIELDS)}")
        mapping[column.strip()] = name.strip()
    return mapping


def resolve_mapping(header: Sequence[str], explicit: Mapping[str, str], kind: str) -> list[str]:
    """The field each header column fills ("" = ignored): explicit pairs first, then the
    column's own name or a known alias; CsvProblem when a required field has no column."""
    if kind not in KINDS:
        raise CsvProblem(f"unknown kind {kind!r}: choose one of {', '.join(KINDS)}")
    names = [h.strip() for h in header]
    missing = [c for c in explicit if c not in names]
    if missing:
        raise CsvProblem(f"no column {missing[0]!r} in the file (columns: {', '.join(names)})")
    fields: list[str] = []
    for name in names:
        guess = name.lower().replace(" ", "_").replace("-", "_")
        found = explicit.get(name) or (guess if guess in FIELDS else ALIASES.get(guess, ""))
        fields.append("" if found in fields else found)
    if not any(fields):
        raise CsvProblem(f"no column matches a feedback field (columns: {', '.join(names)})")
    for need in REQUIRED[kind]:
        if need not in fields:
            raise CsvProblem(
                f"missing a {need} column for {kind} feedback: map one with --map COLUMN={need}"
            )
    return fields


def feedback_id(kind: str, values: Mapping[str, str]) -> str:
    """Deterministic: the external id when there is one, else the row's content."""
    if values.get("external_id"):
        basis = [kind, "id", values["external_id"]]
    else:
        basis = [kind, *(values.get(name, "") for name in FIELDS)]
    digest = hashlib.sha1("\x1f".join(basis).encode(), usedforsecurity=False).hexdigest()
    return f"csv:{kind}:{digest[:20]}"


def _score(kind: str, text: str) -> int | None:
    if not text:
        if kind in ("nps", "csat"):
            raise ValueError(f"no {kind.upper()} score")
        return None
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"score {text[:20]!r} is not a number") from None
    low, high = SCORES[kind]
    if value != int(value) or not low <= value <= high:
        raise ValueError(f"{kind.upper()} score {text[:20]} is outside {low}-{high}")
    return int(value)


def parse_moment(text: str) -> datetime | None:
    """An ISO date or date-time as aware UTC (naive = UTC); None when empty."""
    return _moment(text) if len(text) <= SHORT else _moment.__wrapped__(text)


@lru_cache(maxsize=4096)  # a file's dates repeat: parse each once
def _moment(text: str) -> datetime | None:
    if not text:
        return None
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(), UTC)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"created {text[:30]!r} is not a date (YYYY-MM-DD[ HH:MM])") from None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _tags(kind: str, text: str, score: int | None) -> list[str]:
    if len(text) > SHORT:  # a long cell is not kept alive by the cache
        return list(_tag_tuple.__wrapped__(kind, text, score))
    return list(_tag_tuple(kind, text, score))


@lru_cache(maxsize=4096)  # most rows of a survey share their tags
def _tag_tuple(kind: str, text: str, score: int | None) -> tuple[str, ...]:
    given = [t.strip().lower().replace(" ", "_") for t in text.replace(";", ",").split(",")]
    tags = [kind] if kind != "import" else []
    if kind == "nps" and score is not None:
        tags.append("promoter" if score >= 9 else "passive" if score >= 7 else "detractor")
    if kind == "csat" and score is not None:
        tags.append("positive" if score >= 4 else "neutral" if score == 3 else "negative")
    return (*tags, *(t for t in given if t and t not in tags))


def _subject(kind: str, values: Mapping[str, str], score: int | None) -> str:
    if values.get("subject"):
        return values["subject"]
    if kind == "nps":
        return f"NPS {score}"
    if kind == "csat":
        return f"CSAT {score}/5"
    return " ".join(values.get("body", "").split())[:80]


def feedback_row(
    kind: str, values: Mapping[str, str], imported_at: datetime, org_id: str | None
) -> dict[str, Any]:
    """The feedback row for one CSV record's mapped values; ValueError says why not."""
    if values and max(map(len, values.values())) > MAX_TEXT:
        long = next(name for name, text in values.items() if len(text) > MAX_TEXT)
        raise ValueError(f"{long} is longer than {MAX_TEXT:,} characters")
    score = _score(kind, values.get("score", ""))
    if not values.get("body") and not values.get("subject") and score is None:
        raise ValueError("no text and no score")
    created = parse_moment(values.get("created", ""))
    return {
        "id": feedback_id(kind, values),
        "kind": kind,
        "external_id": values.get("external_id", ""),
        "requester": values.get("requester", ""),
        "requester_email": values.get("requester_email", ""),
        "org_id": org_id,
        "channel": values.get("channel") or "import",
        "subject": _subject(kind, values, score),
        "body": values.get("body", ""),
        "tags": _tags(kind, values.get("tags", ""), score),
        "score": score,
        "created": created,
        "updated": created or imported_at,
        "updated_stamp": "",
        "state": "new",
        "version": 1,
    }


class OrgNames:
    """Org names and ids already in the workspace; unknown names become new orgs."""

    def __init__(self, conn: Connection) -> None:
        org = SQLModel.metadata.tables["org"]
        rows = conn.execute(select(org.c.id, org.c.name)).all()
        self.known = {str(i): str(i) for i, _ in rows} | {
            str(n).casefold(): str(i) for i, n in rows
        }
        self.new: dict[str, dict[str, Any]] = {}
        self.written: set[str] = set()
        self.seen: dict[str, str | None] = {}
        """Names exactly as written in the file -> org id (most rows repeat a few names)."""

    def resolve(self, name: str) -> str | None:
        """The org id for a name or id as written in the file (None for none)."""
        found = self.seen.get(name)
        if found is None and name:
            found = self.seen[name] = self._resolve(name)
        return found

    def _resolve(self, name: str) -> str | None:
        name = " ".join(name.split())
        if not name:
            return None
        found = self.known.get(name) or self.known.get(name.casefold())
        if found is not None:
            return found
        digest = hashlib.sha1(name.casefold().encode(), usedforsecurity=False).hexdigest()
        org_id = f"csv:org:{digest[:16]}"
        self.known[name.casefold()] = org_id
        self.new[org_id] = {"id": org_id, "name": name[:200], "tier": "free", "arr": 0.0}
        return org_id
