"""The DB-API read path (store.reads) on real SQLite files and real PostgreSQL databases."""

import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from prodops_tui.store import read_sql
from prodops_tui.store.errors import StoreError
from prodops_tui.store.reads import SUMMARY_STEPS, ListQuery, ReadCancelled, Reader
from prodops_tui.store.store import Store

TODAY = date.today()


def _at(day: int, hour: int = 10, micro: int = 0) -> datetime:
    return datetime(2024, 5, day, hour, 0, 0, micro, tzinfo=UTC)


def _issue(n: int, summary: str, updated: datetime, **extra: Any) -> dict[str, Any]:
    row = {"id": f"jira:acme:{n}", "connection_id": "c-jira", "key": f"PROD-{n}"}
    row.update(summary=summary, updated=updated, labels=[], triage_state="untriaged")
    return row | extra


def _feedback(n: int, subject: str, updated: datetime, **extra: Any) -> dict[str, Any]:
    row = {"id": f"zd:{n}", "connection_id": "c-zd", "subject": subject, "updated": updated}
    return row | {"tags": [], "state": "new"} | extra


def _experiment(n: int, status: str, start: date | None) -> dict[str, Any]:
    lists = {"variations": [], "regions": ["EU", "US"], "treated_geos": [], "donor_geos": []}
    return {"id": f"exp:{n}", "name": f"Experiment {n}", "status": status, "start": start} | {
        "results": {"lift": 0.1 * n},
        **lists,
    }


def _tool(n: int, name: str, renewal: date | None, status: str = "active") -> dict[str, Any]:
    return {"id": f"tool:{n}", "name": name, "renewal_date": renewal, "status": status}


def _outbox(n: int, state: str) -> dict[str, Any]:
    return {"id": f"00000000-0000-0000-0000-00000000000{n}", "target": "jira:acme:1"} | {
        "op": "comment",
        "payload": {"body": "hi"},
        "state": state,
    }


def fill(store: Store) -> None:
    """A small hand-made workspace whose every count is known."""
    store.upsert(
        "connection",
        [
            {"id": c, "kind": kind, "name": kind, "base_url": f"https://{kind}.test", "options": {}}
            for c, kind in (("c-jira", "jira"), ("c-zd", "zendesk"), ("c-gb", "growthbook"))
        ],
    )
    store.upsert(
        "org",
        [
            {"id": "o1", "name": "Acme", "tier": "enterprise", "arr": 120000.0},
            {"id": "o2", "name": "Beta", "tier": "starter", "arr": 5000.0},
        ],
    )
    store.upsert(
        "issue",
        [
            _issue(1, "Export dashboards to PDF", _at(1, micro=123456), labels=["export", "pdf"]),
            _issue(2, "Dashboard loads slowly", _at(3), status_category="done"),
            _issue(3, "Exporting CSV fails with unicode", _at(2), triage_state="accepted"),
            _issue(4, "SSO login loop", _at(3), deleted=True),
            _issue(5, "Resume upload broken", _at(1, hour=9), description_md="export later"),
        ],
    )
    store.upsert(
        "feedback",
        [
            _feedback(1, "Cannot export dashboard", _at(5), org_id="o1", tags=["export", "bug"]),
            _feedback(2, "Love the new charts", _at(4), org_id="o2", state="processed"),
            _feedback(3, "Export to CSV please", _at(6), body="CSV export for finance"),
            _feedback(4, "Login issue", _at(3), org_id="o1", state="archived"),
        ],
    )
    store.upsert(
        "evidence",
        [
            {"feedback_id": "zd:1", "issue_id": "jira:acme:1", "importance": 3},
            {"feedback_id": "zd:3", "issue_id": "jira:acme:1"},
            {"feedback_id": "zd:3", "issue_id": "jira:acme:3"},
        ],
    )
    store.upsert(
        "experiment",
        [
            _experiment(1, "running", date(2024, 4, 1)),
            _experiment(2, "draft", None),
            _experiment(3, "stopped", date(2024, 3, 1)),
        ],
    )
    store.upsert(
        "tool",
        [
            _tool(1, "Amplitude", TODAY + timedelta(days=10)),
            _tool(2, "Figma", TODAY + timedelta(days=60)),
            _tool(3, "Asana", TODAY + timedelta(days=5), status="retired"),
            _tool(4, "Notion", None),
        ],
    )
    store.upsert(
        "sync_state",
        [
            {"connection_id": "c-jira", "stream": "issues", "last_success_at": _at(6, hour=8)},
            {"connection_id": "c-jira", "stream": "fields", "last_success_at": _at(6, hour=9)},
            {"connection_id": "c-zd", "stream": "tickets", "last_success_at": _at(5, hour=12)},
        ],
    )
    store.upsert(
        "outbox",
        [_outbox(1, "pending"), _outbox(2, "inflight"), _outbox(3, "conflict"), _outbox(4, "done")],
    )


