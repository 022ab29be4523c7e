"""The query language: terms, precedence, sort, typed values, errors with positions, round trips."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prodops_tui.services.query import QueryError, parse
from prodops_tui.services.query_values import query_text
from prodops_tui.store.query_ast import All, AnyOf, Compare, Flag, Not, Text

NOW = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)


def _where(text: str, table: str = "issue") -> object:
    return parse(text, table, NOW).where


def test_terms_words_and_precedence() -> None:
    assert _where("") is None
    assert _where('status:"In Progress"') == Compare("status", ":", "In Progress")
    assert _where("a b OR c -d") == AnyOf((Text("a b"), All((Text("c"), Not(Text("d"))))))
    assert _where("a AND (b or c) NOT label:x") == All(
        (Text("a"), AnyOf((Text("b"), Text("c"))), Not(Compare("label", ":", "x")))
    )
    assert _where("has:evidence -is:snoozed") == All(
        (Flag("has", "evidence"), Not(Flag("is", "snoozed", NOW)))
    )
    assert _where("has:issue arr>=2.5k tag:bug", "feedback") == All(
        (Flag("has", "issue"), Compare("arr", ">=", 2500.0), Compare("tag", ":", "bug"))
    )


def test_ages_and_dates_become_times() -> None:
    assert _where("updated<7d") == Compare("updated", ">", NOW - timedelta(days=7))
    assert _where("updated>=2w") == Compare("updated", "<=", NOW - timedelta(weeks=2))
    assert _where("created:12h") == Compare("created", ">=", NOW - timedelta(hours=12))
    day, next_day = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 2, tzinfo=UTC)
    assert _where("created>2026-01-01") == Compare("created", ">=", next_day)
    assert _where("created<=2026-01-01") == Compare("created", "<", next_day)
    assert _where("created:2026-01-01") == All(
        (Compare("created", ">=", day), Compare("created", "<", next_day))
    )
    assert _where("updated>2026-01-01T08:30:00") == Compare(
        "updated", ">", datetime(2026, 1, 1, 8, 30, tzinfo=UTC)
    )


def test_sort_clause() -> None:
    parsed = parse("status:open sort:-updated,priority", "issue", NOW)
    assert parsed.where == Compare("status", ":", "open")
    assert parsed.order == (("updated", True), ("priority_rank", False))
    assert parsed.sort_fields == (("updated", True), ("priority", False))
    assert parse("sort:org", "feedback", NOW).order == (("org_name", False),)
    assert parse("sort:score", "issue", NOW).where is None


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ("stauts:open", "unknown field 'stauts' at 1 — did you mean status?", 1),
        (
            "status:open prioirty:high",
            "unknown field 'prioirty' at 13 — did you mean priority?",
            13,
        ),
        ("tag:x", "unknown field 'tag' at 1 — did you mean label?", 1),
        ("(a OR b", "'(' at 1 is never closed — add ')'", 1),
        ("a) b", "')' at 2 has no '(' before it", 2),
        ("()", "empty parentheses at 1", 1),
        ("a OR", "OR at 3 needs a term after it", 3),
        ("OR a", "OR at 1 needs a term before it", 1),
        ("a AND AND b", "AND at 3 needs a term after it", 3),
        ("NOT", "NOT at 1 needs a term after it", 1),
        ("- a", "'-' at 1 needs a term right after it", 1),
        ('status:"open', "unclosed quote at 8", 8),
        ("status:", "'status:' at 1 needs a value", 1),
        ("score>ten", "bad number 'ten' at 7 — score takes e.g. 20, 2.5 or 100k", 7),
        ("status>3", "status takes ':' (status:value), not '>' at 1", 1),
        (
            "updated<7x",
            "bad time '7x' at 9 — use an age like 7d, 12h, 2w or a date like 2026-01-31",
            9,
        ),
        ("has:evidense", "unknown has: value 'evidense' at 5 — did you mean evidence?", 5),
        ("has>1", "write has:evidence at 1", 1),
        ("sort:prio", "cannot sort by 'prio' at 6 — did you mean priority?", 6),
        ("sort:key,label", "cannot sort by 'label' at 10 — lists do not sort", 10),
        ("a OR sort:key", "sort: at 6 cannot be part of an OR", 6),
        ("-sort:key", "sort: at 2 must stand on its own, outside ( ) and NOT", 2),
    ],
)
def test_errors_point_at_the_problem(text: str, message: str, position: int) -> None:
    with pytest.raises(QueryError) as caught:
        parse(text, "issue", NOW)
    assert (caught.value.message, caught.value.position) == (message, position)
    assert str(caught.value) == message


def test_feedback_fields_differ_from_issue_fields() -> None:
    with pytest.raises(QueryError, match="unknown field 'status' at 1 — did you mean state?"):
        parse("status:new", "feedback", NOW)
    with pytest.raises(QueryError, match="unknown has: value 'evidence'"):
        parse("has:evidence", "feedback", NOW)


_PIECES = st.sampled_from(
    [
        "status:open",
        'assignee:"Ana Lima"',
        'label:"x\\"y"',
        "label:pd*",
        "score>3",
        "score<=-1.5",
        "evidence:2",
        "updated<7d",
        "created>2026-01-01",
        "created:2026-01-01",
        "has:evidence",
        "is:snoozed",
        "export",
        '"two words"',
        "csv",
        "AND",
        "OR",
        "NOT",
        "-",
        "(",
        ")",
        "sort:-score",
        "sort:priority,key",
        '"',
        "stauts:x",
        "score>x",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=9), st.booleans())
def test_any_text_parses_or_fails_cleanly_and_round_trips(pieces: list[str], glue: bool) -> None:
    """Every query reads as a tree or a QueryError; a tree written back reads as the same tree."""
    text = ("" if glue else " ").join(pieces) if not glue else " ".join(pieces).replace("- ", "-")
    try:
        parsed = parse(text, "issue", NOW)
    except QueryError as error:
        assert 1 <= error.position <= len(text) + 1
        return
    again = parse(query_text(parsed.where, parsed.sort_fields), "issue", NOW)
    assert (again.where, again.order) == (parsed.where, parsed.order)


def test_columns_tested_let_screen_filters_give_way() -> None:
    """The Backlog hides snoozed issues (`awake`): a query about snoozing lifts that filter."""
    assert parse("is:snoozed", "issue", NOW).columns == {"snoozed_until", "awake"}
    assert parse("-state:new tag:x", "feedback", NOW).columns == {"state", "tags"}
    assert parse("export has:evidence", "issue", NOW).columns == set()
