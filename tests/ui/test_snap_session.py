"""Snapshot of a triage session's card at 80x24 on the fixed generated workspace."""

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from textual.pilot import Pilot

from prodops_tui.app import settle
from prodops_tui.cli.triage import session_app
from prodops_tui.screens.session import SessionScreen
from prodops_tui.services.demo import fill_workspace
from prodops_tui.services.sessions import start_session
from prodops_tui.store.store import Store

TODAY = date(2025, 3, 10)
NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


def clock() -> datetime:
    return NOW


@pytest.fixture
def session_url(sqlite_url: str) -> tuple[str, str]:
    """The demo workspace with a session over its three issues with the most evidence."""
    from sqlalchemy import text

    store = Store.open(sqlite_url)
    try:
        fill_workspace(store, "tiny", seed=7, today=TODAY)
        with store.read() as conn:
            queue = list(
                conn.execute(
                    text(
                        "SELECT issue_id FROM evidence GROUP BY issue_id"
                        " ORDER BY count(*) DESC, issue_id LIMIT 3"
                    )
                ).scalars()
            )
        session = start_session(
            store, queue=queue, lead="lea", name="Weekly triage", timebox_minutes=45, now=NOW
        )
    finally:
        store.close()
    return sqlite_url, session.id


async def shown(pilot: Pilot[None]) -> None:
    for _ in range(100):
        screen = pilot.app.screen
        if isinstance(screen, SessionScreen) and screen.card is not None:
            break
        await pilot.pause(0.05)
    await settle(pilot)
    await pilot.pause()


def test_session_card_at_80x24(
    session_url: tuple[str, str], snap_compare: Callable[..., bool]
) -> None:
    url, session_id = session_url
    app = session_app(session_id)(url, workspace="demo", clock=clock, actor="lea", sync_interval=0)
    assert snap_compare(app, terminal_size=(80, 24), run_before=shown)
