"""Experiments of the generated company, a few of them deliberately in conflict."""

import random
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from prodops_tui.models.enums import ExperimentDesign, ExperimentSource, ExperimentStatus
from prodops_tui.services.conflicts import Plan, assumed_end, next_free_slot, plan_from_row
from prodops_tui.services.generator_base import GROWTHBOOK, Spec
from prodops_tui.services.generator_text import PMS, word_list

STREAM = 4
SURFACES = (
    ("checkout", "checkout_conversion"),
    ("search", "search_ctr"),
    ("onboarding", "activation_rate"),
    ("pricing page", "trial_to_paid"),
    ("mobile home", "d7_retention"),
    ("billing settings", "plan_upgrade_rate"),
    ("notifications", "weekly_active_users"),
    ("product page", "add_to_cart_rate"),
)
IDEAS = word_list("""one-page layout | social proof badges | sticky call to action | shorter form
    personalised ranking | progress bar | annual plan default | free shipping threshold
    smart defaults | new empty state | price anchoring | bundle offer | simplified navigation
    inline validation | onboarding video | urgency messaging""")
REGIONS = word_list("us-east | us-west | eu-central | eu-west | apac-south | apac-east | latam")
GEOS = word_list(
    "DE | FR | NL | ES | IT | PL | SE | UK | IE | AT | BE | DK | US-TX | US-CA | US-NY"
)
AUDIENCES = word_list("""all users | new visitors | logged-in customers | EU customers
    enterprise admins | mobile users""")
_TWO = [
    {"key": "control", "name": "Control", "weight": 0.5},
    {"key": "treatment", "name": "Treatment", "weight": 0.5},
]
_VARIATIONS = (
    _TWO,
    [
        {"key": "control", "name": "Control", "weight": 0.5},
        {"key": "variant-a", "name": "Variant A", "weight": 0.25},
        {"key": "variant-b", "name": "Variant B", "weight": 0.25},
    ],
    [
        {"key": "control", "name": "Control", "weight": 0.8},
        {"key": "treatment", "name": "Treatment", "weight": 0.2},
    ],
)
_CONFLICTS: tuple[dict[str, Any], ...] = (
    {"design": "ab", "surface": 0, "days": (-10, 20), "namespace": (0.0, 0.6)},
    {"design": "ab", "surface": 0, "days": (-3, 27), "namespace": (0.4, 1.0)},
    {"design": "switchback", "surface": 1, "days": (5, 26), "regions": ["eu-central", "eu-west"]},
    {"design": "switchback", "surface": 1, "days": (12, 40), "regions": ["us-east", "eu-central"]},
    {"design": "geo", "surface": 3, "days": (-6, 30), "geos": (["DE", "AT"], ["FR", "NL", "BE"])},
    {"design": "geo", "surface": 3, "days": (1, 35), "geos": (["NL", "SE"], ["PL", "IT", "ES"])},
)
"""Three pairs that overlap in time, share surface and metric, and whose audiences meet."""
LOCAL_CONFLICT = 3
"""The one deliberately conflicting experiment that is a local plan (the rest are synced)."""


def _slug(text: str) -> str:
    return "-".join(text.lower().split())


def _hypothesis(idea: str, surface: str, metric: str) -> str:
    because = "because customers meet less friction."
    return f"If we try {idea} on the {surface}, {metric} improves {because}"


def _status(spec: Spec, start: date, end: date, draft: bool) -> str:
    if end < spec.today:
        return ExperimentStatus.STOPPED
    if start <= spec.today:
        return ExperimentStatus.RUNNING
    return ExperimentStatus.DRAFT if draft else ExperimentStatus.SCHEDULED


def _results(rng: random.Random, index: int) -> dict[str, Any]:
    lift = round(rng.uniform(-0.04, 0.12), 4)
    half = round(rng.uniform(0.01, 0.05), 4)
    results: dict[str, Any] = {
        "lift": lift,
        "ci_low": round(lift - half, 4),
        "ci_high": round(lift + half, 4),
        "users": rng.randint(4, 400) * 1_000,
    }
    if index % 2:
        results["p_value"] = round(rng.uniform(0.001, 0.4), 4)
    else:
        results["chance_to_win"] = round(rng.uniform(0.3, 0.99), 4)
    results["srm_p"] = 0.0004 if index % 11 == 7 else round(rng.uniform(0.06, 0.95), 4)
    return results


def _design_fields(rng: random.Random, design: str) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "namespace_start": 0.0,
        "namespace_end": 1.0,
        "traffic_pct": 100.0,
        "variations": _TWO,
        "regions": [],
        "bucket_hours": None,
        "treated_geos": [],
        "donor_geos": [],
    }
    if design == ExperimentDesign.AB:
        width = rng.choice((0.2, 0.25, 0.5, 1.0))
        start = rng.randrange(int(round((1 - width) * 20)) + 1) / 20
        fields.update(
            namespace_start=start,
            namespace_end=round(start + width, 2),
            traffic_pct=float(rng.choice((10, 20, 50, 100))),
            variations=rng.choice(_VARIATIONS),
        )
    elif design == ExperimentDesign.SWITCHBACK:
        fields.update(
            regions=rng.sample(REGIONS, rng.randint(2, 3)),
            bucket_hours=rng.choice((1, 2, 4, 6, 12)),
        )
    else:
        geos = rng.sample(GEOS, rng.randint(6, 8))
        fields.update(treated_geos=sorted(geos[:2]), donor_geos=sorted(geos[2:]))
    return fields


