"""The digest on SQLite and PostgreSQL: figures against direct queries, Markdown and HTML
structure, hostile remote text made inert, charts present, a quiet period said plainly."""

import re
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select
from sqlmodel import SQLModel
from stats_rows import HOSTILE, NOW, at, fill_stats

from prodops_tui.services.digest import Digest, gather, parse_since, result_line
from prodops_tui.services.digest_render import render
from prodops_tui.services.sources import sources
from prodops_tui.store.reads import Reader
from prodops_tui.store.store import Store

RESULTS = {"lift": 0.0681, "ci_low": 0.0533, "ci_high": 0.0829, "p_value": 0.0962, "users": 250000}


def _extra(store: Store) -> None:
    """Experiments around the period, a tool renewing soon and two recorded tool edits."""
    store.upsert(
        "experiment",
        [
            {"id": "exp:1", "name": HOSTILE, "status": "running", "start": date(2026, 11, 20)},
            {"id": "exp:2", "name": "Old test", "status": "stopped", "start": date(2026, 10, 1)}
            | {"end": date(2026, 11, 25), "results": RESULTS},
            {"id": "exp:3", "name": "Long ago", "status": "stopped", "start": date(2026, 1, 1)}
            | {"end": date(2026, 2, 1)},
        ],
    )
    store.upsert(
        "tool",
        [
            {"id": "tool:a", "name": "Amplitude", "renewal_date": date(2026, 12, 10)}
            | {"monthly_cost": 900.0, "owner": "Ana"}
        ],
    )
    decision = SQLModel.metadata.tables["decision"]
    edits = [
        ("tool.edit", {"from": {"monthly_cost": 100.0}, "to": {"monthly_cost": 150.0}}),
        ("tool.edit", {"from": {"owner": "A"}, "to": {"owner": "B"}}),
    ]
    with store.write() as conn:
        conn.execute(
            decision.insert(),
            [
                {"actor": "ana", "target": "tool:a", "action": action, "detail": detail}
                | {"created_at": at(11, 25), "reason": ""}
                for action, detail in edits
            ],
        )


@pytest.fixture
def digest(db_url: str) -> Iterator[tuple[Digest, Store]]:
    store = Store.open(db_url)
    reader = Reader(db_url)
    try:
        fill_stats(store)
        _extra(store)
        yield gather(reader, now=NOW, since="14d", workspace="Acme <ops>"), store
    finally:
        reader.close()
        store.close()


def _count(store: Store, table: str, *conditions: object) -> int:
    t = SQLModel.metadata.tables[table]
    with store.read() as conn:
        return int(conn.execute(select(func.count()).select_from(t).where(*conditions)).scalar())


def test_figures_match_direct_queries(digest: tuple[Digest, Store]) -> None:
    d, store = digest
    start, end = d.period
    decision = SQLModel.metadata.tables["decision"]
    issue = SQLModel.metadata.tables["issue"]
    in_period = (decision.c.created_at >= start, decision.c.created_at < end)
    assert d.throughput["decisions"] == _count(store, "decision", *in_period) == 3
    assert d.throughput["issues_done"] == 1  # PROD-2, done on 11-20
    assert d.throughput["feedback"] == 2  # zd:3 and zd:7
    untriaged = (
        issue.c.triage_state == "untriaged",
        ~issue.c.deleted,
        issue.c.status_category != "done",
    )
    assert d.throughput["untriaged"] == _count(store, "issue", *untriaged) == 1
    assert d.decisions_by_action == {"tool.edit": 2, "accept": 1}
    [request] = d.requests
    assert (request.issue.key, request.issue.evidence, request.issue.orgs) == ("PROD-1", 1, 1)
    assert request.issue.arr == 500.0 and request.actions == ["accept by ana"]
    assert (d.nps.now, d.nps.before, d.nps.change, d.nps.count) == (100.0, 0.0, 100.0, 1)
    assert (d.csat.now, d.csat.before) == (None, 50.0)
    assert [a.key for a in d.adoption] == ["PROD-2"]
    assert [e.name for e in d.started] == [HOSTILE] and [e.name for e in d.finished] == ["Old test"]
    assert d.finished[0].result == "lift +6.8% [+5.3%, +8.3%], p=0.096, 250,000 users"
    assert [(c.name, c.cost_before, c.cost_after) for c in d.tool_changes] == [
        ("Amplitude", 100.0, 150.0)
    ]
    assert [(r.name, r.days_left) for r in d.renewals] == [("Amplitude", 13)]
    assert {(s.id, s.state, s.error) for s in d.sources} == {
        ("c-jira", "stale", ""),  # synced 3 h ago, the default interval is 15 min
        ("c-zd", "failing", "HTTP 500"),
    }
    assert not d.quiet


