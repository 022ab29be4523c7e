"""Home paints before its big counts; filters query on every key and drop stale results."""

import threading
from collections.abc import Sequence
from datetime import date
from typing import Any

import pytest
from conftest import AppFactory, wait
from test_ui_screens import screen_text
from textual.widgets import Input, Label

from prodops_tui.screens import list_screen
from prodops_tui.screens.home import Card
from prodops_tui.store import read_sql
from prodops_tui.store.reads import ListQuery, Reader
from prodops_tui.widgets.filter_bar import FilterBar
from prodops_tui.widgets.paged_table import PagedTable
from prodops_tui.widgets.table_view import PAGE, TableView

SIZE = (120, 36)


async def test_home_shows_lists_before_the_feedback_counts(
    workspace_url: str, make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    summary = Reader.summary

    def held_summary(
        self: Reader, today: date | None = None, keys: Sequence[str] | None = None
    ) -> dict[str, int]:
        if keys is not None and "feedback" in keys:
            release.wait(10)
        return summary(self, today, keys)

    monkeypatch.setattr(Reader, "summary", held_summary)
    app = make_app(workspace_url)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(200):
            await pilot.pause(0.01)
            if "Untriaged" in screen_text(app) and "225" in screen_text(app):
                break
        cards = {card.spec.title: str(card.render()) for card in app.screen.query(Card)}
        assert "counting…" in cards["New feedback"]
        assert "225" in cards["Untriaged"] and "counting…" not in cards["Untriaged"]
        assert "Amplitude" in screen_text(app)  # the renewals list is already there
        release.set()
        await wait(pilot)
        cards = {card.spec.title: str(card.render()) for card in app.screen.query(Card)}
        assert all("counting…" not in text for text in cards.values())
        assert "counting…" not in screen_text(app)


async def test_filter_asks_on_every_key_and_shows_only_the_last_query(
    workspace_url: str, make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    first_page = Reader.first_page
    asked: list[str] = []

    def slow_for_short(self: Reader, q: Any, limit: int = 256) -> list[Any]:
        asked.append(q.search)
        if q.search == "ex":  # the stale query answers last
            threading.Event().wait(0.3)
        return first_page(self, q, limit)

    monkeypatch.setattr(Reader, "first_page", slow_for_short)
    app = make_app(workspace_url)
    async with app.run_test(size=SIZE) as pilot:
        await app.switch_mode("backlog")
        await wait(pilot)
        await pilot.press("slash", "e", "x", "p")
        await wait(pilot)
        table = app.screen.query_one(PagedTable)
        assert asked[-2:] == ["ex", "exp"]  # no debounce: both keys asked the store
        assert table.list_query.search == "exp"
        assert table.wanted_query.search == "exp"
        expected = app.reader.rows(table.list_query, app.reader.snapshot(table.list_query)[:5])
        assert [table.row_at(i) for i in range(5)] == expected
        assert table.total == app.reader.count(table.list_query) > 0
        count = str(app.screen.query_one(FilterBar).query_one("#filter-count").render())
        assert "match" in count


async def test_loaded_list_prefetches_the_next_and_the_last_page(
    big_url: str, make_app: AppFactory
) -> None:
    app = make_app(big_url)
    async with app.run_test(size=SIZE) as pilot:
        await app.switch_mode("backlog")
        await wait(pilot)
        table = app.screen.query_one(PagedTable)
        last = (table.total - 1) // PAGE
        assert table.loaded and last > 2
        view = table._view
        assert 1 in view.pages and last in view.pages and last - 1 in view.pages
        assert 2 not in view.pages  # only what the next keys need, not everything
        await pilot.press("end")
        assert table.row_at(table.total - 1) is not None  # End lands on rows in memory


def test_a_resorted_snapshot_brings_its_head_page(workspace_url: str) -> None:
    """The first page of a search is its newest matches; when the snapshot sorts more of
    them, page 0 is read before the swap (no gaps) from the rows already there and the rest."""
    reader = Reader(workspace_url)
    q = ListQuery("issue", ("key",), search="improve")
    first = reader.first_page(q, limit=5)
    seqs = reader.snapshot(q)
    expected = reader.rows(q, seqs[:PAGE])
    view = TableView(q, first)
    assert [row[0] for row in first] != list(seqs[:5])  # newest five are not the head
    head = view.read_head(reader, seqs)
    assert head == expected
    view.adopt(seqs, head)
    assert [view.row_at(i)[0] for i in range(len(expected))] == expected
    few = ListQuery("issue", ("key",), search="mobile")  # fewer matches than a page
    whole, few_seqs = TableView(few, reader.first_page(few)), reader.snapshot(few)
    assert whole.heads(few_seqs) and whole.read_head(reader, few_seqs) is None
    reader.close()


async def test_filter_count_is_the_list_size_below_the_cap_and_a_bound_at_it(
    workspace_url: str, make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    counted: list[str] = []
    count = Reader.count

    def held_count(self: Reader, q: ListQuery, cancelled: Any = None) -> int:
        counted.append(q.search)
        release.wait(5)
        return count(self, q, cancelled)

    monkeypatch.setattr(Reader, "count", held_count)
    monkeypatch.setattr(list_screen, "SEARCH_CAP", 20)
    monkeypatch.setattr(read_sql, "SEARCH_CAP", 20)
    app = make_app(workspace_url)
    async with app.run_test(size=SIZE) as pilot:
        await app.switch_mode("backlog")
        await wait(pilot)
        label = app.screen.query_one(FilterBar).query_one("#filter-count", Label)
        await pilot.press("slash", *"improve")  # 299 issues: more than the cap
        await shows(pilot, label, "20+ matches, counting…")  # the count is held
        assert [text for text in counted if text][-1] == "improve"
        release.set()
        await shows(pilot, label, "299 matches")
        release.clear()
        app.screen.query_one(FilterBar).query_one(Input).value = "mobile 14"  # under the cap
        await shows(pilot, label, "2 matches")  # the list's size, while the count is held
        release.set()


async def shows(pilot: Any, label: Label, text: str) -> None:
    for _ in range(100):
        if str(label.render()) == text:
            return
        await pilot.pause(0.05)
    assert str(label.render()) == text
