"""Query bar conditions on the read path: real rows on SQLite and PostgreSQL, pages, counts,
snapshots and full-text search together."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from read_rows import _at, fill
from sqlalchemy import update
from sqlmodel import SQLModel

from prodops_tui.services.query import parse
from prodops_tui.store.query_ast import Compare
from prodops_tui.store.read_sql import page_sql, seqs_sql
from prodops_tui.store.reads import ListQuery, Reader
from prodops_tui.store.store import Store

NOW = datetime(2024, 5, 6, tzinfo=UTC)


_CHANGES = {
    "issue": {
        "jira:acme:1": {"status": "In Progress", "priority": "High", "assignee": "Ana Lima"}
        | {"score": 42.5, "project": "PROD", "type": "Story"},
        "jira:acme:2": {"status": "Done", "priority": "Highest", "score": 10.0, "type": "Bug"},
        "jira:acme:3": {"status": "To Do", "priority": "Low", "labels": ["Export"], "type": "Bug"}
        | {"snoozed_until": NOW + timedelta(days=3), "created": _at(1)},
        "jira:acme:5": {"status": "To Do", "priority": "Medium", "assignee": "Bo 100% Chen"},
    },
    "feedback": {"zd:2": {"state": "new"}},
}


@pytest.fixture
def reader(db_url: str) -> Iterator[Reader]:
    """The shared read-path rows, with statuses, priorities, people, scores and a snooze."""
    store = Store.open(db_url)
    try:
        fill(store)
        with store.write() as conn:
            for name, rows in _CHANGES.items():
                table = SQLModel.metadata.tables[name]
                for row_id, values in rows.items():
                    conn.execute(update(table).where(table.c.id == row_id).values(**values))
    finally:
        store.close()
    opened = Reader(db_url)
    yield opened
    opened.close()


def _list(text: str, table: str = "issue", search: str = "") -> ListQuery:
    parsed = parse(text, table, NOW)
    column = "key" if table == "issue" else "id"
    order = parsed.order or ((column, False),)
    return ListQuery(table, (column,), order, search, where=parsed.where)


def _found(reader: Reader, text: str, table: str = "issue", search: str = "") -> list[str]:
    """The matching rows' keys in display order, checked against the count and the snapshot."""
    query = _list(text, table, search)
    rows = reader.first_page(query)
    sorted_page = reader._fetch(*page_sql(query, reader.dialect, 256, scan=True))
    assert [tuple(row) for row in sorted_page] == rows  # the page a slow index walk falls back to
    assert reader.count(query) == len(rows)
    assert list(reader.snapshot(query)) == [row[0] for row in rows]
    return [row[1] for row in rows]


ISSUE_CASES = [
    ("status:todo", []),
    ('status:"to do"', ["PROD-3", "PROD-5"]),
    ("status:in*", ["PROD-1"]),
    ("priority:high", ["PROD-1"]),
    ("priority:high OR priority:highest", ["PROD-1", "PROD-2"]),
    ("label:export", ["PROD-1", "PROD-3"]),
    ("label:pd*", ["PROD-1"]),
    ("-label:export", ["PROD-2", "PROD-4", "PROD-5"]),
    ('assignee:"ana lima"', ["PROD-1"]),
    ('assignee:"bo 100% chen"', ["PROD-5"]),
    ('assignee:"bo 1_0% chen"', []),
    ('assignee:""', ["PROD-2", "PROD-3", "PROD-4"]),
    ("score>10", ["PROD-1"]),
    ("score>=10", ["PROD-1", "PROD-2"]),
    ("NOT score>10", ["PROD-2", "PROD-3", "PROD-4", "PROD-5"]),
    ("evidence>=1", ["PROD-1", "PROD-3"]),
    ("evidence:2", ["PROD-1"]),
    ("has:evidence", ["PROD-1", "PROD-3"]),
    ("-has:evidence type:bug", ["PROD-2"]),
    ("triage:accepted", ["PROD-3"]),
    ("is:snoozed", ["PROD-3"]),
    ("updated<3d", ["PROD-2", "PROD-4"]),
    ("updated>4d", ["PROD-1", "PROD-5"]),
    ("updated:2024-05-01", ["PROD-1", "PROD-5"]),
    ("updated>=2024-05-02 updated<=2024-05-02", ["PROD-3"]),
    ("created<2024-05-02", ["PROD-3"]),
    ("export", ["PROD-1", "PROD-3", "PROD-5"]),
    ("export -pdf", ["PROD-3", "PROD-5"]),
    ("(export OR sso) priority:low", ["PROD-3"]),
    ("key:prod-4 OR (project:prod type:story)", ["PROD-1", "PROD-4"]),
]
"""(query, matching issue keys): one workspace per dialect serves every case."""


