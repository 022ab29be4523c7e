"""spec_hook: right answers pass, wrong requests and responses fail with a flattened message."""

import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from prodops_tui.connectors.auth import basic, bearer
from prodops_tui.connectors.errors import RateLimited
from prodops_tui.connectors.http import HttpCore
from tests.contract.spec_hook import spec_file, spec_hook

JIRA = "jira-pm-subset.openapi.json"
SEARCH = "/rest/api/3/search/jql"
ISSUE = {"id": "10001", "key": "PM-1", "fields": {"summary": "Export fails"}}
TICKET = {"id": 7, "subject": "Export fails", "status": "open", "requester_id": 42}
GB_LIST = {"limit": 10, "offset": 0, "count": 0, "total": 0, "hasMore": False, "nextOffset": None}


def answering(
    spec: str, server: str, status: int, body: Any, headers: dict[str, str] | None = None
) -> httpx.AsyncClient:
    """A client whose every request gets (status, body) and runs through the spec hook."""
    hook = spec_hook(spec_file(spec), server=server)
    transport = httpx.MockTransport(lambda r: httpx.Response(status, json=body, headers=headers))
    return httpx.AsyncClient(base_url=server, transport=transport, event_hooks={"response": [hook]})


async def test_jira_search_with_next_page_token_passes() -> None:
    body = {"issues": [ISSUE], "nextPageToken": "abc", "isLast": False}
    async with answering(JIRA, "http://jira.test", 200, body) as client:
        response = await client.post(
            SEARCH, json={"jql": "project = PM", "fields": ["summary"]}, auth=("pm@x.io", "t")
        )
    assert response.json()["nextPageToken"] == "abc"


async def test_jira_search_answering_total_fails() -> None:
    body = {"issues": [ISSUE], "isLast": True, "total": 1}
    async with answering(JIRA, "http://jira.test", 200, body) as client:
        with pytest.raises(AssertionError) as caught:
            await client.post(SEARCH, json={"jql": "project = PM"}, auth=("pm@x.io", "t"))
    message = str(caught.value)
    assert "POST /rest/api/3/search/jql -> 200 breaks jira-pm-subset.openapi.json" in message
    assert "'total' was unexpected" in message and "\n" not in message


async def test_jira_search_request_with_start_at_fails() -> None:
    async with answering(JIRA, "http://jira.test", 200, {"issues": [], "isLast": True}) as client:
        with pytest.raises(AssertionError, match="startAt"):
            await client.post(SEARCH, json={"jql": "project = PM", "startAt": 0}, auth=("a", "b"))


@pytest.mark.parametrize("spec", ["zendesk-pm-subset.openapi.yaml", "zendesk-support-oas.yaml"])
async def test_zendesk_ticket_needs_requester_id(spec: str) -> None:
    headers = {"Authorization": "Bearer oauth-access"}
    async with answering(spec, "http://z.test", 200, {"ticket": TICKET}) as client:
        await client.get("/api/v2/tickets/7", headers=headers)
    missing = {k: v for k, v in TICKET.items() if k != "requester_id"}
    async with answering(spec, "http://z.test", 200, {"ticket": missing}) as client:
        with pytest.raises(AssertionError, match="'requester_id' is a required property"):
            await client.get("/api/v2/tickets/7", headers=headers)


async def test_zendesk_request_without_credentials_fails() -> None:
    spec = "zendesk-pm-subset.openapi.yaml"
    async with answering(spec, "http://z.test", 200, {"ticket": TICKET}) as client:
        with pytest.raises(AssertionError, match="GET /api/v2/tickets/7"):
            await client.get("/api/v2/tickets/7")


async def test_undeclared_429_and_503_pass_but_an_undeclared_418_fails() -> None:
    for status in (429, 503):
        retry = {"Retry-After": "1"}
        async with answering(JIRA, "http://jira.test", status, {"e": 1}, retry) as client:
            assert (await client.get("/rest/api/3/myself", auth=("a", "b"))).status_code == status
    async with answering(JIRA, "http://jira.test", 418, {"e": 1}) as client:
        with pytest.raises(AssertionError, match="418"):
            await client.get("/rest/api/3/myself", auth=("a", "b"))


async def test_growthbook_list_passes_despite_strict_all_of_and_missing_paging_fails() -> None:
    server = "http://gb.test/api"
    body: dict[str, Any] = {"experiments": [], **GB_LIST}
    async with answering("growthbook-spec.yaml", server, 200, body) as client:
        await client.get(
            "/v1/experiments", params={"limit": 10}, headers={"Authorization": "Bearer s"}
        )
    del body["hasMore"]
    async with answering("growthbook-spec.yaml", server, 200, body) as client:
        with pytest.raises(AssertionError, match="'hasMore' is a required property"):
            await client.get("/v1/experiments", headers={"Authorization": "Bearer s"})


async def _myself(request: Request) -> JSONResponse:
    if "authorization" not in request.headers:
        return JSONResponse({"errorMessages": ["Unauthorized"]}, 401)
    return JSONResponse({"accountId": "5b10", "displayName": "Pat", "active": True})


async def test_hook_runs_inside_http_core_against_a_starlette_fake() -> None:
    app = Starlette(routes=[Route("/rest/api/3/myself", _myself)])
    server = "http://jira.test"
    hook = spec_hook(spec_file(JIRA), server=server)
    transport = httpx.ASGITransport(app=app)
    async with HttpCore(
        "jira", server, basic("pm@x.io", "t"), transport=transport, event_hooks={"response": [hook]}
    ) as http:
        assert (await http.get_json("/rest/api/3/myself"))["displayName"] == "Pat"
        with pytest.raises(AssertionError, match="GET /rest/api/3/nowhere"):
            await http.request("GET", "/rest/api/3/nowhere")


async def test_undeclared_429_reaches_http_core_retry_logic() -> None:
    server = "http://jira.test"
    hook = spec_hook(spec_file(JIRA), server=server)
    transport = httpx.MockTransport(lambda r: httpx.Response(429, headers={"Retry-After": "99"}))
    async with HttpCore(
        "jira", server, bearer("t"), transport=transport, event_hooks={"response": [hook]}
    ) as http:
        with pytest.raises(RateLimited):
            await http.request("GET", "/rest/api/3/myself")


def test_missing_spec_skips_with_a_reason(tmp_path: Path) -> None:
    with pytest.raises(pytest.skip.Exception, match="not found"):
        spec_hook(tmp_path / "absent.yaml", server="http://x.test")
    with pytest.raises(pytest.skip.Exception, match="/work/shared/api-specs"):
        spec_file("no-such-spec.yaml")


def test_api_specs_fixture_finds_the_vendored_specs(api_specs: Path) -> None:
    assert (api_specs / JIRA).is_file()


async def test_full_jira_spec_with_recursive_schemas_loads_and_checks_fast() -> None:
    start = time.monotonic()
    body = {"issues": [ISSUE], "isLast": True, "total": 1}
    spec = "jira-platform-swagger-v3.v3.json"
    async with answering(spec, "http://jira.test", 200, body) as client:
        with pytest.raises(AssertionError, match="'total' was unexpected"):
            await client.post(SEARCH, json={"jql": "project = PM"}, auth=("pm@x.io", "t"))
    assert time.monotonic() - start < 10
