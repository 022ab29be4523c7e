"""Members deciding at once on one workspace: every decision is kept, a member deciding on what
changed under them is told so (and their edit is not applied), and no write is doubled in the
outbox nor leased twice; with two Stores and with several processes."""

import json
import os
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from prodops_tui.services.triage import set_priority
from prodops_tui.services.versions import ItemChanged, item_version
from prodops_tui.store.store import Store

UPDATED = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
MEMBER = Path(__file__).with_name("team_member.py")


def seed(store: Store, issues: int) -> None:
    store.upsert("connection", [{"id": "jira:acme", "kind": "jira", "name": "J", "base_url": "x"}])
    rows = [
        {
            "id": f"jira:acme:{n}",
            "connection_id": "jira:acme",
            "key": f"API-{n}",
            "summary": f"Issue {n}",
            "status": "To Do",
            "priority": "Medium",
            "updated": UPDATED,
        }
        for n in range(1, issues + 1)
    ]
    store.upsert("issue", rows)


def rows(store: Store, sql: str) -> list[Any]:
    with store.read() as conn:
        return list(conn.execute(text(sql)).all())


def test_the_second_member_is_told_the_item_changed_under_them(db_url: str) -> None:
    alice, bob = Store.open(db_url), Store.open(db_url)
    try:
        seed(alice, 1)
        issue = "jira:acme:1"
        seen_by_alice = item_version(alice, "issue", issue)
        seen_by_bob = item_version(bob, "issue", issue)
        assert seen_by_alice == seen_by_bob is not None
        set_priority(bob, issue, "High", "bob", seen_version=seen_by_bob)
        with pytest.raises(ItemChanged, match=r"API-1 changed under you by bob"):
            set_priority(alice, issue, "Low", "alice", seen_version=seen_by_alice)
        decisions = rows(alice, "SELECT actor, outbox_id FROM decision ORDER BY id")
        assert [actor for actor, _ in decisions] == ["bob", "alice"]
        assert decisions[1][1] is None  # logged, not sent
        assert rows(alice, "SELECT priority FROM issue")[0][0] == "High"
        assert len(rows(alice, "SELECT id FROM outbox")) == 1
        detail = rows(alice, "SELECT detail FROM decision ORDER BY id DESC")[0][0]
        stale = (json.loads(detail) if isinstance(detail, str) else detail)["stale"]
        assert stale == {
            "seen_version": seen_by_alice,
            "version": stale["version"],
            "last_by": "bob",
        }
        assert stale["version"] > seen_by_alice
    finally:
        alice.close()
        bob.close()


def test_the_same_decision_twice_is_sent_once(db_url: str) -> None:
    alice, bob = Store.open(db_url), Store.open(db_url)
    try:
        seed(alice, 1)
        assert set_priority(alice, "jira:acme:1", "High", "alice")
        assert set_priority(bob, "jira:acme:1", "High", "bob") == ""
        assert len(rows(alice, "SELECT id FROM decision")) == 2
        assert len(rows(alice, "SELECT id FROM outbox")) == 1
    finally:
        alice.close()
        bob.close()


def run_members(args: list[list[str]]) -> list[dict[str, Any]]:
    """Start every member at once; their JSON results once all have finished."""
    env = os.environ | {"PYTHONPATH": str(Path(__file__).parents[2])}
    procs = [
        subprocess.Popen(
            [sys.executable, str(MEMBER), *a],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
        )
        for a in args
    ]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=900)
        assert proc.returncode == 0, err[-2000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def assert_no_write_doubled(store: Store) -> None:
    """Per issue, outbox writes in commit order never repeat the value just sent."""
    edits = rows(store, "SELECT target, payload FROM outbox ORDER BY created_at, id")
    last: dict[str, str] = {}
    for target, payload in edits:
        value = (json.loads(payload) if isinstance(payload, str) else payload)["name"]
        assert last.get(target) != value, f"{target} sent {value} twice in a row"
        last[target] = value


TEAM_WRITES = int(os.environ.get("PRODOPS_TEAM_WRITES", "150"))
"""Decisions per member process; PRODOPS_TEAM_WRITES=1000 for the long run."""


@pytest.mark.parametrize(("members", "each"), [(4, TEAM_WRITES)])
def test_concurrent_processes_lose_and_double_nothing(pg_url: str, members: int, each: int) -> None:
    store = Store.open(pg_url)
    try:
        seed(store, 200)
        actors = [f"member{n}" for n in range(members)]
        made = run_members([["decide", pg_url, a, str(each), "200"] for a in actors])
        decisions = rows(store, "SELECT actor, outbox_id FROM decision")
        assert Counter(actor for actor, _ in decisions) == {a: each for a in actors}
        queued = [edit for result in made for edit in result["outbox"]]
        outbox = [row[0] for row in rows(store, "SELECT id FROM outbox")]
        assert sorted(queued) == sorted(outbox)
        assert sorted(o for _, o in decisions if o) == sorted(outbox)
        assert_no_write_doubled(store)
        leased = run_members([["lease", pg_url, f"pusher{n}"] for n in range(3)])
        sent = [edit for result in leased for edit in result["leased"]]
        assert len(sent) == len(set(sent)) == len(outbox)
    finally:
        store.close()
