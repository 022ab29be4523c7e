"""The fake GrowthBook and Mixpanel behave like the real APIs: auth, paging, limits, shapes."""

import json
from datetime import date

import httpx
import pytest
from starlette.applications import Starlette

from prodops_tui.fakes import growthbook, mixpanel
from prodops_tui.services.generator import Company, generate

TODAY = date(2025, 6, 1)


@pytest.fixture(scope="module")
def company() -> Company:
    return generate("small", 7, TODAY)


def client(app: Starlette, **headers: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://fake.test", headers=headers
    )


async def test_growthbook_auth_paging_sorting_and_filters(company: Company) -> None:
    app = growthbook.create_app(company, token="secret_k")
    async with client(app) as anonymous:
        refused = await anonymous.get("/api/v1/experiments")
    assert refused.status_code == 401 and refused.json() == {"message": "Invalid API key"}
    async with client(app, authorization="Bearer secret_k") as gb:
        assert (await gb.get("/api/v1/experiments", params={"limit": 101})).status_code == 400
        first = (await gb.get("/api/v1/experiments", params={"limit": 30})).json()
        second = (await gb.get("/api/v1/experiments", params={"limit": 30, "offset": 30})).json()
        newest = await gb.get(
            "/api/v1/experiments", params={"sortBy": "dateUpdated", "sortOrder": "desc"}
        )
        stopped = await gb.get("/api/v1/experiments", params={"status": "stopped", "limit": 100})
        other = await gb.get("/api/v1/experiments", params={"projectId": "prj_other"})
        missing = await gb.get("/api/v1/experiments/exp_999")
        metrics = (await gb.get("/api/v1/metrics")).json()
    assert (first["count"], first["total"], first["hasMore"], first["nextOffset"]) == (
        30,
        32,
        True,
        30,
    )
    assert (second["count"], second["hasMore"], second["nextOffset"]) == (2, False, None)
    stamps = [e["dateUpdated"] for e in newest.json()["experiments"]]
    assert stamps == sorted(stamps, reverse=True)
    assert {e["status"] for e in stopped.json()["experiments"]} == {"stopped"}
    assert other.json()["total"] == 0
    assert missing.status_code == 404
    assert metrics["total"] >= 1 and all(m["id"].startswith("met_") for m in metrics["metrics"])


async def test_growthbook_minute_budget(company: Company) -> None:
    app = growthbook.create_app(company, token="secret_k", per_minute=2)
    async with client(app, authorization="Bearer secret_k") as gb:
        answers = [(await gb.get("/api/v1/metrics")) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert float(answers[-1].headers["retry-after"]) > 0


def mp_client(app: Starlette, secret: str = "s") -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://fake.test", auth=("sa", secret)
    )


async def test_mixpanel_auth_and_project_checks(company: Company) -> None:
    app = mixpanel.create_app(company, token="s", username="sa")
    project = app.state.project_id
    params = {"event": "app_opened", "from_date": "2025-05-01", "to_date": "2025-05-31"}
    async with mp_client(app, secret="wrong") as wrong:
        assert (await wrong.get("/api/query/segmentation", params=params)).status_code == 401
    async with mp_client(app) as mp:
        assert (await mp.get("/api/query/segmentation", params=params)).status_code == 400
        other = {**params, "project_id": project + 1}
        assert (await mp.get("/api/query/segmentation", params=other)).status_code == 403
        inverted = {**params, "project_id": project, "from_date": "2025-06-01"}
        assert (await mp.get("/api/query/segmentation", params=inverted)).status_code == 400
        ok = await mp.get("/api/query/segmentation", params={**params, "project_id": project})
    data = ok.json()["data"]
    assert len(data["series"]) == 31 and set(data["values"]) == {"app_opened"}
    assert data["values"]["app_opened"]["2025-05-31"] == mixpanel.daily_count(
        7, "app_opened", date(2025, 5, 31)
    )


async def test_mixpanel_hourly_budget_and_concurrency(company: Company) -> None:
    app = mixpanel.create_app(company, token="s", per_hour=1)
    params = {"project_id": app.state.project_id, "type": "general"}
    async with mp_client(app) as mp:
        app.state.in_flight = 5
        busy = await mp.get("/api/query/events/names", params=params)
        app.state.in_flight = 0
        first = await mp.get("/api/query/events/names", params=params)
        second = await mp.get("/api/query/events/names", params=params)
    assert busy.status_code == 429 and first.status_code == 200
    assert second.status_code == 429 and float(second.headers["retry-after"]) > 3000


async def test_mixpanel_nps_by_score_and_export_agree(company: Company) -> None:
    app = mixpanel.create_app(company, token="s")
    span = {"project_id": app.state.project_id, "from_date": "2024-06-01", "to_date": "2025-06-01"}
    async with mp_client(app) as mp:
        by_score = await mp.get(
            "/api/query/segmentation",
            params={**span, "event": app.state.nps_event, "on": 'properties["score"]'},
        )
        exported = await mp.get(
            "/api/2.0/export", params={**span, "event": json.dumps([app.state.nps_event])}
        )
        bad = await mp.get("/api/query/events", params={**span, "event": "app_opened"})
    total = sum(sum(days.values()) for days in by_score.json()["data"]["values"].values())
    lines = exported.text.splitlines()
    assert total == len(lines) == len(app.state.nps)
    assert exported.headers["content-type"].startswith("text/plain")
    assert {json.loads(line)["properties"]["$insert_id"] for line in lines} == {
        row["external_id"] for row in app.state.nps
    }
    assert bad.status_code == 400
