"""Every request the GrowthBook and Mixpanel connectors send, and every answer the fakes give,
match the vendors' specs (GrowthBook 5.0.1 with relaxed allOf; Mixpanel Query and Export)."""

from datetime import date

import httpx

from prodops_tui.connectors.auth import basic, bearer
from prodops_tui.connectors.growthbook import GrowthBookConnector
from prodops_tui.connectors.http import HttpCore
from prodops_tui.connectors.mixpanel import MixpanelConnector
from prodops_tui.fakes import growthbook, mixpanel
from prodops_tui.services.generator import generate
from tests.contract.spec_hook import Hook, spec_file, spec_hook

TODAY = date(2025, 6, 1)
GROWTHBOOK = "https://api.growthbook.io"
MIXPANEL = "https://mixpanel.com"
EXPORT_HOST = "data.mixpanel.com"


async def _no_wait(seconds: float) -> None:
    return None


def _growthbook_http(token: str = "secret_fake") -> tuple[HttpCore, list[httpx.Response]]:
    app = growthbook.create_app(generate("small", 7, TODAY), token="secret_fake")
    hook = spec_hook(spec_file("growthbook-spec.yaml"), server=f"{GROWTHBOOK}/api")
    seen: list[httpx.Response] = []

    async def record(response: httpx.Response) -> None:
        seen.append(response)

    http = HttpCore(
        "growthbook",
        GROWTHBOOK,
        bearer(token),
        transport=httpx.ASGITransport(app=app),
        event_hooks={"response": [hook, record]},
        sleep=_no_wait,
    )
    return http, seen


async def test_growthbook_connector_and_fake_follow_the_spec() -> None:
    http, seen = _growthbook_http()
    async with http:
        gb = GrowthBookConnector(
            http, connection_id="growthbook:acme", options={"project_id": "prj_acme"}
        )
        assert "32 experiments" in await gb.check()
        rows = await gb.list_experiments()
        assert len(rows) == 32
        assert any(row["results"] for row in rows)
        single = await http.get_json("/api/v1/experiments/exp_001")
        assert single["experiment"]["enhancedStatus"]["status"] in ("Running", "Stopped", "Draft")
        assert await gb.gone("experiments", {"growthbook:acme:exp_001"}) == set()  # the sweep
    paths = {r.request.url.path for r in seen}
    assert {"/api/v1/experiments", "/api/v1/metrics"} <= paths
    assert any(p.endswith("/results") for p in paths)


def _router(query: Hook, export: Hook) -> Hook:
    """Validate each exchange against the spec of the host it went to."""

    async def check(response: httpx.Response) -> None:
        hook = export if response.request.url.host == EXPORT_HOST else query
        await hook(response)

    return check


async def test_mixpanel_connector_and_fake_follow_the_specs() -> None:
    app = mixpanel.create_app(generate("small", 7, TODAY), token="secret")
    query = spec_hook(spec_file("mixpanel-query.openapi.yaml"), server=f"{MIXPANEL}/api/query")
    export = spec_hook(
        spec_file("mixpanel-export.openapi.yaml"), server=f"https://{EXPORT_HOST}/api/2.0"
    )
    async with HttpCore(
        "mixpanel",
        MIXPANEL,
        basic("prodops-sa", "secret"),
        transport=httpx.ASGITransport(app=app),
        event_hooks={"response": [_router(query, export)]},
        sleep=_no_wait,
    ) as http:
        options = {"project_id": app.state.project_id, "nps_event": app.state.nps_event}
        mp = MixpanelConnector(http, connection_id="mixpanel:acme", options=options)
        mp.today = lambda: TODAY
        assert mp.export_url == f"https://{EXPORT_HOST}/api/2.0/export"
        await mp.check()
        usage = [row async for page in mp.pull("usage", "") for row in page.rows]
        nps = [row async for page in mp.pull("nps", "") for row in page.rows]
        summary = await mp.nps(date(2025, 1, 1), TODAY)
    assert usage and nps
    assert summary["responses"] > 0
