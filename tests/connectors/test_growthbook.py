"""GrowthBookConnector against the fake GrowthBook: in-process and over a loopback socket."""

import asyncio
import socket
from collections.abc import AsyncIterator
from datetime import date, timedelta

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette

from prodops_tui.connectors.auth import bearer
from prodops_tui.connectors.base import Edit
from prodops_tui.connectors.errors import (
    AuthError,
    BadResponse,
    RateLimited,
    Rejected,
    ServiceUnavailable,
)
from prodops_tui.connectors.growthbook import GrowthBookConnector
from prodops_tui.connectors.http import HttpCore
from prodops_tui.fakes.growthbook import Fault, create_app, iso
from prodops_tui.services.generator import Company, generate

TODAY = date(2025, 6, 1)
TOKEN = "secret_test-key"


@pytest.fixture(scope="module")
def company() -> Company:
    return generate("small", 7, TODAY)


@pytest.fixture
def app(company: Company) -> Starlette:
    return create_app(company, token=TOKEN)


def connector(
    app: Starlette, sleeps: list[float] | None = None, token: str = TOKEN, **options: object
) -> GrowthBookConnector:
    async def sleep(seconds: float) -> None:
        if sleeps is not None:
            sleeps.append(seconds)

    http = HttpCore(
        "growthbook",
        "http://growthbook.test",
        bearer(token),
        transport=httpx.ASGITransport(app=app),
        sleep=sleep,
    )
    gb = GrowthBookConnector(http, connection_id="growthbook:acme", options=options)
    gb.today = lambda: TODAY
    return gb


async def pull(gb: GrowthBookConnector, cursor: str = "") -> tuple[list[dict[str, object]], str]:
    rows, saved = [], cursor
    async for page in gb.pull("experiments", cursor):
        rows += page.rows
        saved = page.cursor
    return rows, saved


async def test_full_pull_maps_the_generated_experiments(company: Company, app: Starlette) -> None:
    rows, cursor = await pull(connector(app, project_id="prj_acme", page_size=7))
    expected = {r["id"]: r for r in company.experiments() if r["source"] == "growthbook"}
    assert {r["id"] for r in rows} == set(expected)
    for row in rows:
        want = expected[str(row["id"])]
        same = ("name", "design", "status", "owner", "surface", "flag_key", "primary_metric")
        same += ("namespace_start", "namespace_end", "traffic_pct", "variations", "audience")
        same += ("regions", "treated_geos", "donor_geos", "bucket_hours", "start", "updated")
        assert {k: row[k] for k in same} == {k: want[k] for k in same}
        if want["status"] == "stopped":
            assert row["end"] == want["end"]
            assert {k: row["results"][k] for k in want["results"]} == want["results"]  # type: ignore[index]
    assert cursor == max(r["updated"] for r in expected.values()).isoformat()
    assert any(r["status"] == "scheduled" for r in rows)


async def test_incremental_pull_stops_at_the_watermark(app: Starlette) -> None:
    gb = connector(app, page_size=5)
    _, cursor = await pull(gb)
    later = iso(TODAY + timedelta(hours=30))
    app.state.experiments["exp_011"]["dateUpdated"] = later
    app.state.experiments["exp_011"]["name"] = "Renamed remotely"
    requests_before = len(app.state.limit.hits)
    rows, new_cursor = await pull(gb, cursor)
    assert rows[0]["id"] == "growthbook:acme:exp_011" and rows[0]["name"] == "Renamed remotely"
    assert all(r["updated"].isoformat() == cursor for r in rows[1:])  # type: ignore[attr-defined]
    assert new_cursor > cursor
    assert len(app.state.limit.hits) - requests_before < 10
    rows, _ = await pull(gb, new_cursor)
    assert [r["id"] for r in rows] == ["growthbook:acme:exp_011"]


async def test_an_interrupted_pull_keeps_the_old_watermark(app: Starlette) -> None:
    gb = connector(app, page_size=10)
    pages = gb.pull("experiments", "2020-01-01T00:00:00+00:00")
    first = await anext(pages)
    assert first.cursor == "2020-01-01T00:00:00+00:00"
    app.state.faults.append(Fault("status", 500, path="/api/v1/experiments"))
    app.state.faults.extend(Fault("status", 503) for _ in range(6))
    with pytest.raises(ServiceUnavailable, match="unavailable"):
        await anext(pages)


async def test_429_waits_the_retry_after_then_succeeds(app: Starlette) -> None:
    sleeps: list[float] = []
    app.state.faults.append(Fault("status", 429, retry_after=7, path="/api/v1/experiments"))
    rows, _ = await pull(connector(app, sleeps))
    assert sleeps == [7.0]
    assert len(rows) == 32  # 40 generated, 8 of them local plans


async def test_the_fakes_minute_budget_answers_429_with_retry_after(app: Starlette) -> None:
    app.state.limit.limit = 3
    gb = connector(app, [])
    with pytest.raises(RateLimited) as raised:
        await pull(gb)
    assert raised.value.retry_after is not None and raised.value.retry_after > 0


async def test_wrong_key_html_and_truncated_bodies_are_typed_errors(app: Starlette) -> None:
    with pytest.raises(AuthError):
        await connector(app, token="secret_wrong").check()
    app.state.faults.append(Fault("html", 200))
    with pytest.raises(BadResponse):
        await connector(app).check()
    app.state.faults.append(Fault("truncated"))
    with pytest.raises(BadResponse):
        await pull(connector(app))


async def test_results_missing_reads_as_none_yet_and_edits_are_refused(app: Starlette) -> None:
    gb = connector(app)
    app.state.results.pop("exp_001")
    assert await gb.experiment_results("exp_001") == {}
    summary = await gb.experiment_results("exp_002")
    assert {"lift", "ci_low", "ci_high", "srm_p", "users", "variations"} <= set(summary)
    with pytest.raises(Rejected):
        await gb.apply(Edit("e-1", "growthbook:acme:exp_001", "tags", {}))
    with pytest.raises(Rejected):
        gb.pull("metrics", "")


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


async def test_pull_over_a_loopback_socket(served: str) -> None:
    async with HttpCore("growthbook", served, bearer(TOKEN)) as http:
        gb = GrowthBookConnector(http, connection_id="growthbook:acme", options={})
        rows = await gb.list_experiments()
    assert len(rows) == 32  # 40 generated, 8 of them local plans
