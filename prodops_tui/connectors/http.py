"""HttpCore: one httpx client per service with rate budgets, retries and typed errors.

Retries 429, 500/502/503/504, timeouts, connect errors and dropped connections; waits at least
`Retry-After` (a wait beyond `max_wait` raises at once, carrying `retry_after`), else exponential
backoff with jitter; at most `max_attempts` tries. With `retry=False` (non-idempotent writes) only
failures where the request was certainly not acted on are retried: 429 and connect errors.
connectors/retry.py bundles those settings: patient for sync, short for a person waiting.
Error text names the method and path only: never a query string, header or credential.
"""

import asyncio
import importlib.util
import logging
import random
import ssl
import sys
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from types import TracebackType
from typing import Any, Self

import httpx

from prodops_tui.connectors import json_body
from prodops_tui.connectors.errors import BadResponse, NetworkError, retry_after, status_error

log = logging.getLogger(__name__)
if importlib.util.find_spec("sniffio") is None:
    # httpcore runs `import sniffio` on every lock it takes (~8 a request) and falls back to
    # asyncio when that fails; a failed import searches sys.path each time (~75 us), a None
    # entry fails at once.
    sys.modules["sniffio"] = None  # type: ignore[assignment]
for _noisy in ("httpx", "httpcore"):
    logging.getLogger(_noisy).setLevel(logging.WARNING)

_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
_TRANSIENT = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
_UNSENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_NAMES = {"jira": "Jira", "zendesk": "Zendesk", "growthbook": "GrowthBook", "mixpanel": "Mixpanel"}


@cache
def _ssl_context() -> ssl.SSLContext:
    """One verifying TLS context per process: httpx would load the CA bundle for every client
    (50-110 ms each), even for an http:// base URL."""
    return httpx.create_ssl_context()


@cache
def _user_agent() -> str:
    try:
        return f"prodops/{version('prodops-tui')}"
    except PackageNotFoundError:
        return "prodops/0"


@dataclass
class RateBudget:
    """A sliding-window budget, e.g. `RateBudget("zendesk.incremental", 60, 10)`: at most
    `limit` request starts per `per` seconds and, with `concurrency`, that many in flight.

    `acquire()` waits (asyncio) until both allow a start; `release()` ends an in-flight request.
    A budget named like the HttpCore's service applies to every request of that core.
    """

    name: str
    per: float
    limit: int
    concurrency: int | None = None
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    _starts: deque[float] = field(default_factory=deque, init=False, repr=False)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False, repr=False)
    _slots: asyncio.Semaphore | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        slots = 1 if self.concurrency is None else self.concurrency
        if self.per <= 0 or self.limit < 1 or slots < 1:
            raise ValueError(f"rate budget {self.name} needs per > 0, limit >= 1, concurrency >= 1")
        if self.concurrency is not None:
            self._slots = asyncio.Semaphore(self.concurrency)

    @property
    def remaining(self) -> int:
        """Requests that may start now without waiting for the window."""
        self._expire(self.clock())
        return max(0, self.limit - len(self._starts))

    async def acquire(self) -> None:
        """Take a concurrency slot, then a start in the window, waiting for each."""
        if self._slots is not None:
            await self._slots.acquire()
        try:
            async with self._lock:
                while self.remaining == 0:
                    await asyncio.sleep(max(self._starts[0] + self.per - self.clock(), 0.001))
                self._starts.append(self.clock())
        except BaseException:
            self.release()
            raise

    def release(self) -> None:
        """Give back the concurrency slot (the window keeps counting the start)."""
        if self._slots is not None:
            self._slots.release()

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """`acquire()` for the duration of the block."""
        await self.acquire()
        try:
            yield
        finally:
            self.release()

    def _expire(self, now: float) -> None:
        while self._starts and self._starts[0] <= now - self.per:
            self._starts.popleft()


