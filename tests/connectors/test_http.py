"""HttpCore: retries, Retry-After, typed errors, budgets and secret-free messages."""

import asyncio
import base64
import logging
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest

from prodops_tui.connectors import errors as err
from prodops_tui.connectors.auth import basic, bearer
from prodops_tui.connectors.http import HttpCore, RateBudget

CANARY = "canary-5ecret-t0ken-XYZ"
Step = httpx.Response | Exception


class Script:
    """A MockTransport handler answering from a queue (the last step repeats) and recording."""

    def __init__(self, *steps: Step) -> None:
        self.steps = list(steps)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        step = self.steps.pop(0) if len(self.steps) > 1 else self.steps[0]
        if isinstance(step, Exception):
            raise step
        return step


class Sleeps(list[float]):
    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


def core(script: Callable[[httpx.Request], httpx.Response], **kw: Any) -> HttpCore:
    kw.setdefault("sleep", Sleeps())
    auth = kw.pop("auth", basic("pm@example.com", CANARY))
    base = "https://acme.atlassian.net"
    return HttpCore("jira", base, auth, transport=httpx.MockTransport(script), **kw)


def ok() -> httpx.Response:
    return httpx.Response(200, json={"ok": True})


async def test_429_waits_at_least_retry_after_then_succeeds() -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30))
    script = Script(
        httpx.Response(429, headers={"Retry-After": "7"}),
        httpx.Response(503, headers={"Retry-After": when}),
        ok(),
    )
    sleeps = Sleeps()
    async with core(script, sleep=sleeps) as http:
        assert await http.get_json("/rest/api/3/myself") == {"ok": True}
    assert sleeps[0] == 7.0 and 25 <= sleeps[1] <= 30
    assert len(script.requests) == 3


async def test_retry_after_beyond_max_wait_raises_without_sleeping() -> None:
    script = Script(httpx.Response(429, headers={"Retry-After": "120"}))
    sleeps = Sleeps()
    async with core(script, sleep=sleeps, max_wait=60.0) as http:
        with pytest.raises(err.RateLimited) as caught:
            await http.request("GET", "/rest/api/3/search/jql")
    assert caught.value.retry_after == 120.0
    assert caught.value.status == 429
    assert sleeps == []
    assert len(script.requests) == 1


async def test_5xx_then_success_backs_off() -> None:
    script = Script(httpx.Response(503), httpx.Response(502), ok())
    sleeps = Sleeps()
    async with core(script, sleep=sleeps) as http:
        response = await http.request("GET", "/x")
    assert response.status_code == 200
    assert len(sleeps) == 2
    assert 0.5 <= sleeps[0] <= 0.75 and 1.0 <= sleeps[1] <= 1.5


@pytest.mark.parametrize(
    ("step", "kind", "text"),
    [
        (httpx.Response(500), err.ServiceUnavailable, "unavailable (HTTP 500)"),
        (httpx.Response(429), err.RateLimited, "rate limit reached"),
        (
            httpx.ReadTimeout("read timed out"),
            err.NetworkError,
            "timed out on GET /x (tried 4 times)",
        ),
    ],
)
async def test_persistent_failures_stop_at_max_attempts(
    step: Step, kind: type[err.ConnectorError], text: str
) -> None:
    script, sleeps = Script(step), Sleeps()
    async with core(script, max_attempts=4, sleep=sleeps) as http:
        with pytest.raises(kind, match=re.escape(text)):
            await http.request("GET", "/x")
    assert len(script.requests) == 4 and len(sleeps) == 3
    assert all(0 < s <= 60 for s in sleeps)


async def test_400_is_tried_once_and_carries_remote_detail() -> None:
    body = {"errorMessages": ["The JQL\nquery is \x1b[31minvalid"], "errors": {}}
    script = Script(httpx.Response(400, json=body))
    async with core(script) as http:
        with pytest.raises(err.Rejected) as caught:
            await http.request("POST", "/rest/api/3/search/jql", json={"jql": ""})
    assert len(script.requests) == 1
    message = str(caught.value)
    assert "\n" not in message and "\x1b" not in message
    assert "HTTP 400" in message and "The JQL query is" in message
    assert "POST /rest/api/3/search/jql" in message


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (401, err.AuthError),
        (403, err.AuthError),
        (404, err.NotFound),
        (409, err.Conflict),
        (422, err.Rejected),
    ],
)
async def test_client_errors_map_to_types_and_are_not_retried(
    status: int, kind: type[err.ConnectorError]
) -> None:
    script = Script(httpx.Response(status, json={"error": "nope"}))
    async with core(script) as http:
        with pytest.raises(kind) as caught:
            await http.request("PUT", "/rest/api/3/issue/10001")
    assert len(script.requests) == 1
    assert caught.value.status == status and caught.value.service == "jira"


async def test_non_idempotent_post_is_retried_only_when_the_server_never_acted() -> None:
    lost = (httpx.ReadTimeout("lost"), httpx.Response(503))
    unsent = (httpx.ConnectError("refused"), httpx.Response(429, headers={"Retry-After": "1"}))
    for step in lost + unsent:
        script = Script(step, ok())
        async with core(script) as http:
            try:
                await http.request("POST", "/comment", json={"b": 1}, retry=False)
            except (err.NetworkError, err.ServiceUnavailable):
                assert step in lost
        assert len(script.requests) == (1 if step in lost else 2)


BAD_BODIES = [b"<html><body>Down</body></html>", b'{"issues": [{"id": "1", "ke', b"\xff\xfe"]