def test_markdown_reads_as_plain_text_and_escapes_remote_text(
    digest: tuple[Digest, Store],
) -> None:
    text = render(digest[0], "md")
    headings = re.findall(r"^## (.+)$", text, flags=re.M)
    assert headings == [
        "Triage and throughput",
        "Top customer requests",
        "Sentiment and usage",
        "Adoption of what shipped",
        "Experiments",
        "Tools: renewals and cost",
        "Connector health",
    ]
    assert text.startswith("# Product-ops digest: Acme \\<ops\\>\n")
    assert "\\[b\\]Bold\\[/b\\] \\<script\\>alert(1)\\</script\\>" in text
    assert "\x1b" not in text and "\x07" not in text and "<script>" not in text
    assert "NPS: +100 (was +0, +100), 1 response." in text
    assert "- Amplitude renews 2026-12-10 (in 13 days): 900/month, owner Ana" in text
    assert "Amplitude (tool.edit): 100 to 150 per month" in text
    assert "zendesk zd: failing" in text and "error: HTTP 500" in text
    assert "\n\n\n" not in text


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.open_svg = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.open_svg += tag == "svg"

    def handle_endtag(self, tag: str) -> None:
        self.open_svg -= tag == "svg"


def test_html_is_one_self_contained_page_with_inline_charts(
    digest: tuple[Digest, Store],
) -> None:
    page = render(digest[0], "html")
    parser = _Tags()
    parser.feed(page)
    assert parser.tags.count("svg") >= 3 and parser.open_svg == 0
    assert {"script", "link", "img", "iframe"}.isdisjoint(parser.tags)
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>" not in page
    assert "\x1b" not in page and "\x07" not in page
    assert "<title>Product-ops digest: Acme &lt;ops&gt;</title>" in page
    assert 'aria-label="NPS per week"' in page and 'aria-label="Feedback per theme"' in page


def test_a_quiet_period_says_so(digest: tuple[Digest, Store], db_url: str) -> None:
    reader = Reader(db_url)
    try:
        quiet = gather(reader, now=at(1, 10), since="7d", workspace="w")
    finally:
        reader.close()
    assert quiet.quiet
    text = render(quiet, "md")
    assert "Nothing moved in this period" in text
    assert "No feedback was linked to an issue in this period." in text
    assert "Nothing moved in this period" in render(quiet, "html")


def test_since_takes_hours_days_and_weeks() -> None:
    assert parse_since("48h").total_seconds() == 48 * 3600
    assert parse_since(" 2w ").days == 14
    for bad in ("7", "0d", "7y", "-1d", ""):
        with pytest.raises(ValueError, match="use a number and a unit"):
            parse_since(bad)


def test_result_line_reads_the_results_the_tools_report() -> None:
    assert result_line({}) == ""
    assert result_line('{"lift": -0.01, "chance_to_win": 0.42}') == "lift -1.0%, chance to win 42%"


def test_a_source_is_stale_past_its_sync_interval(store: Store, db_url: str) -> None:
    """Home's and the digest's rule is the Tools screen's (services/staleness.py): the
    connection's own interval, else the app's, else 15 min; a stream never synced is stale."""
    fill_stats(store)
    reader = Reader(db_url)

    def states(app_minutes: float = 0.0) -> dict[str, str]:
        return {s.id: s.state for s in sources(reader, NOW, app_minutes)}

    try:
        assert states() == {"c-jira": "stale", "c-zd": "failing"}  # Jira synced 3 h ago
        assert states(240.0)["c-jira"] == "ok"  # the app syncs every 4 h
        jira = {"id": "c-jira", "kind": "jira", "name": "jira", "base_url": "https://j.test"}
        store.upsert("connection", [jira | {"options": {"sync_minutes": 60}}])
        assert states(240.0)["c-jira"] == "stale"  # its own hourly interval wins
        store.upsert("connection", [jira | {"options": {"sync_minutes": 600}}])
        assert states()["c-jira"] == "ok"
        store.upsert("sync_state", [{"connection_id": "c-jira", "stream": "fields"}])
        assert states()["c-jira"] == "stale"  # a stream that never synced
    finally:
        reader.close()
