"""Keys: a burst typed after `/` lands in the filter; the keymap and theme come from config."""

import pytest
from conftest import AppFactory, wait
from textual import events
from textual.app import App
from textual.widgets import Input

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


@pytest.mark.parametrize("mode", ["backlog", "inbox", "calendar", "tools"])
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
