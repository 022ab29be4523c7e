"""UI fixtures: real SQLite workspaces filled through the Store, and a settle() helper."""

import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from demo_company import fill_demo
from textual.pilot import Pilot
from ui_rows import NOW, fill, issues

from prodops_tui.app import ProdOpsApp, settle
from prodops_tui.store.store import Store

AppFactory = Callable[..., ProdOpsApp]


def fixed_clock() -> datetime:
    return NOW


@pytest.fixture
def workspace_url(sqlite_url: str) -> str:
    """A small workspace with one issue whose summary is hostile markup and escapes."""
    store = Store.open(sqlite_url)
    try:
        fill(store)
    finally:
        store.close()
    return sqlite_url


@pytest.fixture
def demo_url(sqlite_url: str) -> str:
    """The generated tiny demo company (seed 7, today 2025-03-10)."""
    return fill_demo(sqlite_url)


@pytest.fixture(scope="session")
def big_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """100k issues, for paging at depth."""
    url = f"sqlite:///{tmp_path_factory.mktemp('big') / 'workspace.db'}"
    store = Store.open(url)
    try:
        fill(store, issue_count=10, feedback_count=10)
        store.upsert("issue", issues(100_000, hostile=False), batch=2000)
    finally:
        store.close()
    return url


@pytest.fixture
def make_app() -> AppFactory:
    def build(url: str, **options: object) -> ProdOpsApp:
        return ProdOpsApp(url, clock=fixed_clock, **options)  # type: ignore[arg-type]

    return build


async def wait(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.pause()
    await settle(pilot)


async def until(
    pilot: Pilot[None], done: Callable[[], bool], seconds: float = 20.0, what: str = ""
) -> None:
    """Let the app run (workers and timers included) until `done()`, or fail saying `what`.
    A loaded machine can take a while to recompose a footer or finish a worker."""
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, f"timed out: {what}" if what else "timed out"
        await wait(pilot)
        await pilot.pause(0.05)


@pytest.fixture
def root() -> Path:
    return Path(__file__).parent
