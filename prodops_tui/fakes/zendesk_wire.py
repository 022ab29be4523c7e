"""Wire behaviour shared by the fake Zendesk's routes: cursors, paging, rate windows and faults."""

import asyncio
import base64
import binascii
import math
import time
from bisect import bisect_right
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from prodops_tui.fakes.json_response import JSONResponse

Key = tuple[int, int]
"""(unix seconds, id): the order of every incremental and cursor-paged list."""


def error(status: int, code: str, description: str, **headers: str) -> Response:
    return JSONResponse({"error": code, "description": description}, status, headers=headers)


def encode_cursor(key: Key) -> str:
    return base64.urlsafe_b64encode(f"{key[0]}|{key[1]}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> Key | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        ts, _, ident = raw.partition("|")
        return int(ts), int(ident)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


def int_param(request: Request, name: str, default: int | None = None) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        return None


def after(keys: list[Key], position: Key) -> int:
    """Index of the first key strictly after `position` in sorted `keys`."""
    return bisect_right(keys, position)


def _key_of(item: tuple[Key, dict[str, Any]]) -> Key:
    return item[0]


def cursor_page(request: Request, name: str, items: list[tuple[Key, dict[str, Any]]]) -> Response:
    """Zendesk cursor pagination (`page[size]` <= 100, `page[after]`) over sorted items."""
    size = int_param(request, "page[size]", 100)
    if size is None or not 1 <= size <= 100:
        return error(400, "InvalidPaginationParameter", "page[size] must be 1 to 100.")
    position: Key = (-(2**62), -(2**62))
    raw_after = request.query_params.get("page[after]")
    if raw_after:
        decoded = decode_cursor(raw_after)
        if decoded is None:
            return error(400, "InvalidPaginationParameter", "page[after] is not a valid cursor.")
        position = decoded
    start = bisect_right(items, position, key=_key_of)  # O(log n) a page, not a list of keys
    chunk = items[start : start + size]
    more = start + size < len(items)
    last = encode_cursor(chunk[-1][0]) if chunk else None
    base = str(request.url.replace(query=""))
    body = {
        name: [record for _, record in chunk],
        "meta": {"has_more": more, "after_cursor": last, "before_cursor": None},
        "links": {"next": f"{base}?page[size]={size}&page[after]={last}" if more else None},
    }
    return JSONResponse(body)


@dataclass
class RateWindow:
    """A sliding one-minute request budget."""

    limit: int
    per: float = 60.0
    clock: Callable[[], float] = time.monotonic
    hits: deque[float] = field(default_factory=deque)

    def admit(self) -> float | None:
        """None if the request may go ahead, else the seconds to wait."""
        now = self.clock()
        while self.hits and self.hits[0] <= now - self.per:
            self.hits.popleft()
        if len(self.hits) >= self.limit:
            return max(1.0, math.ceil(self.hits[0] + self.per - now))
        self.hits.append(now)
        return None

    @property
    def remaining(self) -> int:
        return max(0, self.limit - len(self.hits))


@dataclass
class Fault:
    """One injected misbehaviour, served instead of (or around) the next matching response.

    kind: "status" (status + optional Retry-After), "html" (an HTML error page), "truncated"
    (a cut JSON body), "slow" (wait `delay` seconds, then answer normally), "drop" (declare a
    longer body than is sent, so the connection ends mid-body), "replay" (answer the request
    made `back` requests earlier on this path again: back=1 hands out the cursor or token the
    client just sent, a pagination loop; back=2 one it had before, a cursor going backwards),
    "trickle" (the real answer, its body sent in `chunks` parts `delay` seconds apart).
    """

    kind: str
    status: int = 500
    retry_after: float | None = None
    delay: float = 0.0
    path: str = ""
    """Only requests whose path starts with this; empty matches all."""
    query: str = ""
    """Only requests whose query string holds this (e.g. "offset=": list pages, not details)."""
    after: int = 0
    """Let this many matching requests through first (a 401 or a 5xx burst mid-sync)."""
    back: int = 1
    chunks: int = 4


class _Dropped(Response):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(b"content-type", b"application/json"), (b"content-length", b"4096")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send(
            {"type": "http.response.body", "body": b'{"tickets": [{"id": 1,', "more_body": False}
        )


def take_fault(faults: list[Fault], path: str, query: str = "") -> Fault | None:
    for index, fault in enumerate(faults):
        if path.startswith(fault.path) and fault.query in query:
            if fault.after > 0:
                fault.after -= 1
                return None
            return faults.pop(index)
    return None


async def serve_fault(fault: Fault) -> Response | None:
    """The response a fault stands for; None for "slow" once its delay has passed."""
    if fault.kind == "slow":
        await asyncio.sleep(fault.delay)
        return None
    if fault.kind == "html":
        page = "<html><body><h1>502 Bad Gateway</h1></body></html>"
        return Response(page, fault.status, media_type="text/html")
    if fault.kind == "truncated":
        return Response('{"tickets": [{"id": 1, "subj', 200, media_type="application/json")
    if fault.kind == "drop":
        return _Dropped()
    headers = {} if fault.retry_after is None else {"Retry-After": f"{fault.retry_after:g}"}
    return error(fault.status, "InjectedFault", "Injected by the test.", **headers)


async def injected_fault(request: Request) -> Response | None:
    """The next injected fault for this request's path, served; None when there is none (or
    when it acts around the handler: "replay" rewrites the request, "trickle" waits for
    `shaped`). Every request is remembered per path, for replays."""
    path = request.url.path
    fault = take_fault(request.app.state.faults, path, request.url.query)
    history = _history(request, path)
    if fault is not None and fault.kind == "replay" and len(history) >= fault.back:
        query, body = history[-fault.back]
        request.scope["query_string"] = query
        request._body = body  # Starlette's body cache: the handler reads the earlier body
        for cached in ("_url", "_query_params"):
            request.__dict__.pop(cached, None)
        return None
    history.append((request.scope.get("query_string", b""), await request.body()))
    if fault is not None and fault.kind == "trickle":
        request.state.trickle = fault
        return None
    return None if fault is None or fault.kind == "replay" else await serve_fault(fault)


def shaped(request: Request, response: Response) -> Response:
    """The handler's response, trickled if a "trickle" fault was taken for this request."""
    fault: Fault | None = getattr(request.state, "trickle", None)
    return response if fault is None else _Trickled(response, fault)


def _history(request: Request, path: str) -> deque[tuple[bytes, bytes]]:
    state = request.app.state
    if not hasattr(state, "history"):
        state.history = {}
    found: deque[tuple[bytes, bytes]] = state.history.setdefault(path, deque(maxlen=4))
    return found


class _Trickled(Response):
    """A finished response whose body goes out in parts, with pauses between them."""

    def __init__(self, inner: Response, fault: Fault) -> None:
        self.status_code, self.body, self.background = inner.status_code, inner.body, None
        self.raw_headers = inner.raw_headers  # the guard may still add headers
        self.fault = fault

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body, parts = bytes(self.body), max(1, self.fault.chunks)
        start = {"type": "http.response.start", "status": self.status_code}
        await send(start | {"headers": self.raw_headers})
        size = -(-len(body) // parts) or 1
        for offset in range(0, max(len(body), 1), size):
            await asyncio.sleep(self.fault.delay)
            more = offset + size < len(body)
            chunk = body[offset : offset + size]
            await send({"type": "http.response.body", "body": chunk, "more_body": more})
