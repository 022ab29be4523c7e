"""services.scoring: the three formulas, the derivations of each input and their sources."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from prodops_tui.services.scoring import (
    breakdown,
    ice,
    rescore,
    rice,
    set_scoring_model,
    wsjf,
)
from prodops_tui.store.store import Store, StoreError

UPDATED = datetime(2025, 3, 1, tzinfo=UTC)
ISSUE = "jira:acme:10001"


def test_formulas() -> None:
    assert rice(reach=200, impact=2, confidence=0.8, effort=4) == 80.0
    assert ice(impact=3, confidence=0.5, effort=2) == pytest.approx(10 * 5 * 5)
    assert ice(impact=3, confidence=1.0, effort=0.5) == pytest.approx(10 * 10 * 10)
    assert wsjf(reach=7, impact=1.5, priority="High", effort=2) == pytest.approx((5 + 8 + 3) / 2)
    assert wsjf(reach=10**9, impact=3, priority="Unknown", effort=1) == pytest.approx(25)


@pytest.fixture
def seeded(store: Store) -> Store:
    store.upsert("org", [{"id": "o1", "name": "A", "arr": 100_000.0}, {"id": "o2", "name": "B"}])
    people = [("ann@a.example", "o1"), ("bob@a.example", "o1"), ("cy@b.example", "o2")]
    store.upsert(
        "feedback",
        [
            {"id": f"f{n}", "requester_email": mail, "org_id": org, "updated": UPDATED}
            for n, (mail, org) in enumerate(people + [("ann@a.example", "o1")])
        ],
    )
    issue = {
        "id": ISSUE,
        "key": "API-1",
        "summary": "s",
        "priority": "High",
        "labels": ["checkout-one-click"],
        "estimate": 5.0,
        "usage_event": "Export Clicked",
        "updated": UPDATED,
    }
    store.upsert("issue", [issue])
    store.upsert("evidence", [{"feedback_id": f"f{n}", "issue_id": ISSUE} for n in range(4)])
    return store


def parts(store: Store) -> dict[str, tuple[Any, str]]:
    found = breakdown(store, ISSUE)
    return {p.name: (p.value, p.source) for p in found.parts}


def test_inputs_come_from_evidence_estimate_and_defaults(seeded: Store) -> None:
    got = parts(seeded)
    assert got["reach"] == (5, "evidence: 3 requesters + 2 orgs")
    assert got["effort"] == (5.0, "Jira estimate")
    assert got["impact"] == (1.0, "default") and got["confidence"] == (0.5, "default")
    assert breakdown(seeded, ISSUE).score == rice(5, 1.0, 0.5, 5.0)


def test_arr_weighting_usage_and_experiments(seeded: Store) -> None:
    today = datetime.now(UTC).date()
    usage = [
        {"event": "Export Clicked", "day": today - timedelta(days=d), "unique_users": users}
        for d, users in ((1, 100), (2, 300), (200, 9999))
    ]
    seeded.upsert("usage_daily", usage)
    experiment = {
        "id": "gb:1",
        "name": "One click",
        "flag_key": "checkout-one-click",
        "start": date(2025, 1, 1),
        "results": {"lift": 0.06, "chance_to_win": 0.9, "srm_p": 0.5},
    }
    seeded.upsert("experiment", [experiment])
    set_scoring_model(seeded, "rice", arr_weighting=True)
    got = parts(seeded)
    assert got["reach"][0] == pytest.approx(3 + (1 + 2.0) + 1 + 200)
    assert (
        "ARR-weighted" in got["reach"][1] and "200 daily users of Export Clicked" in got["reach"][1]
    )
    assert got["impact"] == (2.0, "experiment One click")
    assert got["confidence"] == (0.9, "experiment One click")
    seeded.upsert(
        "experiment", [{**experiment, "results": {"lift": 0.2, "p_value": 0.1, "srm_p": 0.0001}}]
    )
    assert parts(seeded)["confidence"][0] == pytest.approx(0.45)


def test_typed_inputs_win_and_models_switch(seeded: Store) -> None:
    with seeded.write() as conn:
        conn.execute(text("UPDATE issue SET reach = 1000, confidence = 1.0"))
    assert rescore(seeded, [ISSUE]) == 1
    got = parts(seeded)
    assert got["reach"] == (1000, "typed in") and got["confidence"] == (1.0, "typed in")
    with seeded.read() as conn:
        assert conn.execute(text("SELECT score FROM issue")).scalar() == 200.0
    set_scoring_model(seeded, "WSJF")
    with seeded.read() as conn:
        stored = conn.execute(text("SELECT score FROM issue")).scalar()
    assert stored == round(wsjf(1000, 1.0, "High", 5.0), 2)
    with pytest.raises(StoreError, match="unknown scoring model"):
        set_scoring_model(seeded, "MOSCOW")
    with seeded.write() as conn:
        conn.execute(text("UPDATE issue SET estimate = NULL"))
    found = breakdown(seeded, ISSUE)
    assert found.score is None and "no effort" in found.why_none
