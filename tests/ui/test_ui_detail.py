"""The Backlog detail pane renders the description as Markdown; its links cannot run actions."""

import pytest
from conftest import AppFactory, wait
from test_ui_screens import screen_text
from textual.widgets import Markdown
from textual.widgets._markdown import MarkdownBlock
from ui_rows import NOW

from prodops_tui.store.store import Store
from prodops_tui.widgets.detail_pane import DetailPane

DESCRIPTION = (
    "Reported by **20 customers** in *March*.\n\n"
    "**Steps to reproduce**\n\n"
    "- Open [the docs](https://example.com/docs)\n"
    "- Try [quit](app.quit), [file](file:///etc/passwd) and [js](javascript:alert(1))\n\n"
    "[@click=app.quit]x[/] \x1b]52;c;SGVsbG8=\x07 end\n"
)


@pytest.fixture
def markdown_url(workspace_url: str) -> str:
    store = Store.open(workspace_url)
    try:
        store.upsert(
            "issue",
            [
                {
                    "id": "jira:acme:md",
                    "connection_id": "jira-1",
                    "key": "PROD-900",
                    "project": "PROD",
                    "type": "Bug",
                    "summary": "Signup sorts wrongly",
                    "description_md": DESCRIPTION,
                    "status": "To Do",
                    "priority": "High",
                    "labels": [],
                    "updated": NOW,
                    "triage_state": "untriaged",
                }
            ],
        )
    finally:
        store.close()
    return workspace_url


async def test_description_is_rendered_markdown_and_links_open_only_on_the_web(
    markdown_url: str, make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(markdown_url)
    opened: list[str] = []
    monkeypatch.setattr(app, "open_url", lambda url, **_: opened.append(url))
    async with app.run_test(size=(120, 60)) as pilot:
        await pilot.press("f3")
        await wait(pilot)
        await pilot.pause(0.2)
        await wait(pilot)
        text = screen_text(app)
        assert "PROD-900" in text and "Signup sorts wrongly" in text
        assert "Type     Bug" in text and "Priority High" in text
        assert "Reported by 20 customers in March." in text
        assert "**" not in text and "*March*" not in text
        assert "Steps to reproduce" in text
        assert "[@click=app.quit]x[/]" in text
        assert "\x1b" not in text and "\x07" not in text
        pane = app.screen.query_one(DetailPane)
        source = pane.query_one(Markdown).source
        assert "\x1b" not in source and "\ufffd]52;c;" in source
        block = pane.query(MarkdownBlock).first()
        for href in (
            "app.quit",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "https://example.com/docs",
        ):
            await block.action_link(href)
            await pilot.pause()
        assert opened == ["https://example.com/docs"]
        assert app.is_running and app.return_code is None


async def test_inbox_body_stays_plain_text(workspace_url: str, make_app: AppFactory) -> None:
    app = make_app(workspace_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f4")
        await wait(pilot)
        await pilot.pause(0.2)
        await wait(pilot)
        pane = app.screen.query_one(DetailPane)
        assert not pane.query_one(Markdown).display
        assert "The export page fails for us. Ticket 1." in screen_text(app)
