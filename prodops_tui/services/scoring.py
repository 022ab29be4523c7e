"""Scores for the backlog: RICE (default), ICE or WSJF per workspace, from inputs typed in on the
issue or derived from its evidence, experiments, usage and estimate.

Inputs share one scale whatever the model: reach = people per quarter, impact = RICE's
0.25 / 0.5 / 1 / 2 / 3, confidence = 0..1, effort = the Jira estimate (story points).

- RICE = reach * impact * confidence / effort.
- ICE = impact10 * confidence10 * ease10, with impact10 = impact / 3 * 10,
  confidence10 = confidence * 10, ease10 = 10 / effort clamped to 1..10.
- WSJF = (business value + time criticality + opportunity) / job size, with business value =
  impact10, time criticality from the Jira priority (Highest 10 .. Lowest 1), opportunity =
  log2(1 + reach) capped at 10, job size = effort.

Derivations, used when the input is not typed in on the issue:
- reach: distinct requesters plus distinct orgs of the linked feedback (with ARR weighting on,
  each org counts 1 + ARR / 50,000), plus the mean daily unique users over the last 90 days of
  the issue's `usage_event` (Mixpanel, usage_daily);
- impact and confidence: from the newest linked experiment with results. An experiment links
  to an issue when the issue carries the experiment's `flag_key` as a label, or when the
  experiment's results list the issue key under `issue_keys`. Impact maps the lift (>= 10 % -> 3,
  >= 5 % -> 2, >= 2 % -> 1, >= 0.5 % -> 0.5, else 0.25); confidence is `chance_to_win`, else
  1 - `p_value`, halved when the sample ratio check failed (srm_p < 0.001);
- effort: the Jira estimate.
Missing impact defaults to 1 and missing confidence to 0.5; without reach or effort there is
no score.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, select, update
from sqlmodel import SQLModel

from prodops_tui.models import tables  # noqa: F401  (registers the tables on the metadata)
from prodops_tui.services.scoring_facts import ARR_KEY, INPUTS, Facts, meta, read_facts
from prodops_tui.store.store import Store, StoreError

__all__ = [
    "MODELS",
    "Breakdown",
    "Part",
    "breakdown",
    "ice",
    "rescore",
    "rescore_in",
    "rescore_usage",
    "rice",
    "scoring_model",
    "set_scoring_model",
    "typed_inputs",
    "wsjf",
]

MODELS = ("RICE", "ICE", "WSJF")
MODEL_KEY = "scoring.model"
DEFAULT_IMPACT = 1.0
DEFAULT_CONFIDENCE = 0.5
URGENCY = {"Highest": 10.0, "High": 8.0, "Medium": 5.0, "Low": 3.0, "Lowest": 1.0}
LIFT_STEPS = ((0.10, 3.0), (0.05, 2.0), (0.02, 1.0), (0.005, 0.5))


def rice(reach: float, impact: float, confidence: float, effort: float) -> float:
    return reach * impact * confidence / effort


def _ten(impact: float) -> float:
    return impact / 3.0 * 10.0


def ice(impact: float, confidence: float, effort: float) -> float:
    ease = min(10.0, max(1.0, 10.0 / effort))
    return _ten(impact) * confidence * 10.0 * ease


def wsjf(reach: float, impact: float, priority: str, effort: float) -> float:
    opportunity = min(10.0, math.log2(1.0 + reach))
    return (_ten(impact) + URGENCY.get(priority, 5.0) + opportunity) / effort


@dataclass(frozen=True)
class Part:
    """One input of a score: its value and where it came from."""

    name: str
    value: float | None
    source: str


@dataclass(frozen=True)
class Breakdown:
    model: str
    score: float | None
    parts: tuple[Part, ...]
    why_none: str = ""

    def value(self, name: str) -> float | None:
        return next((p.value for p in self.parts if p.name == name), None)


def scoring_model(conn: Connection) -> str:
    """The workspace's model (RICE unless set)."""
    chosen = meta(conn, MODEL_KEY).upper()
    return chosen if chosen in MODELS else "RICE"


def set_scoring_model(store: Store, model: str, *, arr_weighting: bool | None = None) -> None:
    """Choose RICE, ICE or WSJF (and ARR weighting of reach) and rescore every issue."""
    name = model.strip().upper()
    if name not in MODELS:
        raise StoreError(f"unknown scoring model {model!r}: use {', '.join(MODELS)}")
    rows = [{"key": MODEL_KEY, "value": name}]
    if arr_weighting is not None:
        rows.append({"key": ARR_KEY, "value": "1" if arr_weighting else ""})
    issue = SQLModel.metadata.tables["issue"]
    with store.write() as conn:
        store.upsert_in(conn, "workspace_meta", rows)
        rescore_in(conn, list(conn.execute(select(issue.c.id)).scalars()))


def _pick(typed: float | None, derived: float | None, source: str) -> tuple[float | None, str]:
    if typed is not None:
        return typed, "typed in"
    return derived, source if derived is not None else "unknown"


