"""MixpanelConnector against the fake Mixpanel: in-process and over a loopback socket."""

import asyncio
import socket
from collections.abc import AsyncIterator
from datetime import date, timedelta

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette

from prodops_tui.connectors.auth import basic
from prodops_tui.connectors.errors import AuthError, BadResponse, RateLimited, Rejected
from prodops_tui.connectors.http import HttpCore, RateBudget
from prodops_tui.connectors.mixpanel import QUERY_BUDGET, MixpanelConnector, export_url
from prodops_tui.connectors.mixpanel_map import ACTIVE, ACTIVE_MONTH
from prodops_tui.fakes.mixpanel import Fault, create_app, daily_count, daily_unique
from prodops_tui.services.generator import Company, generate

TODAY = date(2025, 6, 1)
SECRET = "sa-secret"


@pytest.fixture(scope="module")
def company() -> Company:
    return generate("small", 7, TODAY)


@pytest.fixture
def app(company: Company) -> Starlette:
    return create_app(company, token=SECRET, username="prodops-sa")


def connector(
    app: Starlette,
    sleeps: list[float] | None = None,
    secret: str = SECRET,
    base: str = "http://mixpanel.test",
    **options: object,
) -> MixpanelConnector:
    async def sleep(seconds: float) -> None:
        if sleeps is not None:
            sleeps.append(seconds)

    http = HttpCore(
        "mixpanel",
        base,
        basic("prodops-sa", secret),
        transport=httpx.ASGITransport(app=app),
        budgets=(RateBudget(QUERY_BUDGET, 3600, 60, concurrency=5),),
        sleep=sleep,
    )
    settings = {"project_id": app.state.project_id, "nps_event": app.state.nps_event, **options}
    mp = MixpanelConnector(http, connection_id="mixpanel:acme", options=settings)
    mp.today = lambda: TODAY
    return mp


async def rows_of(mp: MixpanelConnector, stream: str, cursor: str = "") -> tuple[list, str]:
    rows: list[dict[str, object]] = []
    async for page in mp.pull(stream, cursor):
        rows += page.rows
        cursor = page.cursor
    return rows, cursor


async def test_usage_counts_dau_and_mau(app: Starlette) -> None:
    mp = connector(app, events=["checkout_completed"], usage_days=10)
    rows, cursor = await rows_of(mp, "usage")
    assert cursor == TODAY.isoformat()
    by_key = {(r["event"], r["day"]): r for r in rows}
    day = TODAY - timedelta(days=3)
    checkout = by_key[("checkout_completed", day)]
    assert checkout["count"] == daily_count(7, "checkout_completed", day)
    assert checkout["unique_users"] == daily_unique(7, "checkout_completed", day)
    dau = by_key[(ACTIVE, day)]
    assert dau["unique_users"] == daily_unique(7, "app_opened", day)
    months = sorted(d for e, d in by_key if e == ACTIVE_MONTH)
    assert months == [date(2025, 5, 1), date(2025, 6, 1)]
    assert by_key[(ACTIVE_MONTH, date(2025, 5, 1))]["unique_users"] >= dau["unique_users"]
    assert {e for e, _ in by_key} == {"checkout_completed", "app_opened", ACTIVE, ACTIVE_MONTH}


async def test_usage_resumes_with_overlap_and_lists_events_when_none_are_chosen(
    app: Starlette,
) -> None:
    rows, _ = await rows_of(connector(app), "usage", (TODAY - timedelta(days=1)).isoformat())
    days = {r["day"] for r in rows if r["event"] != ACTIVE_MONTH}
    assert min(days) == TODAY - timedelta(days=4) and max(days) == TODAY
    assert {r["event"] for r in rows} >= set(app.state.events)
    assert app.state.nps_event not in {r["event"] for r in rows}


async def test_nps_rows_match_the_generated_responses(company: Company, app: Starlette) -> None:
    rows, cursor = await rows_of(connector(app), "nps")
    expected = {f["id"]: f for f in company.feedback() if f["kind"] == "nps"}
    assert {r["id"] for r in rows} == set(expected)
    for row in rows[:200]:
        want = expected[str(row["id"])]
        keys = ("score", "body", "requester", "requester_email", "created", "external_id", "tags")
        assert {k: row[k] for k in keys} == {k: want[k] for k in keys}
    assert cursor == max(f["created"] for f in expected.values()).date().isoformat()
    again, _ = await rows_of(connector(app), "nps", cursor)
    assert 0 < len(again) < 20


async def test_reports_are_cached_for_an_hour(app: Starlette) -> None:
    mp = connector(app)
    clock = [0.0]
    mp.clock = lambda: clock[0]
    first = await mp.nps(date(2025, 1, 1), TODAY)
    used = len(app.state.limit.hits)
    assert await mp.nps(date(2025, 1, 1), TODAY) == first
    assert len(app.state.limit.hits) == used
    clock[0] = 3601.0
    await mp.nps(date(2025, 1, 1), TODAY)
    assert len(app.state.limit.hits) == used + 1
    assert first["responses"] == first["promoters"] + first["passives"] + first["detractors"]
    assert -100 <= first["nps"] <= 100


async def test_hourly_budget_ends_in_rate_limited_with_the_wait(app: Starlette) -> None:
    app.state.limit.limit = 1
    mp = connector(app)
    await mp.check()
    with pytest.raises(RateLimited) as raised:
        await mp.event_counts(["app_opened"], TODAY, TODAY)
    assert raised.value.retry_after is not None and raised.value.retry_after > 3000


async def test_a_short_retry_after_is_honoured(app: Starlette) -> None:
    sleeps: list[float] = []
    app.state.faults.append(Fault("status", 429, retry_after=2, path="/api/query/events"))
    counts = await connector(app, sleeps).event_counts(["app_opened"], TODAY, TODAY)
    assert sleeps == [2.0]
    assert counts["app_opened"][TODAY] == daily_count(7, "app_opened", TODAY)


async def test_errors_are_typed(app: Starlette) -> None:
    with pytest.raises(AuthError):
        await connector(app, secret="wrong").check()
    with pytest.raises(Rejected, match="project_id"):
        await connector(app, project_id="").check()
    app.state.faults.append(Fault("truncated", path="/api/2.0/export"))
    with pytest.raises(BadResponse):
        await rows_of(connector(app), "nps")
    app.state.faults.append(Fault("html", 200, path="/api/query/events"))
    with pytest.raises(BadResponse):
        await connector(app).event_counts(["x"], TODAY, TODAY)


def test_export_lives_on_the_data_host() -> None:
    assert export_url("https://mixpanel.com") == "https://data.mixpanel.com/api/2.0/export"
    assert export_url("https://eu.mixpanel.com/") == "https://data-eu.mixpanel.com/api/2.0/export"
    assert export_url("http://127.0.0.1:9/") == "http://127.0.0.1:9/api/2.0/export"


@pytest.fixture
async def served(app: Starlette) -> AsyncIterator[str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await task
        sock.close()


async def test_both_streams_over_a_loopback_socket(app: Starlette, served: str) -> None:
    async with HttpCore("mixpanel", served, basic("prodops-sa", SECRET)) as http:
        options = {"project_id": app.state.project_id, "events": ["seat_added"]}
        mp = MixpanelConnector(http, connection_id="mixpanel:acme", options=options)
        mp.today = lambda: TODAY
        usage, _ = await rows_of(mp, "usage")
        nps, _ = await rows_of(mp, "nps")
    assert len(usage) > 100 and len(nps) == len(app.state.nps)