def _design(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.7:
        return ExperimentDesign.AB
    return ExperimentDesign.SWITCHBACK if roll < 0.85 else ExperimentDesign.GEO


def _experiment(spec: Spec, rng: random.Random, index: int) -> dict[str, Any]:
    surface, metric = rng.choice(SURFACES)
    idea = rng.choice(IDEAS)
    design = _design(rng)
    # Every fifth experiment is planned locally: it starts in the future; half are drafts.
    # ... and so is one of the deliberately conflicting switchbacks, for the calendar to move.
    local = (index % 5 == 4 and index >= len(_CONFLICTS)) or index == LOCAL_CONFLICT
    start = spec.day(rng.randint(3, 90) if local else rng.randint(-240, 75))
    end = spec.day((start - spec.today).days + rng.randint(14, 42))
    status = _status(spec, start, end, draft=local and index % 10 == 9)
    touched = min(spec.now, datetime.combine(start, time(9, 0), UTC)) - timedelta(days=1)
    row: dict[str, Any] = {
        "id": f"local:exp-{index + 1}" if local else f"{GROWTHBOOK}:exp_{index + 1:03d}",
        "source": str(ExperimentSource.LOCAL if local else ExperimentSource.GROWTHBOOK),
        "name": f"{surface[0].upper()}{surface[1:]}: {idea}",
        "design": str(design),
        "status": str(status),
        "owner": rng.choice(PMS),
        "surface": surface,
        "flag_key": f"{_slug(surface)}-{_slug(idea)}",
        "primary_metric": metric,
        "hypothesis": _hypothesis(idea, surface, metric),
        "audience": rng.choice(AUDIENCES),
        "start": start,
        "end": end,
        "results": _results(rng, index) if status == ExperimentStatus.STOPPED else {},
        "updated": touched,
    }
    row.update(_design_fields(rng, design))
    return row


def _make_conflict(spec: Spec, row: dict[str, Any], plan: dict[str, Any]) -> None:
    surface, metric = SURFACES[plan["surface"]]
    start, end = spec.day(plan["days"][0]), spec.day(plan["days"][1])
    row.update(
        design=plan["design"],
        surface=surface,
        primary_metric=metric,
        start=start,
        end=end,
        flag_key=f"{_slug(surface)}-{plan['design']}",
        results={},
        status=str(_status(spec, start, end, draft=False)),
    )
    idea = row["name"].split(": ", 1)[1]
    row["name"] = f"{surface[0].upper()}{surface[1:]}: {idea}"
    row["hypothesis"] = _hypothesis(idea, surface, metric)
    if "namespace" in plan:
        row.update(
            namespace_start=plan["namespace"][0],
            namespace_end=plan["namespace"][1],
            traffic_pct=100.0,
            variations=_TWO,
        )
    if "regions" in plan:
        row.update(regions=plan["regions"], bucket_hours=4)
    if "geos" in plan:
        row.update(treated_geos=plan["geos"][0], donor_geos=plan["geos"][1])


def _window(spec: Spec, row: dict[str, Any]) -> Plan:
    """The row's plan over its widest window: its own dates, or the ones assumed when GrowthBook
    sends it without an end (every test but a stopped one), whichever is longer."""
    plan = plan_from_row(row)
    if row["source"] == ExperimentSource.GROWTHBOOK and row["status"] != ExperimentStatus.STOPPED:
        assumed = assumed_end(plan.start, row["status"], spec.today)
        if plan.end and assumed and assumed > plan.end:
            return replace(plan, end=assumed)
    return plan


def _sequence(spec: Spec, row: dict[str, Any], placed: list[Plan]) -> None:
    """Move a row that is not meant to conflict to its next free slot, as product ops would."""
    draft = row["status"] == ExperimentStatus.DRAFT
    for _ in range(20):  # a move can change the status, and with it the assumed window
        slot = next_free_slot(_window(spec, row), placed)
        if slot is None or slot[0] == row["start"]:
            break
        end = slot[0] + (row["end"] - row["start"])
        row.update(start=slot[0], end=end, status=str(_status(spec, slot[0], end, draft=draft)))
        if row["status"] != ExperimentStatus.STOPPED:
            row["results"] = {}
    placed.append(_window(spec, row))


def experiments(spec: Spec) -> Iterator[dict[str, Any]]:
    """The company's experiments: the first six in three deliberate conflicts, the others
    sequenced so that none of them conflicts."""
    rng = spec.rng(STREAM)
    placed: list[Plan] = []
    for index in range(spec.n_experiments):
        row = _experiment(spec, rng, index)
        if index < len(_CONFLICTS):
            plan = _CONFLICTS[index]
            row.update(_design_fields(rng, plan["design"]))
            _make_conflict(spec, row, plan)
            placed.append(_window(spec, row))
        else:
            _sequence(spec, row, placed)
        yield row
