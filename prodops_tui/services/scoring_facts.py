"""What scoring reads about issues: typed inputs, linked evidence, usage and experiments
(the rules are described in services/scoring.py)."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, distinct, func, select
from sqlmodel import SQLModel

from prodops_tui.models import tables  # noqa: F401  (registers the tables on the metadata)

ARR_KEY = "scoring.arr_weighting"
ARR_UNIT = 50_000.0
USAGE_DAYS = 90
RESULT_KEYS = frozenset({"lift", "chance_to_win", "p_value"})
INPUTS = ("reach", "impact", "confidence", "effort")


@dataclass
class Facts:
    """What the derivations read about one issue."""

    key: str = ""
    priority: str = ""
    typed: dict[str, float | None] = field(default_factory=dict)
    estimate: float | None = None
    requesters: int = 0
    orgs: int = 0
    arr_weight: float = 0.0
    usage: float = 0.0
    usage_event: str = ""
    experiment: dict[str, Any] | None = None
    experiment_name: str = ""


def _meta(conn: Connection, key: str) -> str:
    meta = SQLModel.metadata.tables["workspace_meta"]
    value = conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar()
    return str(value or "")


def meta(conn: Connection, key: str) -> str:
    table = SQLModel.metadata.tables["workspace_meta"]
    value = conn.execute(select(table.c.value).where(table.c.key == key)).scalar()
    return str(value or "")


def read_facts(conn: Connection, issue_ids: Sequence[str]) -> dict[str, Facts]:
    issue = SQLModel.metadata.tables["issue"]
    columns = [issue.c[c] for c in ("id", "key", "priority", "estimate", "usage_event", "labels")]
    query = select(*columns, *(issue.c[c] for c in INPUTS)).where(issue.c.id.in_(issue_ids))
    facts: dict[str, Facts] = {}
    labels: dict[str, list[str]] = {}
    for row in conn.execute(query).mappings():
        typed = {name: row[name] for name in INPUTS}
        facts[row["id"]] = Facts(
            row["key"], row["priority"], typed, row["estimate"], usage_event=row["usage_event"]
        )
        labels[row["id"]] = list(row["labels"] or [])
    if facts:
        _add_evidence(conn, facts, weighted=bool(meta(conn, ARR_KEY)))
        _add_usage(conn, facts)
        _add_experiments(conn, facts, labels)
    return facts


def _add_evidence(conn: Connection, facts: dict[str, Facts], *, weighted: bool) -> None:
    evidence = SQLModel.metadata.tables["evidence"]
    feedback = SQLModel.metadata.tables["feedback"]
    org = SQLModel.metadata.tables["org"]
    who = func.coalesce(func.nullif(feedback.c.requester_email, ""), feedback.c.requester)
    counts = (
        select(evidence.c.issue_id, func.count(distinct(who)), func.count(distinct(org.c.id)))
        .select_from(evidence.join(feedback, feedback.c.id == evidence.c.feedback_id))
        .outerjoin(org, org.c.id == feedback.c.org_id)
        .where(evidence.c.issue_id.in_(list(facts)))
        .group_by(evidence.c.issue_id)
    )
    for issue_id, requesters, orgs in conn.execute(counts):
        facts[issue_id].requesters, facts[issue_id].orgs = int(requesters), int(orgs)
    if not weighted:
        return
    orgs_of = (
        select(evidence.c.issue_id, org.c.id, org.c.arr)
        .select_from(evidence.join(feedback, feedback.c.id == evidence.c.feedback_id))
        .join(org, org.c.id == feedback.c.org_id)
        .where(evidence.c.issue_id.in_(list(facts)))
        .distinct()
    )
    for issue_id, _, arr in conn.execute(orgs_of):
        facts[issue_id].arr_weight += 1.0 + float(arr or 0.0) / ARR_UNIT


def _add_usage(conn: Connection, facts: dict[str, Facts]) -> None:
    events = {f.usage_event for f in facts.values() if f.usage_event}
    if not events:
        return
    usage = SQLModel.metadata.tables["usage_daily"]
    since = (datetime.now(UTC) - timedelta(days=USAGE_DAYS)).date()
    query = (
        select(usage.c.event, func.avg(usage.c.unique_users))
        .where(usage.c.event.in_(events), usage.c.day >= since)
        .group_by(usage.c.event)
    )
    mean = {event: float(users or 0.0) for event, users in conn.execute(query)}
    for fact in facts.values():
        fact.usage = mean.get(fact.usage_event, 0.0)


def _add_experiments(
    conn: Connection, facts: dict[str, Facts], labels: dict[str, list[str]]
) -> None:
    experiment = SQLModel.metadata.tables["experiment"]
    query = select(experiment.c.name, experiment.c.flag_key, experiment.c.results).order_by(
        experiment.c.start.desc(), experiment.c.seq.desc()
    )
    by_flag: dict[str, tuple[str, dict[str, Any]]] = {}
    by_key: dict[str, tuple[str, dict[str, Any]]] = {}
    for name, flag, results in conn.execute(query):
        if not isinstance(results, dict) or not RESULT_KEYS & set(results):
            continue
        if flag:
            by_flag.setdefault(flag, (name, results))
        for key in results.get("issue_keys") or []:
            by_key.setdefault(str(key), (name, results))
    for issue_id, fact in facts.items():
        found = by_key.get(fact.key) or next(
            (by_flag[label] for label in labels[issue_id] if label in by_flag), None
        )
        if found is not None:
            fact.experiment_name, fact.experiment = found