@pytest.fixture
def reader(db_url: str) -> Iterator[Reader]:
    store = Store.open(db_url)
    try:
        fill(store)
    finally:
        store.close()
    opened = Reader(db_url)
    yield opened
    opened.close()


def _keys(rows: list[tuple[Any, ...]], index: int = 1) -> list[Any]:
    return [row[index] for row in rows]


ISSUES = ListQuery("issue", ("key", "summary", "updated"))


def test_first_page_orders_by_updated_then_seq_descending(reader: Reader) -> None:
    rows = reader.first_page(ISSUES)
    assert _keys(rows) == ["PROD-4", "PROD-2", "PROD-3", "PROD-1", "PROD-5"]
    assert rows[0][1:] == ("PROD-4", "SSO login loop", "2024-05-03 10:00:00")
    assert rows[0][0] > rows[1][0]
    assert _keys(reader.first_page(ISSUES, limit=2)) == ["PROD-4", "PROD-2"]


def test_explicit_order_ascending(reader: Reader) -> None:
    q = ListQuery("issue", ("key",), order=(("key", False),))
    assert _keys(reader.first_page(q)) == ["PROD-1", "PROD-2", "PROD-3", "PROD-4", "PROD-5"]


def test_count_with_and_without_search_and_filters(reader: Reader) -> None:
    assert reader.count(ISSUES) == 5
    assert reader.count(ListQuery("issue", (), filters=(("triage_state", "untriaged"),))) == 4
    assert reader.count(ListQuery("issue", (), filters=(("deleted", "true"),))) == 1
    assert reader.count(ListQuery("issue", (), search="expo")) == 3
    feedback = ListQuery("feedback", (), search="export", filters=(("state", "new"),))
    assert reader.count(feedback) == 2
    assert reader.count(ListQuery("feedback", (), search="export")) == 2
    assert reader.count(ListQuery("feedback", (), filters=(("org_tier", "enterprise"),))) == 2


def test_snapshot_matches_first_page_and_rows_keeps_order(reader: Reader) -> None:
    for q in (ISSUES, ListQuery("issue", ("key",), search="export")):
        snapshot = reader.snapshot(q)
        assert snapshot.typecode == "q"
        assert list(snapshot) == [row[0] for row in reader.first_page(q)]
        backwards = list(reversed(snapshot))
        assert [row[0] for row in reader.rows(q, backwards)] == backwards
    assert len(reader.snapshot(ISSUES, cap=2)) == 2
    seqs = list(reader.snapshot(ISSUES))
    assert [row[0] for row in reader.rows(ISSUES, [seqs[2], 999_999, seqs[0]])] == [
        seqs[2],
        seqs[0],
    ]
    assert reader.rows(ISSUES, []) == []


def test_search_prefix_and_all_words(reader: Reader) -> None:
    q = ListQuery("issue", ("key",), search="expo")
    assert _keys(reader.first_page(q)) == ["PROD-3", "PROD-1", "PROD-5"]
    both = ListQuery("issue", ("key",), search="  Export, DASH ")
    assert _keys(reader.first_page(both)) == ["PROD-1"]
    assert reader.first_page(ListQuery("issue", ("key",), search="export nothinglikethis")) == []
    by_key = ListQuery("issue", ("key",), search="prod 4")
    assert _keys(reader.first_page(by_key)) == ["PROD-4"]


def test_one_character_search_is_ignored(reader: Reader) -> None:
    q = ListQuery("issue", ("key",), search=" e ")
    assert reader.count(q) == 5
    assert len(reader.first_page(q)) == 5


def test_search_with_filters_and_cap(reader: Reader, monkeypatch: pytest.MonkeyPatch) -> None:
    q = ListQuery("feedback", ("id",), search="export", filters=(("state", "new"),))
    assert _keys(reader.first_page(q)) == ["zd:3", "zd:1"]
    monkeypatch.setattr(read_sql, "SEARCH_CAP", 2)
    capped = ListQuery("issue", ("key",), search="export")
    assert _keys(reader.first_page(capped)) == ["PROD-3", "PROD-5"]
    assert list(reader.snapshot(capped)) == [row[0] for row in reader.first_page(capped)]
    assert reader.count(capped) == 3


