"""The seeded company generator: determinism, sizes, integrity and realistic content."""

import itertools
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from prodops_tui.models.tables import (
    Connection,
    Evidence,
    Experiment,
    Feedback,
    Issue,
    Org,
    SyncState,
    Tool,
)
from prodops_tui.services.generator import SIZES, TABLE_ORDER, Company, generate
from prodops_tui.services.generator_text import GENERIC_OPENERS, GENERIC_SUBJECTS

TODAY = date(2026, 5, 1)
NOW = datetime(2026, 5, 1, 8, 30, tzinfo=UTC)
MODELS: dict[str, Any] = {
    "connection": Connection,
    "org": Org,
    "issue": Issue,
    "feedback": Feedback,
    "evidence": Evidence,
    "experiment": Experiment,
    "tool": Tool,
    "sync_state": SyncState,
}


@pytest.fixture(scope="module")
def small() -> Company:
    return generate("small", seed=7, today=TODAY)


@pytest.fixture(scope="module")
def tables(small: Company) -> dict[str, list[dict[str, Any]]]:
    return {table: list(small.rows(table)) for table in TABLE_ORDER}


def test_same_seed_same_company_and_other_seed_differs() -> None:
    first = generate("tiny", seed=3, today=TODAY)
    again = generate("tiny", seed=3, today=TODAY)
    other = generate("tiny", seed=4, today=TODAY)
    for table in TABLE_ORDER:
        assert list(first.rows(table)) == list(again.rows(table)), table
    assert list(first.issues()) != list(other.issues())
    assert list(first.feedback()) != list(other.feedback())
    assert list(first.true_links()) == list(again.true_links())
    assert list(first.true_links()) != list(other.true_links())


def test_each_call_restarts_the_stream(small: Company) -> None:
    head = list(itertools.islice(small.feedback(), 50))
    assert list(itertools.islice(small.feedback(), 50)) == head


def test_counts_per_size(tables: dict[str, list[dict[str, Any]]], small: Company) -> None:
    issues, feedback = SIZES["small"]
    assert len(tables["issue"]) == issues == 2_000
    assert len(tables["feedback"]) == feedback == 10_000
    assert len(tables["org"]) == 200
    assert len(tables["connection"]) == 4
    assert len(tables["experiment"]) == 40
    assert len(tables["tool"]) >= 25
    assert small.counts() == {table: len(rows) for table, rows in tables.items()}
    tiny = generate("tiny", today=TODAY)
    assert tiny.counts()["issue"] == 200 and tiny.counts()["feedback"] == 1_000
    with pytest.raises(ValueError, match="unknown size"):
        generate("huge")


def test_rows_carry_exactly_the_table_columns(tables: dict[str, list[dict[str, Any]]]) -> None:
    for table, rows in tables.items():
        columns = set(MODELS[table].__table__.columns.keys()) - {"seq"}
        if table == "evidence":
            columns -= {"id"}
        assert all(set(row) == columns for row in rows), table


def test_ids_are_unique_and_shaped(tables: dict[str, list[dict[str, Any]]]) -> None:
    for table in ("org", "issue", "feedback", "experiment", "tool", "connection"):
        ids = [row["id"] for row in tables[table]]
        assert len(ids) == len(set(ids)), table
    assert {r["id"] for r in tables["connection"]} == {
        "jira:acme",
        "zendesk:acme",
        "growthbook:acme",
        "mixpanel:acme",
    }
    assert all(r["id"].startswith("jira:acme:") for r in tables["issue"])
    assert len({r["key"] for r in tables["issue"]}) == 2_000
    assert 4 <= len({r["project"] for r in tables["issue"]}) <= 6
    prefixes = Counter(r["id"].rsplit(":", 1)[0] for r in tables["feedback"])
    assert set(prefixes) == {
        "zendesk:acme:ticket",
        "zendesk:acme:csat",
        "mixpanel:acme:nps",
        "import",
    }


def test_referential_integrity(tables: dict[str, list[dict[str, Any]]], small: Company) -> None:
    orgs = {r["id"] for r in tables["org"]}
    issues = {r["id"] for r in tables["issue"]}
    feedback = {r["id"] for r in tables["feedback"]}
    connections = {r["id"] for r in tables["connection"]}
    assert all(r["org_id"] is None or r["org_id"] in orgs for r in tables["feedback"])
    assert all(r["feedback_id"] in feedback for r in tables["evidence"])
    assert all(r["issue_id"] in issues for r in tables["evidence"])
    links = list(small.true_links())
    assert all(f in feedback and i in issues for f, i in links)
    assert {(r["feedback_id"], r["issue_id"]) for r in tables["evidence"]} <= set(links)
    for table in ("issue", "feedback", "tool"):
        assert all(r["connection_id"] in connections | {None} for r in tables[table])
    assert {r["connection_id"] for r in tables["sync_state"]} == connections


def test_feedback_mix_and_scores(tables: dict[str, list[dict[str, Any]]]) -> None:
    rows = tables["feedback"]
    kinds = Counter(r["kind"] for r in rows)
    assert 0.55 < kinds["ticket"] / len(rows) < 0.65
    assert 0.17 < kinds["csat"] / len(rows) < 0.23
    assert 0.12 < kinds["nps"] / len(rows) < 0.18
    assert 0.03 < kinds["import"] / len(rows) < 0.07
    csat = [r["score"] for r in rows if r["kind"] == "csat"]
    nps = [r["score"] for r in rows if r["kind"] == "nps"]
    assert set(csat) == {1, 2, 3, 4, 5}
    assert set(nps) == set(range(11))
    promoters = sum(s >= 9 for s in nps) / len(nps)
    detractors = sum(s <= 6 for s in nps) / len(nps)
    assert 0.35 < promoters < 0.55 and 0.15 < detractors < 0.35
    assert all(r["score"] is None for r in rows if r["kind"] in ("ticket", "import"))
    states = Counter(r["state"] for r in rows)
    assert states.most_common(1)[0][0] == "new" and states["processed"] and states["archived"]
    assert all(r["requester"] and "@" in r["requester_email"] for r in rows)
    assert all(r["subject"] and r["body"] for r in rows)


