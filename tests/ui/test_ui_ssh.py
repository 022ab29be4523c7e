"""Over SSH: 16 colours get the terminal's own palette, NO_COLOR is honoured, nothing animates or
blinks unless asked, and every screen works from the keyboard at 80x24."""

import pytest
import textual.constants
from conftest import AppFactory, wait
from textual.filter import Monochrome, NoColor
from textual.widgets import Input

SMALL = (80, 24)


async def test_sixteen_colours_use_the_ansi_theme(
    workspace_url: str, make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", "standard")  # what TERM=xterm gives
    app = make_app(workspace_url)
    app.adapt_to_terminal()
    async with app.run_test(size=SMALL) as pilot:
        await wait(pilot)
        assert app.theme == "ansi-dark"
    chosen = make_app(workspace_url, theme="nord")
    chosen.adapt_to_terminal()
    async with chosen.run_test(size=SMALL) as pilot:
        await wait(pilot)
        assert chosen.theme == "nord"  # a configured theme wins


async def test_no_color_is_honoured(
    workspace_url: str, make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(workspace_url)
    async with app.run_test(size=SMALL) as pilot:
        await wait(pilot)
        assert app.no_color
        assert any(isinstance(f, Monochrome | NoColor) for f in app._filters)  # noqa: SLF001


async def test_nothing_animates_or_blinks_unless_asked(
    workspace_url: str, make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TEXTUAL_ANIMATIONS", raising=False)
    app = make_app(workspace_url)
    async with app.run_test(size=SMALL) as pilot:
        assert app.animation_level == "none"
        await app.switch_mode("backlog")
        await wait(pilot)
        await pilot.press("slash")
        await wait(pilot)
        assert isinstance(app.focused, Input) and not app.focused.cursor_blink
    assert make_app(workspace_url, animations=True).animation_level != "none"
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "basic")
    assert make_app(workspace_url).animation_level == textual.constants.TEXTUAL_ANIMATIONS


async def test_keys_reach_every_screen_at_80x24_in_16_colours(
    workspace_url: str, make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", "standard")
    app = make_app(workspace_url)
    app.adapt_to_terminal()
    async with app.run_test(size=SMALL) as pilot:
        assert app.theme == "ansi-dark"
        for key, mode in (("f3", "backlog"), ("f4", "inbox"), ("f5", "calendar"), ("f2", "home")):
            await pilot.press(key)
            await wait(pilot)
            assert app.current_mode == mode
            assert app.screen.size.width == 80 and app.screen.size.height == 24
