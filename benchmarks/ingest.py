"""Ingest throughput: sync Jira and Zendesk from in-process loopback fakes into a fresh SQLite
workspace through `services.sync.sync_connection`, and print items/s per connection.

    uv run python benchmarks/ingest.py                  # small company (2k issues, 10k tickets)
    uv run python benchmarks/ingest.py --size medium    # 20k issues, 100k feedback (~85k tickets)
    uv run python benchmarks/ingest.py --same-process   # fakes in this process (shares the GIL)

By default the fakes run in a child process, as a real service would: the measured process does
only what a user's `prodops sync` does (requests, decoding, mapping, writing).

To measure an older commit with the same script:
    git archive <commit> prodops_tui | tar -x -C /tmp/before
    PYTHONPATH=/tmp/before uv run python benchmarks/ingest.py
"""

import argparse
import asyncio
import multiprocessing
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import prodops_tui
from prodops_tui.cli.build import FAKE_SETTINGS, fake_connections
from prodops_tui.cli.sync import opened
from prodops_tui.fakes.serve import start_fakes
from prodops_tui.services.generator import generate
from prodops_tui.services.sync import sync_connection
from prodops_tui.store.store import Store

KINDS = ("jira", "zendesk")


async def _sync(store: Store, rows: list[dict[str, Any]], tokens: dict[str, str]) -> list[str]:
    lines = []
    async with opened(rows, lambda row: tokens.get(row["kind"]), lambda row: None) as (found, _):
        for row in rows:
            started = time.perf_counter()
            report = await sync_connection(store, found[row["id"]])
            seconds = time.perf_counter() - started
            received = sum(s.received for s in report.streams)
            errors = "; ".join(f"{s.stream}: {s.error}" for s in report.streams if s.error)
            lines.append(
                f"{row['id']:<24} {received:>8} items {seconds:8.2f} s "
                f"{received / seconds:>9,.0f} items/s" + (f"  ERRORS {errors}" if errors else "")
            )
            for s in report.streams:
                lines.append(f"    {s.stream:<20} {s.received:>8} items {s.pages:>5} pages")
    return lines


def _serve_child(size: str, seed: int, conn: Any) -> None:
    company = generate(size, seed, TODAY)
    with start_fakes(company, kinds=KINDS, settings=FAKE_SETTINGS) as fakes:
        conn.send((fakes.urls, fakes.tokens))
        conn.recv()  # any message: stop


@contextmanager
def fakes_in_child(size: str, seed: int) -> Iterator[SimpleNamespace]:
    """The fakes in a separate process; yields an object with their `urls` and `tokens`."""
    ours, theirs = multiprocessing.Pipe()
    child = multiprocessing.get_context("spawn").Process(
        target=_serve_child, args=(size, seed, theirs), daemon=True
    )
    child.start()
    try:
        urls, tokens = ours.recv()
        yield SimpleNamespace(urls=urls, tokens=tokens)
    finally:
        ours.send("stop")
        child.join(10)


TODAY = date(2025, 6, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="small", choices=("tiny", "small", "medium"))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--same-process", action="store_true", help="run the fakes in-process")
    args = parser.parse_args()
    where = "this process" if args.same_process else "a child process"
    source = Path(prodops_tui.__file__).parent
    print(f"prodops_tui from {source}; size {args.size}; fakes in {where}")
    company = generate(args.size, args.seed, TODAY)
    serving = (
        start_fakes(company, kinds=KINDS, settings=FAKE_SETTINGS)
        if args.same_process
        else fakes_in_child(args.size, args.seed)
    )
    with serving as fakes, tempfile.TemporaryDirectory() as tmp:
        store = Store.open(f"sqlite:///{Path(tmp) / 'ingest.db'}")
        rows = [r for r in fake_connections(company, fakes) if r["kind"] in fakes.urls]
        store.upsert("connection", rows)
        started = time.perf_counter()
        for line in asyncio.run(_sync(store, rows, fakes.tokens)):
            print(line)
        print(f"total {time.perf_counter() - started:.2f} s")
        store.close()


if __name__ == "__main__":
    main()