def _add_searchable_rows(url: str) -> None:
    store = Store.open(url)
    try:
        store.upsert(
            "experiment",
            [
                _experiment(10, "running", date(2024, 5, 1))
                | {"name": "Checkout Button Color", "surface": "checkout", "owner": "Ana"}
                | {"flag_key": "checkout_btn", "primary_metric": "Conversion"}
                | {"hypothesis": "Green converts 5% better"},
                _experiment(11, "draft", date(2024, 5, 2))
                | {"name": "Search ranking", "surface": "search", "owner": "Bob"}
                | {"flag_key": "search-rank", "primary_metric": "ctr"}
                | {"hypothesis": "5 more clicks per visit"},
            ],
        )
        store.upsert(
            "tool",
            [
                _tool(10, "Mixpanel", None) | {"category": "Analytics", "notes": "100% of seats"},
                _tool(11, "LaunchDarkly", None)
                | {"category": "Flags", "notes": "renews_q3 1 seat"},
            ],
        )
    finally:
        store.close()


def test_substring_search_on_experiments_and_tools(reader: Reader, db_url: str) -> None:
    _add_searchable_rows(db_url)

    def ids(table: str, text: str, *filters: tuple[str, str]) -> list[Any]:
        q = ListQuery(table, ("id",), search=text, filters=filters)
        found = _keys(reader.first_page(q))
        assert reader.count(q) == len(found)
        assert list(reader.snapshot(q)) == [row[0] for row in reader.first_page(q)]
        return found

    assert ids("experiment", "CHECKOUT") == ["exp:10"]
    assert ids("experiment", "  ana   conversion ") == ["exp:10"]
    assert ids("experiment", "ana ctr") == []
    assert ids("experiment", "green") == ["exp:10"]
    assert ids("experiment", "EXPERIMENT") == ["exp:1", "exp:3", "exp:2"]
    assert ids("experiment", "5%") == ["exp:10"]
    assert ids("experiment", "t_b") == ["exp:10"]
    assert ids("experiment", "h_r") == []
    assert ids("experiment", "a\\b") == []
    assert ids("experiment", "clicks", ("status", "draft")) == ["exp:11"]
    assert ids("experiment", "clicks", ("status", "running")) == []
    assert len(ids("experiment", " e ")) == 5
    assert ids("tool", "analytics") == ["tool:10"]
    assert ids("tool", "100%") == ["tool:10"]
    assert ids("tool", "s_q") == ["tool:11"]
    assert ids("tool", "1%") == []
    assert ids("tool", "darkly seat") == ["tool:11"]


def test_computed_columns(reader: Reader) -> None:
    issues = reader.first_page(ListQuery("issue", ("key", "evidence_count")))
    assert {key: n for _, key, n in issues} == {
        "PROD-1": 2,
        "PROD-2": 0,
        "PROD-3": 1,
        "PROD-4": 0,
        "PROD-5": 0,
    }
    columns = ("id", "org_name", "org_tier", "org_arr", "linked_issues")
    rows = reader.first_page(ListQuery("feedback", columns))
    assert [row[1:] for row in rows] == [
        ("zd:3", None, None, None, 2),
        ("zd:1", "Acme", "enterprise", 120000.0, 1),
        ("zd:2", "Beta", "starter", 5000.0, 0),
        ("zd:4", "Acme", "enterprise", 120000.0, 0),
    ]
    by_links = ListQuery("feedback", ("id",), order=(("linked_issues", True),))
    assert _keys(reader.first_page(by_links))[:2] == ["zd:3", "zd:1"]


def test_dates_lists_json_and_bools_are_normalised(reader: Reader) -> None:
    q = ListQuery(
        "issue", ("labels", "updated", "created", "deleted"), filters=(("key", "PROD-1"),)
    )
    assert reader.first_page(q)[0][1:] == ("export, pdf", "2024-05-01 10:00:00", None, False)
    q = ListQuery("experiment", ("id", "start", "regions", "results", "end"))
    rows = reader.first_page(q)
    assert [row[1:3] for row in rows] == [
        ("exp:1", "2024-04-01"),
        ("exp:3", "2024-03-01"),
        ("exp:2", None),
    ]
    assert rows[0][3:] == ("EU, US", {"lift": 0.1}, None)
    tools = reader.first_page(ListQuery("tool", ("name", "renewal_date")))
    assert _keys(tools) == ["Amplitude", "Asana", "Figma", "Notion"]
    assert tools[0][2] == (TODAY + timedelta(days=10)).isoformat()


