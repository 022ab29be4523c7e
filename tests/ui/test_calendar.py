"""The Calendar screen through its keys, on the generated demo company (seed 7, fixed today)."""

from datetime import date, timedelta

from demo_company import TODAY, clock
from sqlalchemy import select
from sqlmodel import SQLModel
from textual.pilot import Pilot
from textual.widgets import Input, Label, Static

from prodops_tui.app import ProdOpsApp, settle
from prodops_tui.screens.calendar import CalendarScreen
from prodops_tui.screens.experiment_form import ExperimentForm
from prodops_tui.screens.power_dialog import PowerDialog
from prodops_tui.store.store import Store
from prodops_tui.widgets.timeline import Timeline

LOCAL = "local:exp-4"
"""The generator's local switchback plan that collides with growthbook:acme:exp_003."""


def app_for(url: str) -> ProdOpsApp:
    return ProdOpsApp(url, workspace="demo", clock=clock, sync_interval=0)


async def open_calendar(pilot: Pilot[None]) -> CalendarScreen:
    await pilot.app.switch_mode("calendar")
    await settle(pilot)
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, CalendarScreen)
    return screen


def conflicted(timeline: Timeline) -> set[str]:
    return {line.bar.id for line in timeline.lines if line.bar and line.bar.conflict}


def panel(screen: CalendarScreen) -> str:
    return str(screen.query_one("#cal-panel", Static).render())


def experiment(url: str, plan_id: str) -> tuple[date, date, str]:
    store = Store.open(url)
    try:
        table = SQLModel.metadata.tables["experiment"]
        with store.read() as conn:
            row = conn.execute(select(table).where(table.c.id == plan_id)).one()
    finally:
        store.close()
    return row.start, row.end, row.name


async def test_conflicts_are_flagged_with_their_reasons(demo_url: str) -> None:
    async with app_for(demo_url).run_test(size=(120, 36)) as pilot:
        screen = await open_calendar(pilot)
        timeline = screen.query_one(Timeline)
        assert conflicted(timeline) == {
            "growthbook:acme:exp_001",
            "growthbook:acme:exp_002",
            "growthbook:acme:exp_003",
            LOCAL,
            "growthbook:acme:exp_005",
            "growthbook:acme:exp_006",
        }
        assert "3 conflict(s)" in str(screen.query_one("#cal-title", Label).render())
        timeline.select_id(LOCAL)
        await pilot.press("c")
        text = panel(screen)
        assert "switchback regions eu-central shared" in text
        assert "Next free slot:" in text and "s moves the plan there" in text


async def test_day_week_month_today_zoom_group_and_overlays(demo_url: str) -> None:
    async with app_for(demo_url).run_test(size=(80, 24)) as pilot:
        screen = await open_calendar(pilot)
        timeline = screen.query_one(Timeline)
        assert timeline.view.cursor == TODAY
        await pilot.press("right", "shift+right", "right_square_bracket")
        assert timeline.view.cursor == TODAY + timedelta(days=38)
        assert timeline.view.origin <= timeline.view.cursor
        await pilot.press("left", "h", "t")
        assert timeline.view.cursor == TODAY
        await pilot.press("minus")
        assert timeline.view.scale.name == "months"
        await pilot.press("plus", "plus")
        assert timeline.view.scale.name == "days"
        labels = [line.label for line in timeline.lines if line.kind == "group"]
        assert "checkout" in labels
        await pilot.press("g")
        labels = [line.label for line in timeline.lines if line.kind == "group"]
        assert "all markets" in labels and "checkout" not in labels
        assert any(line.kind == "overlay" for line in timeline.lines)
        await pilot.press("o")
        assert not any(line.kind == "overlay" for line in timeline.lines)


async def test_selection_moves_between_bars_and_shows_details_and_results(demo_url: str) -> None:
    async with app_for(demo_url).run_test(size=(120, 36)) as pilot:
        screen = await open_calendar(pilot)
        timeline = screen.query_one(Timeline)
        first = timeline.bar
        await pilot.press("down")
        second = timeline.bar
        assert first and second and first.id != second.id
        await pilot.press("up")
        assert timeline.bar == first
        stopped = next(x.bar for x in timeline.lines if x.bar and x.bar.state == "stopped")
        timeline.select_id(stopped.id)
        await pilot.pause()
        assert stopped.name in panel(screen)
        await pilot.press("r")
        text = panel(screen)
        assert "Lift" in text and "SRM" in text
        assert timeline.view.cursor == stopped.start  # the window jumped to the bar


async def test_move_shows_conflicts_live_and_escape_drops_it(demo_url: str) -> None:
    async with app_for(demo_url).run_test(size=(120, 36)) as pilot:
        screen = await open_calendar(pilot)
        timeline = screen.query_one(Timeline)
        timeline.select_id(LOCAL)
        await pilot.press("m", "shift+right", "shift+right")
        assert LOCAL not in conflicted(timeline)  # two weeks on: clear
        for _ in range(3):
            await pilot.press("shift+right")
        assert {LOCAL, "local:exp-15"} <= conflicted(timeline)  # five weeks on: another one
        title = str(screen.query_one("#cal-title", Label).render())
        assert title.startswith("Moving to 2025-04-26 → 2025-05-24 · 3 conflict(s)")
        await pilot.press("escape")
        assert LOCAL in conflicted(timeline) and "local:exp-15" not in conflicted(timeline)
        assert experiment(demo_url, LOCAL)[0] == TODAY + timedelta(days=12)
        await pilot.press("m", "shift+right", "shift+right", "enter")
        await settle(pilot)
        start, end, _ = experiment(demo_url, LOCAL)
        assert (start, end) == (TODAY + timedelta(days=26), TODAY + timedelta(days=54))


