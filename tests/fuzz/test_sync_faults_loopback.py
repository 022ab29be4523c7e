"""Issue 10 item 2 (R4) on a real socket: slow bodies and connections dropped mid-body, where
httpx's read timeout and the wire's content length matter (the in-process transport has
neither). The fake Zendesk is served by uvicorn on 127.0.0.1; the client's read timeout is 0.3 s.
"""

from collections.abc import Callable, Iterator

import pytest

from prodops_tui.connectors.auth import bearer
from prodops_tui.connectors.http import HttpCore
from prodops_tui.connectors.zendesk import ZendeskConnector
from prodops_tui.fakes.serve import RunningFakes, start_fakes
from prodops_tui.fakes.zendesk import Fault
from prodops_tui.services.sync import sync_connection
from prodops_tui.store.store import Store
from tests.connectors.jira_helpers import Sleeps
from tests.fuzz.faults import (
    ROWS,
    Recorded,
    Run,
    assert_cursor_behind_saved_data,
    assert_one_line,
    backoff,
    company,
)

TICKETS = "/api/v2/incremental/tickets"
CONN = "zendesk:acme"


@pytest.fixture(scope="module")
def served() -> Iterator[RunningFakes]:
    world = company()
    now = world.spec.now_ts + 3600
    settings = {"zendesk": {"incremental_per_minute": 1000, "clock": lambda: now}}
    with start_fakes(world, kinds=["zendesk"], settings=settings) as fakes:
        yield fakes


async def _sync(served: RunningFakes, store: Store) -> Run:
    store.upsert(
        "connection", [{"id": CONN, "kind": "zendesk", "name": "Zendesk", **ROWS["zendesk"]}]
    )
    sleeps = Sleeps()
    auth = bearer(served.tokens["zendesk"])
    async with HttpCore("zendesk", served.urls["zendesk"], auth, timeout=0.3, sleep=sleeps) as http:
        recorded = Recorded(
            ZendeskConnector(http, connection_id=CONN, options=ROWS["zendesk"]["options"])
        )
        report = await sync_connection(store, recorded, streams=["tickets"])
    return Run(report, recorded.pages, sleeps.waits)


CASES: dict[str, tuple[Callable[[], list[Fault]], str]] = {
    "a slow body that arrives within the read timeout": (
        lambda: [Fault("trickle", delay=0.05, chunks=4, path=TICKETS, after=1) for _ in range(3)],
        "",
    ),
    "a body slower than the read timeout, every retry": (
        lambda: (
            [Fault("trickle", delay=1.0, chunks=2, path=TICKETS, after=1)]
            + [Fault("trickle", delay=1.0, chunks=2, path=TICKETS) for _ in range(5)]
        ),
        "Zendesk timed out on GET /api/v2/incremental/tickets/cursor (tried 6 times)",
    ),
    "a connection dropped mid-body, every retry": (
        lambda: (
            [Fault("drop", path=TICKETS, after=1)] + [Fault("drop", path=TICKETS) for _ in range(5)]
        ),
        "Zendesk the connection dropped mid-response on GET /api/v2/incremental/tickets/cursor",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
async def test_sync_over_loopback_survives(
    name: str, served: RunningFakes, sqlite_url: str
) -> None:
    faults, error = CASES[name]
    app = served.apps["zendesk"]
    app.state.faults[:] = faults()
    store = Store.open(sqlite_url)
    try:
        run = await _sync(served, store)
        covered = assert_cursor_behind_saved_data(store, run, CONN, "tickets")
    finally:
        store.close()
        app.state.faults.clear()
    errors = " | ".join(s.error for s in run.report.streams if s.error)
    if not error:
        assert run.report.ok and covered == len(run.pages) > 1, errors
        return
    assert error in errors and covered >= 1, errors
    assert_one_line(errors)
    assert len(run.waits) == 5 and backoff(run.waits), run.waits