@pytest.mark.parametrize("body", BAD_BODIES)
async def test_html_truncated_or_invalid_json_with_200_is_bad_response(body: bytes) -> None:
    text = "HTML page" if body.startswith(b"<") else "malformed or truncated JSON"
    script = Script(httpx.Response(200, content=body, headers={"content-type": "application/json"}))
    async with core(script) as http:
        with pytest.raises(err.BadResponse, match=text):
            await http.get_json("/x")


async def test_empty_and_204_bodies_decode_to_none() -> None:
    async with core(Script(httpx.Response(204), httpx.Response(200, content=b""))) as http:
        assert await http.get_json("/x", method="PUT", json={}) is None
        assert await http.get_json("/x") is None


async def _dropping_server(connections: list[int]) -> asyncio.Server:
    """A loopback server that promises 4096 body bytes, sends 20 and hangs up."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(1)
        await reader.readuntil(b"\r\n\r\n")
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n"
        writer.write(head + b'{"tickets": [{"id": 1')
        await writer.drain()
        writer.close()

    return await asyncio.start_server(handle, "127.0.0.1", 0)


async def test_connection_dropped_mid_body_is_retried_then_network_error() -> None:
    connections: list[int] = []
    server = await _dropping_server(connections)
    port = server.sockets[0].getsockname()[1]
    http = HttpCore("zendesk", f"http://127.0.0.1:{port}", None, max_attempts=3, sleep=Sleeps())
    async with server, http:
        with pytest.raises(err.NetworkError, match="dropped mid-response"):
            await http.get_json("/api/v2/incremental/tickets/cursor")
    assert len(connections) == 3


async def test_connect_error_on_a_closed_port_is_network_error() -> None:
    server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    http = HttpCore("mixpanel", f"http://127.0.0.1:{port}", None, max_attempts=2, sleep=Sleeps())
    async with http:
        with pytest.raises(err.NetworkError, match="could not connect"):
            await http.request("GET", "/api/query/segmentation")


async def test_no_secret_or_query_string_reaches_errors_or_logs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
    assert logging.getLogger("httpcore").getEffectiveLevel() == logging.WARNING
    encoded = base64.b64encode(f"pm@example.com:{CANARY}".encode()).decode()
    steps: list[Step] = [
        httpx.Response(401, json={"message": "bad"}),
        httpx.Response(400, text="oops"),
        httpx.Response(429, headers={"Retry-After": "999"}),
        httpx.Response(500),
        httpx.ConnectTimeout("slow"),
        httpx.Response(200, text="<html>"),
    ]
    texts: list[str] = []
    for auth in (basic("pm@example.com", CANARY), bearer(CANARY)):
        for step in steps:
            async with core(Script(step), auth=auth, max_attempts=2) as http:
                with pytest.raises(err.ConnectorError) as caught:
                    await http.get_json("/search", params={"q": "secret-query"})
                texts.append(repr(caught.value) + str(caught.value))
                with pytest.raises(err.ConnectorError) as caught:
                    await http.get_json("/search?key=inline-query")
                texts.append(str(caught.value))
    texts += [record.getMessage() for record in caplog.records]
    joined = "\n".join(texts)
    assert caplog.records, "retries should be logged"
    for secret in (CANARY, encoded, "secret-query", "inline-query", "?"):
        assert secret not in joined
    assert all("\n" not in text for text in texts)


async def test_user_agent_and_auth_header() -> None:
    script = Script(ok())
    async with core(script, auth=bearer(CANARY)) as http:
        await http.request("GET", "/x")
    sent = script.requests[0]
    assert sent.headers["user-agent"].startswith("prodops/")
    assert sent.headers["authorization"] == f"Bearer {CANARY}"
    assert CANARY not in repr(bearer(CANARY))
    with pytest.raises(ValueError, match="credentials"):
        HttpCore("jira", f"https://pm:{CANARY}@acme.atlassian.net", None)


async def test_rate_budget_spaces_requests_over_the_window() -> None:
    budget = RateBudget("zendesk.incremental", 0.3, 3)
    script = Script(ok())
    async with core(script, budgets=[budget]) as http:
        assert budget.remaining == 3
        start = time.monotonic()
        for _ in range(3):
            await http.request("GET", "/x", budget="zendesk.incremental")
        assert budget.remaining == 0
        assert time.monotonic() - start < 0.2
        await http.request("GET", "/x", budget="zendesk.incremental")
        assert time.monotonic() - start >= 0.29
        with pytest.raises(ValueError, match="no rate budget"):
            await http.request("GET", "/x", budget="missing")
    every = RateBudget("jira", 60, 100)  # named after the service: applies to every request
    async with core(Script(ok()), budgets=[every]) as limited:
        await limited.request("GET", "/x")
    assert every.remaining == 99


async def test_rate_budget_concurrency_caps_requests_in_flight() -> None:
    in_flight = peak = 0

    async def slow(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.02)
        in_flight -= 1
        return ok()

    budget = RateBudget("mixpanel", 3600, 60, concurrency=5)
    http = HttpCore("mixpanel", "https://mixpanel.com", None, budgets=[budget])
    http._client._transport = httpx.MockTransport(slow)
    async with http:
        await asyncio.gather(*(http.request("GET", "/api/query/events") for _ in range(20)))
    assert peak == 5
    assert budget.remaining == 40
    for bad in ({"per": 0, "limit": 1}, {"per": 1, "limit": 1, "concurrency": 0}):
        with pytest.raises(ValueError):
            RateBudget("x", **bad)  # type: ignore[arg-type]