async def test_accepting_the_free_slot_clears_the_conflict(demo_url: str) -> None:
    async with app_for(demo_url).run_test(size=(120, 36)) as pilot:
        screen = await open_calendar(pilot)
        timeline = screen.query_one(Timeline)
        timeline.select_id(LOCAL)
        await pilot.press("c", "s")
        await settle(pilot)
        await pilot.pause()
        start, end, _ = experiment(demo_url, LOCAL)
        assert (start, end) == (TODAY + timedelta(days=26), TODAY + timedelta(days=54))
        assert LOCAL not in conflicted(timeline)
        assert timeline.bar is not None and timeline.bar.id == LOCAL
        assert "2 conflict(s)" in str(screen.query_one("#cal-title", Label).render())


async def test_synced_experiments_are_not_moved(demo_url: str) -> None:
    async with app_for(demo_url).run_test(size=(120, 36)) as pilot:
        screen = await open_calendar(pilot)
        timeline = screen.query_one(Timeline)
        timeline.select_id("growthbook:acme:exp_003")
        await pilot.press("m", "right", "enter", "s", "e")
        await settle(pilot)
        assert screen.moving is None and not isinstance(pilot.app.screen, ExperimentForm)
        assert experiment(demo_url, "growthbook:acme:exp_003")[0] == TODAY + timedelta(days=5)


async def fill(pilot: Pilot[None], **fields: str) -> None:
    for key, value in fields.items():
        pilot.app.screen.query_one(f"#field-{key}", Input).value = value
    await pilot.pause()


async def test_new_plan_validates_then_saves_and_edit_changes_it(demo_url: str) -> None:
    async with app_for(demo_url).run_test(size=(80, 24)) as pilot:
        screen = await open_calendar(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ExperimentForm)
        await fill(pilot, name="Checkout: express pay", surface="checkout")
        await fill(pilot, variations="Control 60, Treatment 60")
        await pilot.press("ctrl+s")
        await pilot.pause()
        error = str(pilot.app.screen.query_one("#form-error", Label).render())
        assert error == "the traffic split sums to 120%, not 100%"
        await fill(pilot, variations="Control 50, Treatment 50", namespace_start="0.7")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.pause()
        assert isinstance(pilot.app.screen, CalendarScreen)
        bar = screen.query_one(Timeline).bar
        assert bar is not None and bar.local and bar.name == "Checkout: express pay"
        start, end, _ = experiment(demo_url, bar.id)
        assert (start, end) == (TODAY, TODAY + timedelta(days=28))

        await pilot.press("e")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ExperimentForm)
        await fill(pilot, name="Checkout: express pay v2", end="2025-03-01")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "must come after the start" in str(
            pilot.app.screen.query_one("#form-error", Label).render()
        )
        await fill(pilot, end="2025-04-01")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert experiment(demo_url, bar.id)[1:] == (date(2025, 4, 1), "Checkout: express pay v2")


async def test_power_calculator_for_the_selected_plan(demo_url: str) -> None:
    async with app_for(demo_url).run_test(size=(80, 24)) as pilot:
        screen = await open_calendar(pilot)
        screen.query_one(Timeline).select_id("growthbook:acme:exp_001")
        await pilot.press("p")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, PowerDialog)
        dialog.query_one("#power-daily", Input).value = "2000"
        dialog.query_one("#power-mde", Input).value = "10"
        await pilot.pause()
        result = str(dialog.query_one("#power-result", Label).render())
        assert "14,751 users per arm, 29,502 in all" in result
        assert "Duration: 25 days (60% of traffic" in result
        dialog.query_one("#power-mde", Input).value = "-5"
        await pilot.pause()
        assert "minimum detectable effect" in str(dialog.query_one("#power-result", Label).render())


async def test_hostile_names_and_undated_tests_are_shown_literally(demo_url: str) -> None:
    store = Store.open(demo_url)
    try:
        hostile = {"id": "growthbook:acme:bad", "source": "growthbook", "status": "draft"}
        hostile |= {"name": "[bold red]Boom[/] \x1b[31m", "surface": "checkout", "results": {}}
        running = {"id": "growthbook:acme:open", "source": "growthbook", "status": "running"}
        running |= {"name": "Open", "surface": "search", "start": TODAY, "results": {}}
        store.upsert("experiment", [hostile, running])
    finally:
        store.close()
    async with app_for(demo_url).run_test(size=(80, 24)) as pilot:
        screen = await open_calendar(pilot)
        timeline = screen.query_one(Timeline)
        assert timeline.lines[-2].label == "(no dates)"
        timeline.select_id("growthbook:acme:bad")
        await pilot.pause()
        assert timeline.bar is not None and timeline.bar.name == "[bold red]Boom[/] \ufffd[31m"
        assert "[bold red]Boom[/]" in panel(screen) and "? → open" in panel(screen)
        await pilot.press("r")
        assert "No results yet" in panel(screen)
        await pilot.press("r")
        timeline.select_id("growthbook:acme:open")  # no end from GrowthBook: four weeks assumed
        await pilot.pause()
        assert "2025-03-10 → open (~2025-04-07)" in panel(screen)
