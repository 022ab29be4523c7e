"""Keys: a burst typed after `/` lands in the filter; the keymap and theme come from config."""

import pytest
from conftest import AppFactory, wait
from textual import events
from textual.app import App
from textual.widgets import Input

from prodops_tui.screens.help import HelpScreen
from prodops_tui.widgets.filter_bar import FilterBar
from prodops_tui.widgets.paged_table import PagedTable

SIZE = (120, 36)


def burst(app: App[None], text: str) -> None:
    """Queue every key at once, as a terminal delivers a paste or `tmux send-keys "/time"`."""
    driver = app._driver  # noqa: SLF001
    assert driver is not None
    for char in text:
        key = "slash" if char == "/" else char
        event = events.Key(key, char)
        event.set_sender(app)
        driver.send_message(event)


@pytest.mark.parametrize("mode", ["backlog", "inbox", "tools"])  # the calendar has no filter
async def test_keys_typed_right_after_slash_land_in_the_filter(
    mode: str, workspace_url: str, make_app: AppFactory
) -> None:
    app = make_app(workspace_url)
    async with app.run_test(size=SIZE) as pilot:
        await app.switch_mode(mode)
        await wait(pilot)
        table = app.screen.query_one(PagedTable)
        burst(app, "/time/x")
        await pilot.pause(0.3)
        await wait(pilot)
        field = app.screen.query_one(FilterBar).query_one(Input)
        assert field.value == "time/x"
        assert field.has_focus
        assert table.cursor == 0


async def test_keymap_from_config_remaps_a_mode_key(
    workspace_url: str, make_app: AppFactory
) -> None:
    app = make_app(workspace_url, keymap={"mode.backlog": "f9", "app.help": "f1"})
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        assert app.current_mode == "home"
        await pilot.press("f9")
        await wait(pilot)
        assert app.current_mode == "backlog"
        await pilot.press("f4", "f3")
        assert app.current_mode == "inbox"
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_theme_from_config(workspace_url: str, make_app: AppFactory) -> None:
    app = make_app(workspace_url, theme="nord")
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        assert app.theme == "nord"
        assert not app._notifications  # noqa: SLF001


async def test_unknown_theme_is_ignored_with_a_warning(
    workspace_url: str, make_app: AppFactory
) -> None:
    app = make_app(workspace_url, theme="no-such-theme")
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        assert app.theme == "textual-dark"
        notes = list(app._notifications)  # noqa: SLF001
        assert len(notes) == 1 and notes[0].severity == "warning"
        assert "no-such-theme" in notes[0].message and "nord" in notes[0].message