@pytest.mark.parametrize(
    "q",
    [
        ListQuery("issue", ("summary; DROP TABLE issue",)),
        ListQuery("issue", ("key",), order=(("nope", True),)),
        ListQuery("issue", ("key",), filters=(("password", "x"),)),
        ListQuery("issue", ("key",), filters=(("labels", "x"),)),
        ListQuery("outbox", ("id",)),
        ListQuery("feedback", ("evidence_count",)),
    ],
)
def test_bad_table_or_column_raises_value_error(reader: Reader, q: ListQuery) -> None:
    with pytest.raises(ValueError):
        reader.first_page(q)
    with pytest.raises(ValueError):
        reader.count(q)


def test_summary_counts(reader: Reader) -> None:
    assert reader.summary() == {
        "issues": 4,
        "issues_untriaged": 2,
        "feedback": 4,
        "feedback_new": 2,
        "experiments_running": 1,
        "experiments": 3,
        "tools": 4,
        "renewals_30": 1,
        "renewals_90": 2,
        "outbox_pending": 2,
        "outbox_conflict": 1,
    }
    later = reader.summary(today=TODAY + timedelta(days=11))
    assert (later["renewals_30"], later["renewals_90"]) == (0, 1)


def test_freshness_per_connection(reader: Reader) -> None:
    assert reader.freshness() == [
        ("growthbook", None),
        ("jira", "2024-05-06 09:00:00"),
        ("zendesk", "2024-05-05 12:00:00"),
    ]


def test_threads_read_concurrently_and_reuse_connections(reader: Reader) -> None:
    results: list[list[Any]] = []
    barrier = threading.Barrier(4)

    def read() -> None:
        barrier.wait()
        results.append(_keys(reader.first_page(ISSUES)))

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [_keys(reader.first_page(ISSUES))] * 4
    opened = len(reader._open)
    assert 1 <= opened <= 4
    for _ in range(10):
        reader.first_page(ISSUES)
    assert len(reader._open) == opened  # one-after-another reads reuse idle connections
    reader.close()
    assert reader._open == []
    assert reader.count(ISSUES) == 5


def test_summary_of_some_keys_and_steps_cover_all(reader: Reader) -> None:
    everything = reader.summary()
    assert reader.summary(keys=("feedback", "issues")) == {"feedback": 4, "issues": 4}
    merged: dict[str, int] = {}
    for step in SUMMARY_STEPS:
        merged.update(reader.summary(keys=step))
    assert merged == everything
    with pytest.raises(ValueError):
        reader.summary(keys=("issues; DROP TABLE issue",))


def test_cancelled_read_stops_with_read_cancelled(reader: Reader) -> None:
    # A recursive CTE long enough to reach the progress handler several times.
    q = ListQuery("issue", ("key",), search="export")
    assert reader.count(q, cancelled=lambda: False) == reader.count(q)
    with pytest.raises(ReadCancelled):
        reader._fetch(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000000)"
            " SELECT count(*) FROM n",
            [],
            cancelled=lambda: True,
        )
    assert reader.count(q) == reader.count(q, cancelled=lambda: False)  # connection still usable


def test_sqlite_reader_cannot_write(sqlite_url: str) -> None:
    Store.open(sqlite_url).close()
    reader = Reader(sqlite_url)
    with pytest.raises(StoreError, match="readonly|read-only|query_only"):
        reader._fetch("DELETE FROM issue", [])
    reader.close()


def test_missing_workspace_and_bad_urls_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="not found"):
        Reader(f"sqlite:///{tmp_path / 'absent.db'}").count(ISSUES)
    assert not (tmp_path / "absent.db").exists()
    with pytest.raises(StoreError):
        Reader("mysql://u:p@h/db")
    down = Reader("postgresql://u:s3cret@127.0.0.1:1/db")
    with pytest.raises(StoreError) as caught:
        down.count(ISSUES)
    assert "s3cret" not in str(caught.value)
    assert "\n" not in str(caught.value)


def test_import_and_first_page_skip_heavy_modules(sqlite_url: str) -> None:
    Store.open(sqlite_url).close()
    script = (
        "import sys\n"
        "from prodops_tui.store.reads import ListQuery, Reader\n"
        f"Reader({sqlite_url!r}).first_page(ListQuery('issue', ('key', 'updated')))\n"
        "heavy = ('sqlalchemy', 'sqlmodel', 'pydantic', 'httpx', 'textual', 'psycopg')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
