"""Shared set-up for the Jira connector tests: a fake Jira and a connector wired to it."""

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import date
from typing import Any

import httpx
from starlette.applications import Starlette

from prodops_tui.connectors.auth import basic
from prodops_tui.connectors.base import Page
from prodops_tui.connectors.http import HttpCore
from prodops_tui.connectors.jira import JiraConnector
from prodops_tui.fakes.jira import create_app
from prodops_tui.services.generator import generate

BASE = "https://acme.atlassian.net"
OPTIONS = {"projects": ["CHK", "SRCH", "MOB", "BILL", "ONB", "API"], "poll_interval": 0}


def fake_jira(**kw: Any) -> Starlette:
    return create_app(generate("tiny", 7, date(2025, 6, 1)), **kw)


class Sleeps:
    """A recording stand-in for asyncio.sleep: the waits HttpCore asked for."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@asynccontextmanager
async def connector(
    app: Starlette,
    *,
    sleep: Callable[[float], Awaitable[None]] | None = None,
    hooks: list[Callable[..., Any]] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    base: str = BASE,
    **options: Any,
) -> AsyncIterator[JiraConnector]:
    http = HttpCore(
        "jira",
        base,
        basic("ops@acme.example", "fake-token"),
        transport=transport or httpx.ASGITransport(app=app),
        sleep=sleep or Sleeps(),
        event_hooks={"response": hooks} if hooks else None,
    )
    async with http:
        yield JiraConnector(http, connection_id="jira:acme", options={**OPTIONS, **options})


async def pull_all(jira: JiraConnector, cursor: str = "") -> list[Page]:
    return [page async for page in jira.pull("issues", cursor)]