def test_issue_queries(reader: Reader) -> None:
    found = {text: _found(reader, text) for text, _ in ISSUE_CASES}
    assert found == dict(ISSUE_CASES)


def test_sort_clause_orders_and_pages(reader: Reader) -> None:
    assert _found(reader, "status:*do* sort:-updated") == ["PROD-2", "PROD-3", "PROD-5"]
    assert _found(reader, "-key:prod-4 sort:priority") == ["PROD-2", "PROD-1", "PROD-5", "PROD-3"]
    assert _found(reader, "sort:-score,key")[:2] == ["PROD-1", "PROD-2"]


def test_query_with_the_full_text_filter(reader: Reader) -> None:
    """The `/` search and the query bar narrow the same list together."""
    assert _found(reader, "label:export", search="csv") == ["PROD-3"]
    assert _found(reader, "-has:evidence", search="export") == ["PROD-5"]


FEEDBACK_CASES = [
    ("kind:ticket state:new", ["zd:1", "zd:2", "zd:3"]),
    ("org:acme", ["zd:1", "zd:4"]),
    ("tier:starter OR tier:enterprise", ["zd:1", "zd:2", "zd:4"]),
    ("arr>=100k", ["zd:1", "zd:4"]),
    ("-arr>=100k", ["zd:2", "zd:3"]),
    ("tag:bug", ["zd:1"]),
    ("has:issue", ["zd:1", "zd:3"]),
    ("export -has:issue", []),
    ("csv", ["zd:3"]),
    ("updated<2d", ["zd:1", "zd:2", "zd:3"]),
]


def test_feedback_queries(reader: Reader) -> None:
    found = {text: _found(reader, text, table="feedback") for text, _ in FEEDBACK_CASES}
    assert found == dict(FEEDBACK_CASES)


def test_hostile_values_stay_parameters(reader: Reader) -> None:
    """Quotes, semicolons and LIKE wildcards in values are data, never SQL."""
    for text in ['status:"x\' OR 1=1 --"', 'assignee:"%"', 'label:"a\\"b"', '"; DROP TABLE issue"']:
        assert _found(reader, text) == []
    assert _found(reader, "key:*") == ["PROD-1", "PROD-2", "PROD-3", "PROD-4", "PROD-5"]


def test_unknown_fields_are_refused_by_the_store() -> None:
    with pytest.raises(ValueError, match="unknown query field"):
        from prodops_tui.store.read_sql import count_sql

        count_sql(ListQuery("issue", ("key",), where=Compare("arr", ">", 1.0)), "sqlite")


def test_a_query_bar_list_sorts_its_matches_on_sqlite() -> None:
    """The whole list reads the table once and sorts (no walk of the updated index)."""
    query = _list("status:open")
    assert 'ORDER BY +t."key" ASC' in seqs_sql(query, "sqlite", None)[0]
    assert "+t." not in seqs_sql(query, "sqlite", 256)[0]
    assert "+t." not in seqs_sql(query, "postgresql", None)[0]
    assert "+t." not in seqs_sql(ListQuery("issue", ("key",)), "sqlite", None)[0]
