"""ZendeskConnector over a real loopback socket: uvicorn serving the fake on 127.0.0.1."""

import asyncio
import socket
from collections.abc import AsyncIterator
from datetime import date

import pytest
import uvicorn
from starlette.applications import Starlette

from prodops_tui.connectors.auth import basic
from prodops_tui.connectors.base import Edit
from prodops_tui.connectors.errors import NetworkError
from prodops_tui.connectors.http import HttpCore
from prodops_tui.connectors.zendesk import ZendeskConnector, zendesk_budgets
from prodops_tui.fakes.zendesk import Fault, create_app
from prodops_tui.services.generator import generate


@pytest.fixture
async def served() -> AsyncIterator[tuple[Starlette, str]]:
    app = create_app(generate("tiny", 7, date(2025, 1, 15)))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield app, f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()


async def _no_wait(seconds: float) -> None:
    return None


async def test_sync_and_write_over_a_socket_with_a_legacy_token(
    served: tuple[Starlette, str],
) -> None:
    app, url = served
    auth = basic("ops@acme.example/token", "fake-token")
    async with HttpCore("zendesk", url, auth, budgets=zendesk_budgets(), sleep=_no_wait) as http:
        options = {"subdomain": "acme", "auth_method": "api_token"}
        zendesk = ZendeskConnector(http, connection_id="zendesk:acme", options=options)
        assert await zendesk.check() == "Ops Admin"
        assert "2027-04-30" in (zendesk.deprecation_warning() or "")
        rows = [row async for page in zendesk.pull("tickets", "") for row in page.rows]
        assert len(rows) == len(app.state.data.tickets)
        ticket = app.state.data.tickets[7]
        edit = Edit(
            "e-1", "zendesk:acme:ticket:7", "tags", {"add": ["loopback"]}, ticket["updated_at"]
        )
        applied = await zendesk.apply(edit)
        assert "loopback" in app.state.data.tickets[7]["tags"]
        assert applied.remote_version == app.state.data.tickets[7]["updated_at"]
        app.state.faults.extend([Fault("drop", path="/api/v2/incremental")] * 6)
        with pytest.raises(NetworkError) as caught:
            [page async for page in zendesk.pull("tickets", "")]
        assert "dropped" in caught.value.message
