"""The DB-API read path (store.reads) on real SQLite files and real PostgreSQL databases."""

from datetime import date, timedelta
from typing import Any

import pytest
from read_rows import ISSUES, TODAY, _experiment, _keys, _tool

from prodops_tui.store import read_sql
from prodops_tui.store.reads import ListQuery, Reader
from prodops_tui.store.store import Store


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
