"""Ingest throughput: sync Jira and Zendesk from in-process loopback fakes into a fresh SQLite
workspace through `services.sync.sync_connection`, and print items/s per connection.

    uv run python benchmarks/ingest.py                  # small company (2k issues, 10k tickets)
    uv run python benchmarks/ingest.py --size medium    # 20k issues, 100k feedback (~85k tickets)
    uv run python benchmarks/ingest.py --same-process   # fakes in this process (shares the GIL)
    uv run python benchmarks/ingest.py --size large --kinds jira --latency-ms 150 \
        --jira-per-second 20   # issue 3's latency goal: 100k Jira issues, 150 ms added to
                               # every request, the connector's default budget (20 requests/s)

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
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import prodops_tui
from prodops_tui.cli.build import FAKE_SETTINGS, fake_connections
from prodops_tui.cli.sync import opened
from prodops_tui.fakes.serve import RunningFakes, start_fakes
from prodops_tui.services.generator import generate
from prodops_tui.services.sync import sync_connection
from prodops_tui.store.store import Store

KINDS = ("jira", "zendesk")


async def _sync(
    store: Store, rows: list[dict[str, Any]], tokens: dict[str, str], fake_cpu: Callable[[], float]
) -> list[str]:
    """Sync each connection; a line per connection: items, wall time, items/s, and CPU seconds
    of this process and of the fakes (on a shared machine CPU per item is the steadier figure)."""
    lines = []
    async with opened(rows, lambda row: tokens.get(row["kind"]), lambda row: None) as (found, _):
        for row in rows:  # warm-up, not timed: imports and the first connection
            await found[row["id"]].check()
        for row in rows:
            cpu, served, started = time.process_time(), fake_cpu(), time.perf_counter()
            queued = run_queue_seconds()
            report = await sync_connection(store, found[row["id"]])
            seconds = time.perf_counter() - started
            cpu, served = time.process_time() - cpu, fake_cpu() - served
            queued = run_queue_seconds() - queued
            received = sum(s.received for s in report.streams)
            errors = "; ".join(f"{s.stream}: {s.error}" for s in report.streams if s.error)
            lines.append(
                f"{row['id']:<24} {received:>8} items {seconds:8.2f} s "
                f"{received / seconds:>9,.0f} items/s  CPU: ours {cpu:.2f} s "
                f"({cpu / max(received, 1) * 1e6:,.0f} us/item), fake {served:.2f} s; "
                f"ours waited {queued:.2f} s for a CPU" + (f"  ERRORS {errors}" if errors else "")
            )
            for s in report.streams:
                lines.append(f"    {s.stream:<20} {s.received:>8} items {s.pages:>5} pages")
    return lines


def run_queue_seconds() -> float:
    """Seconds this process's threads spent runnable but waiting for a CPU (Linux schedstat):
    on a shared machine, the part of the wall time that other processes took."""
    total = 0
    for task in Path("/proc/self/task").glob("*/schedstat"):
        with suppress(OSError, ValueError, IndexError):
            total += int(task.read_text().split()[1])
    return total / 1e9


def _serve_child(size: str, seed: int, kinds: tuple[str, ...], latency: float, conn: Any) -> None:
    company = generate(size, seed, TODAY)
    with start_fakes(company, kinds=kinds, settings=FAKE_SETTINGS) as fakes:
        _set_latency(fakes, latency)
        conn.send((fakes.urls, fakes.tokens))
        while conn.recv() == "cpu":  # anything else: stop
            conn.send(time.process_time())


def _set_latency(fakes: Any, latency: float) -> None:
    """Seconds the fake Jira waits before answering each request (the fake's `latency`)."""
    if "jira" in fakes.apps:
        fakes.apps["jira"].state.latency = latency


@contextmanager
def fakes_in_child(
    size: str, seed: int, kinds: tuple[str, ...] = KINDS, latency: float = 0.0
) -> Iterator[SimpleNamespace]:
    """The fakes in a separate process; yields an object with their `urls` and `tokens`."""
    ours, theirs = multiprocessing.Pipe()
    child = multiprocessing.get_context("spawn").Process(
        target=_serve_child, args=(size, seed, kinds, latency, theirs), daemon=True
    )
    child.start()
    try:
        urls, tokens = ours.recv()

        def cpu() -> float:
            ours.send("cpu")
            return float(ours.recv())

        yield SimpleNamespace(urls=urls, tokens=tokens, cpu=cpu)
    finally:
        ours.send("stop")
        child.join(10)


TODAY = date(2025, 6, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="small", choices=("tiny", "small", "medium", "large"))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--kinds", default=",".join(KINDS), help="comma-separated, e.g. jira")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added by the fake Jira")
    parser.add_argument(
        "--jira-per-second", type=int, help="the Jira connection's request budget (demo: 100)"
    )
    parser.add_argument("--same-process", action="store_true", help="run the fakes in-process")
    args = parser.parse_args()
    kinds = tuple(k for k in args.kinds.split(",") if k in KINDS)
    where = "this process" if args.same_process else "a child process"
    source = Path(prodops_tui.__file__).parent
    print(f"prodops_tui from {source}; size {args.size}; fakes in {where}")
    print(f"fake Jira latency {args.latency_ms:g} ms; Jira budget {args.jira_per_second or 'demo'}")
    company = generate(args.size, args.seed, TODAY)
    serving = (
        start_fakes(company, kinds=kinds, settings=FAKE_SETTINGS)
        if args.same_process
        else fakes_in_child(args.size, args.seed, kinds, args.latency_ms / 1000)
    )
    with serving as fakes, tempfile.TemporaryDirectory() as tmp:
        if args.same_process:
            _set_latency(fakes, args.latency_ms / 1000)
        store = Store.open(f"sqlite:///{Path(tmp) / 'ingest.db'}")
        rows = [r for r in fake_connections(company, fakes) if r["kind"] in fakes.urls]
        for row in rows:
            if row["kind"] == "jira" and args.jira_per_second:
                row["options"] = {**row["options"], "per_second": args.jira_per_second}
        store.upsert("connection", rows)
        started = time.perf_counter()
        fake_cpu = time.process_time if isinstance(fakes, RunningFakes) else fakes.cpu
        for line in asyncio.run(_sync(store, rows, fakes.tokens, fake_cpu)):
            print(line)
        print(f"total {time.perf_counter() - started:.2f} s")
        store.close()


if __name__ == "__main__":
    main()
