"""Every request ZendeskConnector sends and every answer the fake gives match Zendesk's specs."""

from datetime import date

import httpx
import pytest
from starlette.applications import Starlette

from prodops_tui.connectors.auth import basic, bearer
from prodops_tui.connectors.base import Edit
from prodops_tui.connectors.errors import Conflict
from prodops_tui.connectors.http import HttpCore
from prodops_tui.connectors.zendesk import ZendeskConnector
from prodops_tui.fakes.zendesk import create_app
from prodops_tui.services.generator import generate
from tests.contract.spec_hook import spec_file, spec_hook

BASE = "https://acme.zendesk.com"
SUBSET = "zendesk-pm-subset.openapi.yaml"
FULL = "zendesk-support-oas.yaml"


@pytest.fixture
def app() -> Starlette:
    return create_app(generate("tiny", 7, date(2025, 1, 15)))


def hooked(app: Starlette, spec: str, auth: httpx.Auth) -> HttpCore:
    hook = spec_hook(spec_file(spec), server=BASE)
    transport = httpx.ASGITransport(app=app)
    return HttpCore("zendesk", BASE, auth, transport=transport, event_hooks={"response": [hook]})


async def exercise(zendesk: ZendeskConnector, app: Starlette) -> int:
    """Every read the connector makes, then one tag write; the number of rows read."""
    assert await zendesk.check() == "Ops Admin"
    count = 0
    for stream in zendesk.streams:
        async for page in zendesk.pull(stream, ""):
            count += len(page.rows)
    assert await zendesk.comments("zendesk:acme:ticket:1")
    ticket = app.state.data.tickets[2]
    edit = Edit(
        "e-1", "zendesk:acme:ticket:2", "tags", {"add": ["pm-triaged"]}, ticket["updated_at"]
    )
    await zendesk.apply(edit)
    return count


@pytest.mark.parametrize(
    "auth", [bearer("fake-token"), basic("ops@acme.example/token", "fake-token")]
)
async def test_connector_and_fake_follow_the_subset(app: Starlette, auth: httpx.Auth) -> None:
    async with hooked(app, SUBSET, auth) as http:
        options = {"subdomain": "acme", "per_page": 200}
        zendesk = ZendeskConnector(http, connection_id="zendesk:acme", options=options)
        assert await exercise(zendesk, app) > 800


async def test_connector_and_fake_follow_the_full_oas(app: Starlette) -> None:
    """The full spec wrongly requires start_time on cursor calls, so one page per export."""
    async with hooked(app, FULL, bearer("fake-token")) as http:
        zendesk = ZendeskConnector(http, connection_id="zendesk:acme", options={})
        assert await exercise(zendesk, app) > 800


async def test_safe_update_conflict_request_follows_the_subset(app: Starlette) -> None:
    """409 is documented only in prose, so the hook checks the request and the read-back."""
    seen: list[int] = []

    async def note(response: httpx.Response) -> None:
        seen.append(response.status_code)

    hook = spec_hook(spec_file(SUBSET), server=BASE)

    async def check_unless_conflict(response: httpx.Response) -> None:
        if response.status_code != 409:
            await hook(response)

    transport = httpx.ASGITransport(app=app)
    hooks = {"response": [note, check_unless_conflict]}
    async with HttpCore(
        "zendesk", BASE, bearer("fake-token"), transport=transport, event_hooks=hooks
    ) as http:
        zendesk = ZendeskConnector(http, connection_id="zendesk:acme", options={})
        stale = Edit(
            "e-2", "zendesk:acme:ticket:2", "tags", {"add": ["pm-x"]}, "2020-01-01T00:00:00Z"
        )
        with pytest.raises(Conflict):
            await zendesk.apply(stale)
    assert seen == [409, 200]
