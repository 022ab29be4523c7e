"""HttpCore: retries, Retry-After, typed errors, budgets and secret-free messages."""

import asyncio
import base64
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from prodops_tui.connectors.auth import basic, bearer
from prodops_tui.connectors.errors import (
    AuthError,
    BadResponse,
    Conflict,
    ConnectorError,
    NetworkError,
    NotFound,
    RateLimited,
    Rejected,
    ServiceUnavailable,
)
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


def core(script: Callable[[httpx.Request], httpx.Response], **kw: object) -> HttpCore:
    sleeps = kw.pop("sleep", Sleeps())
    auth = kw.pop("auth", basic("pm@example.com", CANARY))
    return HttpCore(
        "jira",
        "https://acme.atlassian.net",
        auth,  # type: ignore[arg-type]
        transport=httpx.MockTransport(script),
        sleep=sleeps,  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


def ok(body: object = None) -> httpx.Response:
    return httpx.Response(200, json=body if body is not None else {"ok": True})


async def test_429_waits_at_least_retry_after_then_succeeds() -> None:
    script = Script(httpx.Response(429, headers={"Retry-After": "7"}), ok())
    sleeps = Sleeps()
    async with core(script, sleep=sleeps) as http:
        assert await http.get_json("/rest/api/3/myself") == {"ok": True}
    assert sleeps == [7.0]
    assert len(script.requests) == 2


async def test_retry_after_as_http_date_is_honoured() -> None:
    when = datetime.now(UTC) + timedelta(seconds=30)
    script = Script(httpx.Response(503, headers={"Retry-After": format_datetime(when)}), ok())
    sleeps = Sleeps()
    async with core(script, sleep=sleeps) as http:
        await http.request("GET", "/x")
    assert 25 <= sleeps[0] <= 30


async def test_retry_after_beyond_max_wait_raises_without_sleeping() -> None:
    script = Script(httpx.Response(429, headers={"Retry-After": "120"}))
    sleeps = Sleeps()
    async with core(script, sleep=sleeps, max_wait=60.0) as http:
        with pytest.raises(RateLimited) as caught:
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


async def test_persistent_5xx_stops_at_max_attempts() -> None:
    script = Script(httpx.Response(500))
    async with core(script, max_attempts=6) as http:
        with pytest.raises(ServiceUnavailable) as caught:
            await http.request("GET", "/x")
    assert len(script.requests) == 6
    assert caught.value.status == 500


async def test_persistent_429_without_retry_after_ends_rate_limited() -> None:
    script = Script(httpx.Response(429))
    sleeps = Sleeps()
    async with core(script, max_attempts=4, sleep=sleeps) as http:
        with pytest.raises(RateLimited):
            await http.request("GET", "/x")
    assert len(script.requests) == 4
    assert all(0 < s <= 60 for s in sleeps)


async def test_400_is_tried_once_and_carries_remote_detail() -> None:
    body = {"errorMessages": ["The JQL\nquery is \x1b[31minvalid"], "errors": {}}
    script = Script(httpx.Response(400, json=body))
    async with core(script) as http:
        with pytest.raises(Rejected) as caught:
            await http.request("POST", "/rest/api/3/search/jql", json={"jql": ""})
    assert len(script.requests) == 1
    message = str(caught.value)
    assert "\n" not in message and "\x1b" not in message
    assert "HTTP 400" in message and "The JQL query is" in message
    assert "POST /rest/api/3/search/jql" in message


@pytest.mark.parametrize(
    ("status", "kind"),
    [(401, AuthError), (403, AuthError), (404, NotFound), (409, Conflict), (422, Rejected)],
)
async def test_client_errors_map_to_types_and_are_not_retried(
    status: int, kind: type[ConnectorError]
) -> None:
    script = Script(httpx.Response(status, json={"error": "nope"}))
    async with core(script) as http:
        with pytest.raises(kind) as caught:
            await http.request("PUT", "/rest/api/3/issue/10001")
    assert len(script.requests) == 1
    assert caught.value.status == status and caught.value.service == "jira"


async def test_timeouts_end_as_network_error_after_max_attempts() -> None:
    script = Script(httpx.ReadTimeout("read timed out"))
    async with core(script, max_attempts=3) as http:
        with pytest.raises(NetworkError) as caught:
            await http.request("GET", "/x")
    assert len(script.requests) == 3
    assert "timed out" in str(caught.value) and "3 times" in str(caught.value)


async def test_non_idempotent_post_is_not_resent_after_a_timeout_or_503() -> None:
    for step in (httpx.ReadTimeout("lost"), httpx.Response(503)):
        script = Script(step, ok())
        async with core(script) as http:
            with pytest.raises((NetworkError, ServiceUnavailable)):
                await http.request("POST", "/comment", json={"b": 1}, retry=False)
        assert len(script.requests) == 1


async def test_non_idempotent_post_is_retried_when_it_never_reached_the_server() -> None:
    for step in (httpx.ConnectError("refused"), httpx.Response(429, headers={"Retry-After": "1"})):
        script = Script(step, ok())
        async with core(script) as http:
            response = await http.request("POST", "/comment", json={"b": 1}, retry=False)
        assert response.status_code == 200 and len(script.requests) == 2


async def test_html_page_with_200_is_bad_response() -> None:
    page = httpx.Response(200, html="<html><body>Service down</body></html>")
    async with core(Script(page)) as http:
        with pytest.raises(BadResponse, match="HTML page"):
            await http.get_json("/x")


@pytest.mark.parametrize("body", [b'{"issues": [{"id": "1", "ke', b"not json", b"\xff\xfe"])
async def test_truncated_or_invalid_json_is_bad_response(body: bytes) -> None:
    script = Script(httpx.Response(200, content=body, headers={"content-type": "application/json"}))
    async with core(script) as http:
        with pytest.raises(BadResponse, match="malformed or truncated JSON"):
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
        with pytest.raises(NetworkError, match="dropped mid-response"):
            await http.get_json("/api/v2/incremental/tickets/cursor")
    assert len(connections) == 3


async def test_connect_error_on_a_closed_port_is_network_error() -> None:
    server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    http = HttpCore("mixpanel", f"http://127.0.0.1:{port}", None, max_attempts=2, sleep=Sleeps())
    async with http:
        with pytest.raises(NetworkError, match="could not connect"):
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
                with pytest.raises(ConnectorError) as caught:
                    await http.get_json("/search", params={"q": "secret-query"})
                texts.append(repr(caught.value) + str(caught.value))
                with pytest.raises(ConnectorError) as caught:
                    await http.get_json("/search?key=inline-query")
                texts.append(str(caught.value))
    texts += [record.getMessage() for record in caplog.records]
    joined = "\n".join(texts)
    assert caplog.records, "retries should be logged"
    for secret in (CANARY, encoded, "secret-query", "inline-query", "?"):
        assert secret not in joined
    assert all("\n" not in text for text in texts)


async def test_base_url_with_credentials_is_refused() -> None:
    with pytest.raises(ValueError, match="credentials"):
        HttpCore("jira", f"https://pm:{CANARY}@acme.atlassian.net", None)


async def test_user_agent_and_auth_header() -> None:
    script = Script(ok())
    async with core(script, auth=bearer(CANARY)) as http:
        await http.request("GET", "/x")
    sent = script.requests[0]
    assert sent.headers["user-agent"].startswith("prodops/")
    assert sent.headers["authorization"] == f"Bearer {CANARY}"
    assert CANARY not in repr(bearer(CANARY))


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


async def test_budget_named_after_the_service_applies_to_every_request() -> None:
    budget = RateBudget("jira", 60, 100)
    async with core(Script(ok())) as http, core(Script(ok()), budgets=[budget]) as limited:
        await http.request("GET", "/x")
        await limited.request("GET", "/x")
    assert budget.remaining == 99


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


async def test_rate_budget_validates_its_numbers() -> None:
    with pytest.raises(ValueError):
        RateBudget("x", 0, 1)
    with pytest.raises(ValueError):
        RateBudget("x", 1, 1, concurrency=0)
