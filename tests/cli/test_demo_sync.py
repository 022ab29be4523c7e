"""`prodops demo` builds its workspace through the connectors from the fakes on loopback."""

import sqlite3
from datetime import date
from pathlib import Path

from prodops_tui.cli.build import FAKE_SETTINGS, build_synced_demo
from prodops_tui.fakes.serve import KINDS, start_fakes
from prodops_tui.services.generator import generate


def test_the_tiny_demo_synced_from_the_fakes_has_every_table(tmp_path: Path) -> None:
    company = generate("tiny", 7, date(2026, 11, 27))
    expected = company.counts()
    path = tmp_path / "demo.db"
    with start_fakes(company, settings=FAKE_SETTINGS) as fakes:
        assert set(fakes.urls) == set(KINDS) == {"jira", "zendesk", "growthbook", "mixpanel"}
        reports = build_synced_demo(path, company, fakes, quiet=True)
    assert all(r.ok for r in reports)
    assert not [p.name for p in tmp_path.iterdir() if "building" in p.name]
    with sqlite3.connect(path) as db:

        def one(sql: str) -> int:
            return int(db.execute(sql).fetchone()[0])

        for table in ("connection", "org", "issue", "feedback", "evidence", "experiment", "tool"):
            assert one(f"SELECT count(*) FROM {table}") == expected[table], table
        synced = one(
            "SELECT count(*) FROM experiment WHERE source = 'growthbook' AND results != '{}'"
        )
        growthbook = [r for r in company.experiments() if r["source"] == "growthbook"]
        finished = [r for r in growthbook if r["results"]]
        assert synced >= len(finished) > 0  # running ones carry interim results too
        assert one("SELECT count(*) FROM experiment WHERE source = 'growthbook'") == len(growthbook)
        assert one("SELECT count(*) FROM experiment WHERE source = 'local'") == len(
            [r for r in company.experiments() if r["source"] == "local"]
        )
        assert one("SELECT count(*) FROM usage_daily") > 0
        assert one("SELECT count(DISTINCT day) FROM usage_daily WHERE event = '$active'") > 28
        nps = [f for f in company.feedback() if f["kind"] == "nps"]
        assert one("SELECT count(*) FROM feedback WHERE kind = 'nps'") == len(nps) > 0
        # scored once evidence, usage and typed inputs are in: reach needs evidence or usage
        scored = one("SELECT count(*) FROM issue WHERE score IS NOT NULL")
        reachable = one(
            "SELECT count(*) FROM issue i WHERE (i.estimate > 0 OR i.effort > 0) AND"
            " (i.usage_event <> '' OR i.reach IS NOT NULL"
            " OR EXISTS (SELECT 1 FROM evidence e WHERE e.issue_id = i.id))"
        )
        assert scored >= reachable > 0
        states = db.execute("SELECT connection_id, stream, last_success_at FROM sync_state")
        seen = {(c, s): at for c, s, at in states}
    streams = {
        "jira:acme": {"issues"},
        "zendesk:acme": {"orgs", "users", "tickets", "ratings"},
        "growthbook:acme": {"experiments"},
        "mixpanel:acme": {"usage", "nps"},
    }
    assert set(seen) == {(c, s) for c, names in streams.items() for s in names}
    assert all(seen.values())
