"""Issue 10 item 2 (R4): `sync_connection` against fakes scripted to misbehave.

429 storms with Retry-After, 5xx bursts, an HTML page, a body cut off mid-way, a 401 mid-sync,
pagination loops and cursors that go backwards. Every run ends without an unhandled exception,
either synced or with a one-line error saved on the stream; the saved cursor is one whose page
(and every page before it) is in the store; a loop is reported, not followed; and the retry
waits, read from the HTTP core's sleep hook (never slept), honour Retry-After.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from prodops_tui.connectors import jira_pull
from prodops_tui.fakes.zendesk import Fault
from prodops_tui.store.store import Store
from tests.fuzz.faults import (
    Run,
    assert_cursor_behind_saved_data,
    assert_one_line,
    backoff,
    company,
    fake,
    saved_cursor,
    sync_faulted,
)

TICKETS = "/api/v2/incremental/tickets"
SEARCH = "/rest/api/3/search/jql"


@dataclass(frozen=True)
class Scenario:
    kind: str
    stream: str
    faults: Callable[[], list[Fault]]
    error: str = ""
    """Words the stream's one-line error must hold; empty: the sync must succeed."""
    waits: Callable[[list[float]], bool] = lambda waits: True
    """What the recorded retry waits must satisfy."""
    pages_kept: int = 0
    """At least this many pages committed (and the cursor at the last of them) after a failure."""
    options: dict[str, object] = field(default_factory=dict)


SCENARIOS = {
    "429 storm, Retry-After honoured": Scenario(
        "jira",
        "issues",
        lambda: [Fault("status", 429, retry_after=7, path=SEARCH) for _ in range(5)],
        waits=lambda waits: waits == [7.0] * 5,
    ),
    "429 storm outlasting the retries, mid-sync": Scenario(
        "zendesk",
        "tickets",
        lambda: (
            [Fault("status", 429, retry_after=3, path=TICKETS, after=2)]
            + [Fault("status", 429, retry_after=3, path=TICKETS) for _ in range(5)]
        ),
        error="rate limit reached on GET /api/v2/incremental/tickets/cursor; retry in 3 s",
        waits=lambda waits: waits == [3.0] * 5,
        pages_kept=2,
    ),
    "Retry-After beyond the 60 s cap": Scenario(
        "growthbook",
        "experiments",
        lambda: [Fault("status", 429, retry_after=120, path="/api/v1/experiments")],
        error="GrowthBook rate limit reached on GET /api/v1/experiments; retry in 120 s",
        waits=lambda waits: waits == [],
    ),
    "5xx burst": Scenario(
        "zendesk",
        "tickets",
        lambda: (
            [Fault("status", 503, path=TICKETS, after=1)]
            + [Fault("status", s, path=TICKETS) for s in (500, 502)]
        ),
        waits=lambda waits: len(waits) == 3 and backoff(waits),
    ),
    "5xx outlasting the retries": Scenario(
        "mixpanel",
        "usage",
        lambda: [Fault("status", 502, path="/api/query/events") for _ in range(6)],
        error="Mixpanel is unavailable (HTTP 502) on GET /api/query/events",
        waits=lambda waits: len(waits) == 5 and backoff(waits),
    ),
    "an HTML error page": Scenario(
        "jira",
        "issues",
        lambda: [Fault("html", 200, path="/rest/api/3/issue/bulkfetch")],
        error="Jira sent an HTML page instead of JSON on POST /rest/api/3/issue/bulkfetch",
    ),
    "a body cut off mid-page (JSON that ends early)": Scenario(
        "zendesk",
        "tickets",
        lambda: [Fault("truncated", path=TICKETS, after=3)],
        error="Zendesk sent malformed or truncated JSON on GET /api/v2/incremental/tickets",
        pages_kept=3,
    ),
    "401 mid-sync": Scenario(
        "zendesk",
        "tickets",
        lambda: [Fault("status", 401, path=TICKETS, after=2)],
        error="Zendesk rejected the credentials (HTTP 401)",
        pages_kept=2,
    ),
    "a pagination loop (the same cursor again, forever)": Scenario(
        "zendesk",
        "tickets",
        lambda: [Fault("replay", path=TICKETS, after=2, back=1) for _ in range(50)],
        error="Zendesk sent an export cursor it had sent before (a pagination loop)",
        pages_kept=2,
    ),
    "a cursor that goes backwards": Scenario(
        "zendesk",
        "tickets",
        lambda: [Fault("replay", path=TICKETS, after=3, back=2)],
        error="pagination loop",
        pages_kept=3,
    ),
    "a Jira search token handed out twice, forever": Scenario(
        "jira",
        "issues",
        lambda: [Fault("replay", path=SEARCH, after=2, back=1) for _ in range(50)],
        error="Jira sent a search page token it had sent before (a pagination loop)",
        pages_kept=2,
    ),
    "401 on a Jira search page mid-sync": Scenario(
        "jira",
        "issues",
        lambda: [Fault("status", 401, path=SEARCH, after=3)],
        error="Jira rejected the credentials (HTTP 401) on POST /rest/api/3/search/jql",
        pages_kept=3,
    ),
    "a GrowthBook offset that goes back": Scenario(
        "growthbook",
        "experiments",
        lambda: [Fault("replay", path="/api/v1/experiments", query="offset=", after=2)],
        error="GrowthBook sent an experiments offset it had sent before",
    ),
}


ON_POSTGRESQL = (
    "429 storm outlasting the retries, mid-sync",
    "401 mid-sync",
    "a cursor that goes backwards",
)
"""Where the cursor matters most, the scenario runs on PostgreSQL too (skipped without one)."""
CASES = [(name, "sqlite_url") for name in SCENARIOS] + [(name, "pg_url") for name in ON_POSTGRESQL]


@pytest.mark.parametrize(("name", "database"), CASES)
async def test_sync_against_a_misbehaving_fake(
    name: str, database: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario = SCENARIOS[name]
    url = str(request.getfixturevalue(database))
    monkeypatch.setattr(jira_pull, "ID_PAGE", 40)  # several search pages from the tiny company
    app = fake(scenario.kind, company())
    app.state.faults.extend(scenario.faults())
    store = Store.open(url)
    try:
        run = await sync_faulted(store, scenario.kind, app, scenario.stream)
        _check(store, run, scenario)
    finally:
        store.close()


def _check(store: Store, run: Run, scenario: Scenario) -> None:
    connection_id = f"{scenario.kind}:acme"
    _, saved_error = saved_cursor(store, connection_id, scenario.stream)
    assert scenario.waits(run.waits), run.waits
    covered = assert_cursor_behind_saved_data(store, run, connection_id, scenario.stream)
    if not scenario.error:
        assert run.report.ok and not saved_error, run.error
        assert covered == len(run.pages) > 0
        return
    assert not run.report.ok and scenario.error in run.error, run.error
    assert_one_line(run.error)
    assert saved_error == run.error
    assert covered >= scenario.pages_kept