def _experiment_inputs(facts: Facts) -> tuple[float | None, float | None]:
    results = facts.experiment or {}
    lift = results.get("lift")
    impact = None
    if isinstance(lift, int | float):
        impact = next((score for step, score in LIFT_STEPS if lift >= step), 0.25)
    confidence = None
    if isinstance(results.get("chance_to_win"), int | float):
        confidence = float(results["chance_to_win"])
    elif isinstance(results.get("p_value"), int | float):
        confidence = 1.0 - float(results["p_value"])
    srm = results.get("srm_p")
    if confidence is not None and isinstance(srm, int | float) and srm < 0.001:
        confidence /= 2
    return impact, None if confidence is None else min(1.0, max(0.0, confidence))


def _reach(facts: Facts) -> tuple[float | None, str]:
    people = facts.requesters + (facts.arr_weight if facts.arr_weight else facts.orgs)
    total = people + facts.usage
    if not total:
        return None, "unknown"
    pieces = []
    if facts.requesters or facts.orgs:
        weighted = " ARR-weighted" if facts.arr_weight else ""
        pieces.append(f"{facts.requesters} requesters + {facts.orgs}{weighted} orgs")
    if facts.usage:
        pieces.append(f"{facts.usage:.0f} daily users of {facts.usage_event}")
    return total, "evidence: " + ", ".join(pieces)


def _parts(facts: Facts) -> tuple[Part, ...]:
    impact, confidence = _experiment_inputs(facts)
    source = f"experiment {facts.experiment_name}"
    values = {
        "reach": _pick(facts.typed.get("reach"), *_reach(facts)),
        "impact": _pick(facts.typed.get("impact"), impact, source),
        "confidence": _pick(facts.typed.get("confidence"), confidence, source),
        "effort": _pick(facts.typed.get("effort"), facts.estimate, "Jira estimate"),
    }
    if values["impact"][0] is None:
        values["impact"] = (DEFAULT_IMPACT, "default")
    if values["confidence"][0] is None:
        values["confidence"] = (DEFAULT_CONFIDENCE, "default")
    return tuple(Part(name, *values[name]) for name in INPUTS)


def _score(model: str, facts: Facts, parts: tuple[Part, ...]) -> tuple[float | None, str]:
    got = {p.name: p.value for p in parts}
    reach, impact, confidence, effort = (got[name] for name in INPUTS)
    if effort is None or effort <= 0:
        return None, "no effort: set an estimate or type one in (s)"
    assert impact is not None and confidence is not None
    if model == "ICE":
        return round(ice(impact, confidence, effort), 2), ""
    if reach is None:
        return None, "no reach: link feedback, name a usage event or type one in (s)"
    if model == "WSJF":
        return round(wsjf(reach, impact, facts.priority, effort), 2), ""
    return round(rice(reach, impact, confidence, effort), 2), ""


def _breakdown(model: str, facts: Facts) -> Breakdown:
    parts = _parts(facts)
    score, why = _score(model, facts, parts)
    return Breakdown(model, score, parts, why)


def breakdown(store: Store, issue_id: str) -> Breakdown:
    """The issue's score under the workspace's model, with where each input came from."""
    with store.read() as conn:
        facts = read_facts(conn, [issue_id])
        if issue_id not in facts:
            raise StoreError(f"no issue {issue_id} in the workspace")
        return _breakdown(scoring_model(conn), facts[issue_id])


def typed_inputs(store: Store, issue_id: str) -> dict[str, float | None]:
    """The score inputs typed in on the issue (None where derived)."""
    issue = SQLModel.metadata.tables["issue"]
    query = select(*(issue.c[name] for name in INPUTS)).where(issue.c.id == issue_id)
    with store.read() as conn:
        row = conn.execute(query).mappings().first()
    if row is None:
        raise StoreError(f"no issue {issue_id} in the workspace")
    return {name: row[name] for name in INPUTS}


def rescore(store: Store, issue_ids: Iterable[str]) -> int:
    """Recompute and store the score of these issues; how many changed."""
    with store.write() as conn:
        return rescore_in(conn, list(issue_ids))


def rescore_usage(store: Store) -> int:
    """Rescore the issues that name a usage event (after new Mixpanel numbers)."""
    issue = SQLModel.metadata.tables["issue"]
    with store.write() as conn:
        named = select(issue.c.id).where(issue.c.usage_event != "", issue.c.deleted.is_(False))
        return rescore_in(conn, list(conn.execute(named).scalars()))


def rescore_in(conn: Connection, issue_ids: Sequence[str], *, chunk: int = 500) -> int:
    """`rescore` inside the caller's write transaction."""
    issue = SQLModel.metadata.tables["issue"]
    model = scoring_model(conn)
    changed = 0
    for start in range(0, len(issue_ids), chunk):
        facts = read_facts(conn, issue_ids[start : start + chunk])
        query = select(issue.c.id, issue.c.score).where(issue.c.id.in_(list(facts)))
        current = {issue_id: score for issue_id, score in conn.execute(query)}
        scores = {issue_id: _breakdown(model, fact).score for issue_id, fact in facts.items()}
        moved = [
            {"target": issue_id, "new_score": score}
            for issue_id, score in scores.items()
            if score != current.get(issue_id)
        ]
        if moved:  # one executemany: a first sync rescoring thousands of issues stays cheap
            statement = update(issue).where(issue.c.id == bindparam("target"))
            conn.execute(statement.values(score=bindparam("new_score")), moved)
            changed += len(moved)
    return changed
