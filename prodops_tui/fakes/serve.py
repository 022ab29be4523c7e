"""Serve the fake services on loopback sockets (uvicorn in a background thread), for
`prodops demo` and tests that need real HTTP."""

import asyncio
import secrets
import socket
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette

from prodops_tui.services.generator import Company

__all__ = ["KINDS", "RunningFakes", "start_fakes"]

KINDS = ("jira", "zendesk", "growthbook", "mixpanel")
"""The services with a fake, in sync order."""

_STARTUP_SECONDS = 15.0


@dataclass
class RunningFakes:
    """Fakes listening on 127.0.0.1: their base URLs, tokens and apps (for `state`)."""

    urls: dict[str, str]
    tokens: dict[str, str]
    apps: dict[str, Starlette]
    _servers: list[uvicorn.Server] = field(default_factory=list, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)

    def stop(self) -> None:
        """Ask every server to exit and wait for the thread to finish."""
        for server in self._servers:
            server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def __enter__(self) -> "RunningFakes":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _create(
    kind: str, company: Company, token: str, base_url: str, settings: Mapping[str, Any]
) -> Starlette:
    if kind == "jira":
        from prodops_tui.fakes import jira

        return jira.create_app(company, token=token, **settings)
    if kind == "growthbook":
        from prodops_tui.fakes import growthbook

        return growthbook.create_app(company, token=token, **settings)
    if kind == "mixpanel":
        from prodops_tui.fakes import mixpanel

        return mixpanel.create_app(company, token=token, **settings)
    from prodops_tui.fakes import zendesk

    return zendesk.create_app(company, token=token, base_url=base_url, **settings)


def _listen(host: str) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    sock.listen(128)
    return sock


def start_fakes(
    company: Company,
    *,
    host: str = "127.0.0.1",
    kinds: Iterable[str] = KINDS,
    settings: Mapping[str, Mapping[str, Any]] | None = None,
) -> RunningFakes:
    """Start one fake per kind on a free port of `host`; each gets a fresh random token.

    `settings[kind]` are extra keyword arguments for that fake's `create_app`."""
    fakes = RunningFakes({}, {}, {})
    sockets: list[socket.socket] = []
    for kind in kinds:
        sock = _listen(host)
        sockets.append(sock)
        url = f"http://{host}:{sock.getsockname()[1]}"
        token = secrets.token_urlsafe(24)
        app = _create(kind, company, token, url, (settings or {}).get(kind, {}))
        fakes.urls[kind], fakes.tokens[kind], fakes.apps[kind] = url, token, app
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
        fakes._servers.append(uvicorn.Server(config))
    started = threading.Event()
    fakes._thread = threading.Thread(
        target=_run, args=(fakes._servers, sockets, started), name="prodops-fakes", daemon=True
    )
    fakes._thread.start()
    if not started.wait(_STARTUP_SECONDS) or not all(s.started for s in fakes._servers):
        fakes.stop()
        raise OSError("the local fake services did not start")
    return fakes


def _run(
    servers: list[uvicorn.Server], sockets: list[socket.socket], started: threading.Event
) -> None:
    async def main() -> None:
        tasks = [
            asyncio.create_task(server.serve(sockets=[sock]))
            for server, sock in zip(servers, sockets, strict=True)
        ]
        while not all(server.started for server in servers):
            if any(task.done() for task in tasks):
                break
            await asyncio.sleep(0.01)
        started.set()
        await asyncio.gather(*tasks, return_exceptions=True)

    try:
        asyncio.run(main())
    finally:
        for sock in sockets:
            sock.close()
