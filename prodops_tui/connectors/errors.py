"""Typed connector errors: one line each, fit for a user, never carrying a secret.

`status_error` maps a final HTTP status to the right error; it names the method and path only.
"""

import json
import math
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

_MAX_MESSAGE = 300
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def one_line(text: str) -> str:
    """`text` folded to a single trimmed line of at most 300 characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= _MAX_MESSAGE else flat[: _MAX_MESSAGE - 1] + "…"


class ConnectorError(Exception):
    """A remote service call failed; `message` is one line and safe to show."""

    def __init__(
        self,
        message: str,
        *,
        service: str,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.message = one_line(message)
        self.service = service
        self.status = status
        self.retry_after = retry_after
        super().__init__(self.message)


class AuthError(ConnectorError):
    """401/403: the credential is missing, wrong, revoked or expired."""

    def __init__(
        self,
        message: str,
        *,
        service: str,
        status: int | None = None,
        retry_after: float | None = None,
        expired: bool = False,
    ) -> None:
        super().__init__(message, service=service, status=status, retry_after=retry_after)
        self.expired = expired


class NotFound(ConnectorError):
    """404: the item is gone or the account may not see it."""


class Conflict(ConnectorError):
    """409, or the remote item changed since the edit's base version."""

    def __init__(
        self,
        message: str,
        *,
        service: str,
        status: int | None = None,
        retry_after: float | None = None,
        remote_version: str | None = None,
    ) -> None:
        super().__init__(message, service=service, status=status, retry_after=retry_after)
        self.remote_version = remote_version


class RateLimited(ConnectorError):
    """429 after the retries ran out, or a Retry-After longer than we wait in one cycle."""


class ServiceUnavailable(ConnectorError):
    """5xx after the retries ran out."""


class NetworkError(ConnectorError):
    """Connect error, timeout or dropped connection after the retries ran out."""


class BadResponse(ConnectorError):
    """Malformed JSON, an HTML error page, a truncated body, or missing/mistyped fields."""


class Rejected(ConnectorError):
    """Any other 4xx: the request itself is wrong and is never retried."""


def retry_after(response: httpx.Response) -> float | None:
    """Seconds the server asks us to wait (`Retry-After` as seconds or an HTTP date)."""
    raw = response.headers.get("retry-after", "").strip()
    if not raw:
        return None
    try:
        seconds = float(raw)
    except ValueError:
        try:
            when = parsedate_to_datetime(raw)
        except (TypeError, ValueError, IndexError):
            return None
        when = when if when.tzinfo else when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()
    return max(0.0, seconds) if math.isfinite(seconds) else None


def remote_detail(response: httpx.Response) -> str:
    """The error text a service put in its JSON body (Jira, Zendesk, GrowthBook shapes), cleaned."""
    try:
        body = json.loads(response.content)
    except (ValueError, RecursionError):
        return ""
    parts: list[str] = []
    if isinstance(body, dict):
        for key in ("errorMessages", "error", "description", "message", "details", "errors"):
            value = body.get(key)
            if isinstance(value, list):
                parts.extend(str(item) for item in value[:3])
            elif isinstance(value, dict):
                parts.extend(f"{k}: {v}" for k, v in list(value.items())[:3])
            elif isinstance(value, str | int):
                parts.append(str(value))
    text = one_line(_CONTROL.sub(" ", "; ".join(parts)))
    return text[:160]


def status_error(name: str, service: str, response: httpx.Response, where: str) -> ConnectorError:
    """The typed error for a final non-2xx `response` to `where` ("GET /path") from `name`."""
    status, s = response.status_code, name
    kw: dict[str, Any] = {"service": service, "status": status}
    asked = retry_after(response)
    if status in (401, 403):
        text = "rejected the credentials" if status == 401 else "denied access"
        return AuthError(f"{s} {text} (HTTP {status}) on {where}", **kw)
    if status == 404:
        return NotFound(f"{s} found nothing (HTTP 404) on {where}", **kw)
    if status == 409:
        return Conflict(f"{s} reports a conflicting change on {where}", **kw)
    if status == 429:
        later = f"; retry in {asked:g} s" if asked is not None else ""
        return RateLimited(f"{s} rate limit reached on {where}{later}", retry_after=asked, **kw)
    if status >= 500:
        text = f"{s} is unavailable (HTTP {status}) on {where}"
        return ServiceUnavailable(text, retry_after=asked, **kw)
    if status < 400:
        return BadResponse(f"{s} answered HTTP {status} on {where}", **kw)
    detail = remote_detail(response)
    text = f"{s} rejected the request (HTTP {status}) on {where}"
    return Rejected(f"{text}: {detail}" if detail else text, **kw)