def test_a_third_of_tickets_are_about_an_issue(
    tables: dict[str, list[dict[str, Any]]], small: Company
) -> None:
    tickets = {r["id"]: r for r in tables["feedback"] if r["kind"] == "ticket"}
    links = dict(small.true_links())
    assert set(links) <= set(tickets)
    assert 0.25 < len(links) / len(tickets) < 0.35
    evidence = tables["evidence"]
    assert 0.4 < len(evidence) / len(links) < 0.6
    issues = {r["id"]: r for r in tables["issue"]}
    for row in evidence:
        ticket = tickets[row["feedback_id"]]
        assert row["quote"] in ticket["body"]
        assert 1 <= row["importance"] <= 3
        assert row["created_at"] >= ticket["created"]
    for feedback_id, issue_id in itertools.islice(links.items(), 300):
        summary = issues[issue_id]["summary"].lower()
        words = set(tickets[feedback_id]["body"].lower().split())
        assert len(set(summary.split()) & words) >= 3, (summary, tickets[feedback_id]["body"])
        assert tickets[feedback_id]["created"] >= issues[issue_id]["created"]


def _walk_adf(node: dict[str, Any]) -> list[dict[str, Any]]:
    found = [node]
    for child in node.get("content", []):
        found.extend(_walk_adf(child))
    return found


def test_issue_descriptions_are_adf_and_markdown(tables: dict[str, list[dict[str, Any]]]) -> None:
    node_types: Counter[str] = Counter()
    marks: Counter[str] = Counter()
    for row in tables["issue"]:
        doc = row["description_adf"]
        assert doc["type"] == "doc" and doc["version"] == 1 and doc["content"]
        for node in _walk_adf(doc):
            assert isinstance(node.get("type"), str)
            node_types[node["type"]] += 1
            if node["type"] == "text":
                assert isinstance(node["text"], str) and node["text"]
                assert "content" not in node
                for mark in node.get("marks", []):
                    marks[mark["type"]] += 1
                    assert mark["type"] != "link" or mark["attrs"]["href"].startswith("https://")
            elif node["type"] != "doc":
                assert "text" not in node
        md = row["description_md"]
        assert md.strip()
        assert all(n["text"] in md for n in _walk_adf(doc) if n["type"] == "text")
    for kind in ("paragraph", "bulletList", "listItem", "codeBlock", "text"):
        assert node_types[kind], kind
    assert set(marks) == {"strong", "em", "code", "link"}


def test_issue_fields_are_realistic(tables: dict[str, list[dict[str, Any]]]) -> None:
    rows = tables["issue"]
    assert {r["type"] for r in rows} == {"Bug", "Story", "Task", "Epic"}
    categories = {
        "To Do": "new",
        "In Progress": "indeterminate",
        "In Review": "indeterminate",
        "Done": "done",
    }
    assert all(categories[r["status"]] == r["status_category"] for r in rows)
    assert {r["priority"] for r in rows} == {"Highest", "High", "Medium", "Low", "Lowest"}
    assert {r["estimate"] for r in rows} == {None, 1.0, 2.0, 3.0, 5.0, 8.0, 13.0}
    assert 0.2 < sum(bool(r["usage_event"]) for r in rows) / len(rows) < 0.5
    assert len({r["summary"] for r in rows}) > 0.7 * len(rows)
    oldest = NOW - timedelta(days=550)
    for r in rows:
        assert r["created"].tzinfo is not None and oldest <= r["created"] <= r["updated"] <= NOW
    fresh_todo = [r for r in rows if r["status"] == "To Do" and NOW - r["created"] < timedelta(30)]
    untriaged = sum(r["triage_state"] == "untriaged" for r in fresh_todo)
    assert fresh_todo and untriaged / len(fresh_todo) > 0.8
    assert all(r["snoozed_until"] > NOW for r in rows if r["triage_state"] == "snoozed")


def test_orgs_have_skewed_tiers_and_consistent_arr(
    tables: dict[str, list[dict[str, Any]]],
) -> None:
    tiers = Counter(r["tier"] for r in tables["org"])
    assert tiers["free"] > tiers["starter"] > tiers["growth"] > tiers["enterprise"] > 0
    ceilings = {
        "free": (0, 0),
        "starter": (1_000, 12_000),
        "growth": (15_000, 120_000),
        "enterprise": (150_000, 2_000_000),
    }
    for row in tables["org"]:
        low, high = ceilings[row["tier"]]
        assert low <= row["arr"] <= high
    assert len({r["name"] for r in tables["org"]}) == len(tables["org"])


def test_generic_tickets_open_on_their_subject(tables: dict[str, list[dict[str, Any]]]) -> None:
    assert len(GENERIC_OPENERS) == len(GENERIC_SUBJECTS)
    openers = dict(zip(GENERIC_SUBJECTS, GENERIC_OPENERS, strict=True))
    generic = [r for r in tables["feedback"] if r["subject"] in openers]
    assert generic and all(openers[r["subject"]] in r["body"] for r in generic)
