"""G11: the initial sync of 100k Jira issues when every request takes 150 ms (PERFORMANCE.md).

    uv run python benchmarks/sync_latency.py [--issues 100000] [--latency 0.15] [--out r.json]

The fake Jira runs in a child process (as a real site would) with `latency` seconds added to
every request; this process does what `prodops sync` does: `services.sync.sync_connection`
into a fresh SQLite workspace (first sync, empty cursor). Baseline in the same run: a raw
client sending the same requests (id search pages of 5,000, bulk fetches of 100, 8 in flight)
and reading the bodies, with no parsing, mapping, writing or client-side rate budget.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
from common import emit_json
from workspace import TODAY

from prodops_tui.cli.build import fake_connections
from prodops_tui.cli.sync import opened
from prodops_tui.connectors.jira_map import ISSUE_FIELDS
from prodops_tui.connectors.jira_pull import BULK_FETCH, FETCH_CHUNK, ID_PAGE, SEARCH
from prodops_tui.fakes.serve import start_fakes
from prodops_tui.services.generator import Company
from prodops_tui.services.generator_base import Spec
from prodops_tui.services.generator_text import PROJECTS
from prodops_tui.services.sync import sync_connection
from prodops_tui.store.store import Store

IN_FLIGHT = 8
JQL = f"project in ({', '.join(key for key, _ in PROJECTS)}) ORDER BY updated ASC, key ASC"
GOAL_S = 30.0
"""G11: <= 30 s at 4-8 concurrent pages."""


def company(issues: int | None, size: str = "large") -> Company:
    """The backlog of `size`'s company (cut to `issues`); its feedback is not served here."""
    spec = Spec.build(size, 7, TODAY)
    return Company(replace(spec, n_issues=issues or spec.n_issues, n_feedback=100))


def _serve(issues: int | None, size: str, latency: float, conn: Any) -> None:
    with start_fakes(company(issues, size), kinds=("jira",)) as fakes:
        fakes.apps["jira"].state.latency = latency
        conn.send((fakes.urls, fakes.tokens))
        conn.recv()


@contextmanager
def slow_jira(
    issues: int | None, latency: float, size: str = "large"
) -> Iterator[tuple[dict[str, str], dict[str, str]]]:
    """The fake Jira of `size`'s company in a child process; yields its urls and tokens."""
    ours, theirs = multiprocessing.Pipe()
    context = multiprocessing.get_context("spawn")
    child = context.Process(target=_serve, args=(issues, size, latency, theirs), daemon=True)
    child.start()
    try:
        yield ours.recv()
    finally:
        ours.send("stop")
        child.join(10)


async def prodops_sync(
    urls: dict[str, str], tokens: dict[str, str], folder: Path
) -> dict[str, Any]:
    """First sync of the Jira connection through the real connector and store."""
    store = Store.open(f"sqlite:///{folder / 'sync.db'}")
    try:
        fakes = type("Fakes", (), {"urls": urls, "tokens": tokens})()
        rows = [r for r in fake_connections(company(1), fakes) if r["kind"] == "jira"]
        store.upsert("connection", rows)
        async with opened(rows, lambda row: tokens["jira"], lambda row: None) as (found, _):
            started = time.perf_counter()
            report = await sync_connection(store, found[rows[0]["id"]])
            seconds = time.perf_counter() - started
    finally:
        store.close()
    errors = [f"{s.stream}: {s.error}" for s in report.streams if s.error]
    received = sum(s.received for s in report.streams)
    return {"seconds": round(seconds, 2), "items": received, "errors": errors}


async def raw_fetch(url: str, token: str) -> dict[str, Any]:
    """The same requests with a bare httpx client: the latency floor of this request pattern."""
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=IN_FLIGHT)
    gate = asyncio.Semaphore(IN_FLIGHT)
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits) as client:

        async def fetch(ids: list[str]) -> int:
            async with gate:
                body = {"issueIdsOrKeys": ids, "fields": list(ISSUE_FIELDS)}
                answer = await client.post(BULK_FETCH, json=body)
                return len(answer.content)

        started = time.perf_counter()
        tasks, token_, requests = [], None, 0
        while True:
            body: dict[str, Any] = {"jql": JQL, "fields": ["id"]}
            body |= {"maxResults": ID_PAGE} | ({"nextPageToken": token_} if token_ else {})
            page = (await client.post(SEARCH, json=body)).json()
            ids = [issue["id"] for issue in page["issues"]]
            requests += 1
            for at in range(0, len(ids), FETCH_CHUNK):
                tasks.append(asyncio.create_task(fetch(ids[at : at + FETCH_CHUNK])))
            token_ = page.get("nextPageToken")
            if page.get("isLast") or not ids:
                break
        sizes = await asyncio.gather(*tasks)
        seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 2), "requests": requests + len(sizes), "bytes": sum(sizes)}


def measure(issues: int, latency: float) -> dict[str, Any]:
    with slow_jira(issues, latency) as (urls, tokens), tempfile.TemporaryDirectory() as tmp:
        raw = asyncio.run(raw_fetch(urls["jira"], tokens["jira"]))
        ours = asyncio.run(prodops_sync(urls, tokens, Path(tmp)))
    ours["items_per_s"] = round(ours["items"] / ours["seconds"], 1) if ours["seconds"] else 0
    return {"issues": issues, "latency_s": latency, "prodops": ours, "raw": raw}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=100_000)
    parser.add_argument("--latency", type=float, default=0.15, help="seconds per request")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    result = measure(args.issues, args.latency)
    emit_json(result, args.out)


if __name__ == "__main__":
    main()
