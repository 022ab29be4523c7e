"""A generated demo workspace for the Inbox tests (built once, copied per test) and helpers."""

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from textual.pilot import Pilot

from prodops_tui.app import ProdOpsApp, settle
from prodops_tui.screens.inbox import InboxScreen
from prodops_tui.services.demo import fill_workspace
from prodops_tui.store.store import Store

TODAY = date(2025, 3, 10)
_TEMPLATES: dict[str, Path] = {}


def demo_copy(root: Path, target: Path) -> str:
    """A copy of the tiny demo workspace (seed 7, fixed day) at `target`; its URL."""
    template = _TEMPLATES.get("tiny")
    if template is None or not template.exists():
        template = root / "inbox-template.db"
        store = Store.open(f"sqlite:///{template}")
        try:
            fill_workspace(store, "tiny", seed=7, today=TODAY)
        finally:
            store.close()
        _TEMPLATES["tiny"] = template
    shutil.copy(template, target)
    return f"sqlite:///{target}"


def query(url: str, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    store = Store.open(url)
    try:
        with store.read() as conn:
            return [tuple(row) for row in conn.execute(text(sql), params)]
    finally:
        store.close()


async def open_inbox(pilot: Pilot[None]) -> InboxScreen:
    app = pilot.app
    assert isinstance(app, ProdOpsApp)
    await app.switch_mode("inbox")
    await settle(pilot)
    await pilot.pause(0.2)
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, InboxScreen)
    return screen


async def calm(pilot: Pilot[None], seconds: float = 0.1) -> None:
    await settle(pilot)
    await pilot.pause(seconds)
    await settle(pilot)


@pytest.fixture(name="url")
def inbox_url(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> str:
    """A fresh copy of the demo workspace for one test."""
    return demo_copy(tmp_path_factory.getbasetemp(), tmp_path / "inbox.db")


@pytest.fixture(name="no_credentials")
def quiet_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """No keyring and no service tokens: a thread read fails at once, without prompts."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    for kind in ("JIRA", "ZENDESK", "GROWTHBOOK", "MIXPANEL"):
        monkeypatch.delenv(f"PRODOPS_{kind}_TOKEN", raising=False)