class HttpCore:
    """An httpx.AsyncClient for one service that only ever raises ConnectorError subclasses."""

    def __init__(
        self,
        service: str,
        base_url: str,
        auth: httpx.Auth | None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 30.0,
        budgets: Sequence[RateBudget] = (),
        max_attempts: int = 6,
        max_wait: float = 60.0,
        connect_timeout: float | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        event_hooks: Mapping[str, list[Callable[..., Any]]] | None = None,
    ) -> None:
        url = httpx.URL(base_url)
        if url.userinfo or url.query:
            raise ValueError("the base URL must not carry credentials or a query string")
        self.service = service
        self.name = _NAMES.get(service, service)
        self.budgets = {budget.name: budget for budget in budgets}
        self.max_attempts = max(1, max_attempts)
        self.max_wait = max_wait
        self._sleep = sleep
        self._client = httpx.AsyncClient(
            base_url=url,
            auth=auth,
            transport=transport,
            timeout=httpx.Timeout(timeout, connect=connect_timeout or timeout),
            headers={"User-Agent": _user_agent(), "Accept": "application/json"},
            event_hooks=dict(event_hooks or {}),
            follow_redirects=False,
            verify=_ssl_context(),
        )

    @property
    def base_url(self) -> str:
        """The service's base URL (read-only; never carries credentials)."""
        return str(self._client.base_url)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Any = None,
        headers: Mapping[str, str] | None = None,
        budget: str | None = None,
        retry: bool = True,
    ) -> httpx.Response:
        """Send one request, retrying transient failures; a 2xx response or a ConnectorError."""
        where = f"{method.upper()} {httpx.URL(path).path}"
        budgets = self._budgets_for(budget)
        sent: dict[str, Any] = {"params": params, "json": json, "data": data, "headers": headers}
        for attempt in range(1, self.max_attempts + 1):
            try:
                response = await self._send_once(budgets, method, path, sent)
            except _TRANSIENT as exc:
                if attempt == self.max_attempts or not (retry or isinstance(exc, _UNSENT)):
                    raise self._network_error(exc, where, attempt) from None
                await self._pause(self._backoff(attempt), where, type(exc).__name__, attempt)
                continue
            if response.is_success:
                return response
            wait = self._retry_wait(response, attempt, retry)
            if wait is None:
                raise status_error(self.name, self.service, response, where)
            await self._pause(wait, where, f"HTTP {response.status_code}", attempt)
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def get_json(self, path: str, **kw: Any) -> Any:
        """`request` (GET unless `method=` is given) and decode the JSON body; None if empty."""
        method = kw.pop("method", "GET")
        response = await self.request(method, path, **kw)
        return self.decode(response, f"{method.upper()} {httpx.URL(path).path}")

    def decode(self, response: httpx.Response, where: str) -> Any:
        """The JSON body of `response`; BadResponse for HTML pages, bad or truncated JSON."""
        if response.status_code == 204 or not response.content.strip():
            return None
        kind = response.headers.get("content-type", "").lower()
        if "html" in kind or response.content.lstrip()[:1] == b"<":
            raise BadResponse(
                f"{self.name} sent an HTML page instead of JSON on {where}",
                service=self.service,
                status=response.status_code,
            )
        try:
            return json_body.loads(response.content)
        except ValueError:
            raise BadResponse(
                f"{self.name} sent malformed or truncated JSON on {where}",
                service=self.service,
                status=response.status_code,
            ) from None

    def _budgets_for(self, name: str | None) -> list[RateBudget]:
        if name is not None and name not in self.budgets:
            raise ValueError(f"no rate budget named {name}")
        names = dict.fromkeys(n for n in (self.service, name) if n in self.budgets)
        return [self.budgets[n] for n in names]

    async def _send_once(
        self, budgets: list[RateBudget], method: str, path: str, sent: dict[str, Any]
    ) -> httpx.Response:
        async with AsyncExitStack() as stack:
            for budget in budgets:
                await stack.enter_async_context(budget.slot())
            try:
                return await self._client.request(method, path, **sent)
            except _TRANSIENT:
                raise
            except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as exc:
                where = f"{method.upper()} {httpx.URL(path).path}"
                raise BadResponse(
                    f"{self.name} request failed on {where}: {type(exc).__name__}",
                    service=self.service,
                ) from None

    def _retry_wait(self, response: httpx.Response, attempt: int, retry: bool) -> float | None:
        status = response.status_code
        if status not in _RETRY_STATUS or attempt == self.max_attempts:
            return None
        if not retry and status != 429:
            return None
        asked = retry_after(response)
        if asked is None:
            return self._backoff(attempt)
        return asked if asked <= self.max_wait else None

    def _backoff(self, attempt: int) -> float:
        base = min(self.max_wait, 0.5 * 2.0 ** (attempt - 1))
        return min(self.max_wait, base + random.uniform(0, base / 2))

    async def _pause(self, wait: float, where: str, reason: str, attempt: int) -> None:
        log.info("%s: %s on %s, retry %d in %.2f s", self.name, reason, where, attempt, wait)
        await self._sleep(wait)

    def _network_error(self, exc: Exception, where: str, attempts: int) -> NetworkError:
        if isinstance(exc, httpx.TimeoutException):
            reason = "timed out"
        elif isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError):
            reason = "the connection dropped mid-response"
        else:
            reason = "could not connect"
        tries = "once" if attempts == 1 else f"{attempts} times"
        message = f"{self.name} {reason} on {where} (tried {tries})"
        return NetworkError(message, service=self.service)
