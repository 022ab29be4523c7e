"""The fake Jira speaks the real protocol: auth, bounded JQL, token paging, caps, writes."""

from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from tests.connectors.jira_helpers import fake_jira

API = "/rest/api/3"


def client(app: Starlette, auth: Any = ("ops@acme.example", "fake-token")) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://j", auth=auth)


@pytest.mark.parametrize(
    ("auth", "status"),
    [(None, 401), (("ops@acme.example", "wrong"), 401), (("ops@acme.example", "fake-token"), 200)],
)
async def test_basic_auth_is_enforced(auth: Any, status: int) -> None:
    async with client(fake_jira(), auth) as jira:
        assert (await jira.get(f"{API}/myself")).status_code == status


async def test_bearer_tokens_work() -> None:
    async with client(fake_jira(), None) as jira:
        headers = {"Authorization": "Bearer fake-token"}
        assert (await jira.get(f"{API}/field", headers=headers)).status_code == 200


async def test_unbounded_or_foreign_jql_is_rejected() -> None:
    async with client(fake_jira()) as jira:
        for jql in ("order by key desc", "summary ~ boom", "project in (CHK) OR id = 1"):
            response = await jira.post(f"{API}/search/jql", json={"jql": jql})
            assert response.status_code == 400, jql
        response = await jira.post(f"{API}/search/jql", json={"jql": "project = CHK", "startAt": 5})
        assert response.status_code == 400


async def test_search_pages_by_token_without_total_and_defaults_to_ids() -> None:
    async with client(fake_jira()) as jira:
        seen: list[str] = []
        body: dict[str, Any] = {"jql": "project in (CHK, MOB)", "maxResults": 7}
        while True:
            page = (await jira.post(f"{API}/search/jql", json=body)).json()
            assert "total" not in page
            seen += [issue["id"] for issue in page["issues"]]
            assert all(set(issue) == {"id"} for issue in page["issues"])
            if page["isLast"]:
                assert "nextPageToken" not in page
                break
            body["nextPageToken"] = page["nextPageToken"]
        count = await jira.post(f"{API}/search/approximate-count", json=body)
    assert len(seen) == len(set(seen)) == count.json()["count"]


async def test_detail_pages_are_capped_at_100() -> None:
    async with client(fake_jira()) as jira:
        body = {
            "jql": "project in (CHK, SRCH, MOB, BILL, ONB, API)",
            "maxResults": 5000,
            "fields": ["summary"],
        }
        page = (await jira.post(f"{API}/search/jql", json=body)).json()
    assert len(page["issues"]) == 100
    assert not page["isLast"]


async def test_put_with_a_field_in_both_fields_and_update_is_refused() -> None:
    app = fake_jira()
    async with client(app) as jira:
        body = {"fields": {"labels": ["a"]}, "update": {"labels": [{"add": "b"}]}}
        response = await jira.put(f"{API}/issue/CHK-1", json=body)
    assert response.status_code == 400
    assert app.state.writes[0]["status"] == 400


async def test_issue_properties_round_trip_without_bumping_updated() -> None:
    app = fake_jira()
    before = app.state.data.find("CHK-1")["fields"]["updated"]
    async with client(app) as jira:
        assert (await jira.get(f"{API}/issue/CHK-1/properties/prodops.edit")).status_code == 404
        put = await jira.put(f"{API}/issue/CHK-1/properties/prodops.edit", json={"id": "x"})
        got = await jira.get(f"{API}/issue/CHK-1/properties/prodops.edit")
    assert put.status_code == 201
    assert got.json() == {"key": "prodops.edit", "value": {"id": "x"}}
    assert app.state.data.find("CHK-1")["fields"]["updated"] == before


async def test_latency_is_added_per_request() -> None:
    app = fake_jira()
    app.state.latency = 0.05
    async with client(app) as jira:
        elapsed = (await jira.get(f"{API}/myself")).elapsed.total_seconds()
    assert elapsed >= 0.05
