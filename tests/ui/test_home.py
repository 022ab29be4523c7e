"""Home: counts that open what they count, charts with literal remote text, refresh on new
data, and a helpful screen for an empty workspace."""

from datetime import timedelta

from conftest import AppFactory, wait
from test_ui_screens import screen_text
from ui_rows import NOW

from prodops_tui.screens.conflicts import ConflictsDialog
from prodops_tui.screens.home import HomeScreen
from prodops_tui.screens.home_cards import Card
from prodops_tui.screens.home_charts import EMPTY
from prodops_tui.store.store import Store
from prodops_tui.widgets.activity import DATA
from prodops_tui.widgets.charts import Chart

SIZE = (120, 36)


def cards(app: object) -> dict[str, str]:
    screen = app.screen  # type: ignore[attr-defined]
    return {card.spec.title: str(card.render()) for card in screen.query(Card)}


def add_rows(url: str) -> None:
    """Two new untriaged issues, and recent tagged feedback linked to the hostile issue."""
    store = Store.open(url)
    try:
        store.upsert(
            "issue",
            [
                {"id": f"jira:acme:new{n}", "key": f"NEW-{n}", "summary": "New", "labels": []}
                | {"updated": NOW, "transitions": []}
                for n in (1, 2)
            ],
        )
        store.upsert(
            "feedback",
            [
                {"id": f"zd:recent{n}", "subject": "Recent", "tags": ["checkout-theme"]}
                | {"created": NOW - timedelta(days=n), "updated": NOW, "org_id": "org-2"}
                for n in (1, 2, 3)
            ],
        )
        store.upsert(
            "evidence",
            [{"feedback_id": f"zd:recent{n}", "issue_id": "jira:acme:300"} for n in (1, 2)],
        )
    finally:
        store.close()


async def test_number_keys_open_the_screen_behind_each_card(
    workspace_url: str, make_app: AppFactory
) -> None:
    app = make_app(workspace_url)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        shown = cards(app)
        assert "225" in shown["Untriaged"] and "of 300 issues" in shown["Untriaged"]
        assert "80" in shown["New feedback"] and "of 120 items" in shown["New feedback"]
        assert all("counting…" not in text for text in shown.values())
        for key, mode in (("1", "backlog"), ("2", "inbox"), ("5", "calendar"), ("6", "tools")):
            await pilot.press("f2")
            await wait(pilot)
            await pilot.press(key)
            await wait(pilot)
            assert app.current_mode == mode, key
        await pilot.press("f2")
        await wait(pilot)
        await pilot.press("8")
        await wait(pilot)
        assert isinstance(app.screen, ConflictsDialog)


async def test_enter_on_a_focused_card_opens_its_screen(
    workspace_url: str, make_app: AppFactory
) -> None:
    app = make_app(workspace_url)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        await pilot.press("right", "enter")
        await wait(pilot)
        assert app.current_mode == "inbox"


async def test_home_reads_again_when_rows_change(workspace_url: str, make_app: AppFactory) -> None:
    app = make_app(workspace_url)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        assert "225" in cards(app)["Untriaged"]
        assert EMPTY["top"] in str(app.screen.query_one("#top", Chart).render())
        add_rows(workspace_url)
        app.activity.changed.publish(DATA)  # what a finished sync, edit or push announces
        await wait(pilot)
        assert "227" in cards(app)["Untriaged"] and "of 302 issues" in cards(app)["Untriaged"]
        text = screen_text(app)
        assert "PROD-300" in text and "2 ev" in text
        assert "[@click=app.quit]x[/]" in text  # the hostile summary, literally
        assert "checkout-theme" in text
        assert app.current_mode == "home" and isinstance(app.screen, HomeScreen)


async def test_an_empty_workspace_says_what_to_do(sqlite_url: str, make_app: AppFactory) -> None:
    Store.open(sqlite_url).close()
    app = make_app(sqlite_url)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        text = screen_text(app)
        assert "This workspace has no data yet" in text and "prodops demo" in text
        assert "counting…" not in text
        assert "No renewals ahead" in text and EMPTY["trends"] in text
        assert "0 sources" in text
