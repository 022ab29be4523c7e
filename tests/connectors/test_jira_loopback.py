"""JiraConnector over a real loopback socket: uvicorn serving the fake Jira on 127.0.0.1."""

from collections.abc import Iterator
from datetime import date

import httpx
import pytest

from prodops_tui.connectors.auth import basic
from prodops_tui.connectors.base import Edit
from prodops_tui.connectors.errors import NetworkError
from prodops_tui.connectors.http import HttpCore
from prodops_tui.connectors.jira import JiraConnector
from prodops_tui.fakes.jira import Fault
from prodops_tui.fakes.serve import RunningFakes, start_fakes
from prodops_tui.services.generator import generate
from tests.connectors.jira_helpers import OPTIONS, Sleeps


@pytest.fixture
def served() -> Iterator[RunningFakes]:
    with start_fakes(generate("tiny", 7, date(2025, 6, 1)), kinds=["jira"]) as fakes:
        yield fakes


def core(fakes: RunningFakes) -> HttpCore:
    auth = basic("ops@acme.example", fakes.tokens["jira"])
    return HttpCore("jira", fakes.urls["jira"], auth, sleep=Sleeps(), timeout=10)


async def test_pull_and_edit_over_loopback(served: RunningFakes) -> None:
    app = served.apps["jira"]
    async with core(served) as http:
        jira = JiraConnector(http, connection_id="jira:acme", options=OPTIONS)
        rows = [row async for page in jira.pull("issues", "") for row in page.rows]
        assert len(rows) == 200
        row = next(r for r in rows if r["key"] == "SRCH-2")
        base = app.state.data.find("SRCH-2")["fields"]["updated"]
        wanted = "Lowest" if row["priority"] != "Lowest" else "Highest"
        edit = Edit("e-loop", row["id"], "priority", {"name": wanted}, base)
        applied = await jira.apply(edit)
    issue = app.state.data.find("SRCH-2")
    assert issue["fields"]["priority"]["name"] == wanted
    assert applied.remote_version == issue["fields"]["updated"]


async def test_a_connection_dropped_mid_body_is_a_network_error(served: RunningFakes) -> None:
    app = served.apps["jira"]
    app.state.faults.extend(Fault("drop", path="/rest/api/3/myself") for _ in range(6))
    async with core(served) as http:
        jira = JiraConnector(http, connection_id="jira:acme", options=OPTIONS)
        with pytest.raises(NetworkError) as caught:
            await jira.check()
    assert "dropped" in caught.value.message
    assert served.tokens["jira"] not in caught.value.message


async def test_plain_httpx_sees_the_real_wire(served: RunningFakes) -> None:
    async with httpx.AsyncClient(base_url=served.urls["jira"]) as client:
        response = await client.get("/rest/api/3/myself")
    assert response.status_code == 401
