"""Saved views in the workspace on SQLite and PostgreSQL: save, replace, list, delete, query."""

from datetime import UTC, datetime

import pytest

from prodops_tui.services.query import QueryError
from prodops_tui.services.saved_views import (
    delete_view,
    get_view,
    list_query,
    list_views,
    save_view,
)
from prodops_tui.services.view_spec import SavedView, parse_sort, sort_text
from prodops_tui.store.query_ast import Compare
from prodops_tui.store.store import Store

NOW = datetime(2026, 1, 10, tzinfo=UTC)


def test_save_list_replace_and_delete(store: Store) -> None:
    mine = SavedView("  My   bugs ", "backlog", "type:bug ", (("priority_rank", False),), ("key",))
    assert save_view(store, mine, NOW) is False
    assert save_view(store, SavedView("All", "backlog"), NOW) is False
    assert save_view(store, SavedView("New", "inbox", "state:new"), NOW) is False
    assert [v.name for v in list_views(store, "backlog")] == ["All", "My bugs"]
    assert get_view(store, "backlog", "My bugs") == SavedView(
        "My bugs", "backlog", "type:bug", (("priority_rank", False),), ("key",)
    )
    assert save_view(store, SavedView("My bugs", "backlog", "type:bug -has:evidence"), NOW)
    assert get_view(store, "backlog", "My bugs") == SavedView(
        "My bugs", "backlog", "type:bug -has:evidence"
    )
    assert delete_view(store, "backlog", "My bugs") is True
    assert delete_view(store, "backlog", "My bugs") is False
    assert [v.name for v in list_views(store, "backlog")] == ["All"]
    assert [v.name for v in list_views(store, "inbox")] == ["New"]


@pytest.mark.parametrize(
    ("view", "message"),
    [
        (SavedView("  ", "backlog"), "a view needs a name"),
        (SavedView("x" * 61, "backlog"), "up to 60 printable characters"),
        (SavedView("a\x1bb", "backlog"), "up to 60 printable characters"),
        (SavedView("v", "tools"), "views are not kept for the 'tools' screen"),
        (SavedView("v", "backlog", "stauts:x"), "did you mean status"),
        (SavedView("v", "backlog", sort=(("nope", True),)), "unknown column 'nope'"),
        (SavedView("v", "inbox", columns=("key",)), "unknown column 'key'"),
    ],
)
def test_bad_views_are_refused_and_nothing_is_saved(
    store: Store, view: SavedView, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        save_view(store, view, NOW)
    assert list_views(store, view.screen) == []


def test_a_view_as_the_read_paths_query() -> None:
    view = SavedView("v", "backlog", "status:open sort:-score", (("key", False),))
    query = list_query(view, ("key", "summary"), NOW)
    assert (query.table, query.columns, query.order) == ("issue", ("key", "summary"), view.sort)
    assert query.where == Compare("status", ":", "open")
    assert list_query(SavedView("v", "backlog", "sort:-score"), ("key",), NOW).order == (
        ("score", True),
    )
    with pytest.raises(QueryError):
        list_query(SavedView("v", "inbox", "label:x"), ("id",), NOW)


def test_sort_text_round_trips() -> None:
    order = (("updated", True), ("key", False))
    assert sort_text(order) == "-updated,key"
    assert parse_sort("-updated,key") == order
    assert parse_sort("") == ()
