"""Issue 5 (Feedback inbox) performance: CSV import rate, the link picker and the `/` filter
at 1M feedback.

    uv run python benchmarks/inbox.py [--rows 200000] [--large PATH] [--skip-large-import]

`--large` is a copy of the large benchmark workspace (100k issues, 1M feedback; see
workspace.py); it is only read, except by the import into a scratch copy of it.
Nothing is asserted: the numbers go to stdout for benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from prodops_tui.services.feedback_import import import_feedback  # noqa: E402
from prodops_tui.services.similarity import IssueIndex, feedback_text  # noqa: E402
from prodops_tui.store.read_sql import ListQuery  # noqa: E402
from prodops_tui.store.reads import Reader  # noqa: E402
from prodops_tui.store.store import Store  # noqa: E402

HERE = Path(__file__).resolve().parent
WORDS = ("export", "slow", "invoice", "dashboard", "login", "search", "mobile")


def write_csv(path: Path, rows: int) -> int:
    rng = random.Random(7)
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["response_id", "score", "comment", "email", "company", "date"])
        for n in range(rows):
            words = " ".join(rng.choice(WORDS) for _ in range(12))
            out.writerow([f"r{n}", rng.randint(0, 10), f"The {words}.", f"u{n}@x.test",
                          f"Org {n % 500}", f"2025-0{1 + n % 9}-1{n % 10}"])  # fmt: skip
    return path.stat().st_size


def timed_import(url: str, path: Path, label: str) -> dict[str, float]:
    store = Store.open(url)
    try:
        started, cpu = time.perf_counter(), time.process_time()
        report = import_feedback(store, path, kind="nps")
        took, cpu = time.perf_counter() - started, time.process_time() - cpu
        again = time.perf_counter()
        second = import_feedback(store, path, kind="nps")
        took_again = time.perf_counter() - again
    finally:
        store.close()
    rate = report.read / took
    line = f"import {label}: {report.read:,} rows in {took:.1f} s = {rate:,.0f} rows/s"
    line += f" ({cpu:.1f} s CPU = {report.read / cpu:,.0f} rows per CPU second)"
    print(f"{line} (added {report.added:,}); re-import {took_again:.1f} s, added {second.added}")
    return {"rows": report.read, "seconds": took, "rows_per_s": rate, "reimport_s": took_again}


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def picker(large: Path) -> dict[str, Any]:
    store = Store.open(f"sqlite:///{large}", read_only=True)
    try:
        started = time.perf_counter()
        index = IssueIndex.load(store)
        print(f"issue index: {len(index):,} issues read and indexed in "
              f"{time.perf_counter() - started:.2f} s (once per screen, in a worker)")  # fmt: skip
        with store.read() as conn:
            tickets = conn.exec_driver_sql(
                "SELECT subject, body FROM feedback WHERE kind = 'ticket'"
                " ORDER BY seq DESC LIMIT 60"
            ).all()
    finally:
        store.close()
    opens = []
    for subject, body in tickets:
        started = time.perf_counter()
        index.rank(feedback_text(subject, body), 20)
        opens.append(ms(time.perf_counter() - started))
    print(f"picker ranked suggestions (20 of {len(index):,}): median {statistics.median(opens)} ms,"
          f" p95 {sorted(opens)[int(len(opens) * 0.95) - 1]} ms, max {max(opens)} ms")  # fmt: skip
    text = feedback_text(*tickets[0])
    typed, keys = "", []
    for char in "export csv":
        typed += char
        started = time.perf_counter()
        index.rank(text, 20, typed=typed)
        keys.append(ms(time.perf_counter() - started))
    print(f"picker typed 'export csv' per key (ms): {keys}; max {max(keys)}")
    typed_keys, keys = keys, []
    for typed in ("a", "ap", "api", "api-", "api-1", "api-12", "api-123"):
        started = time.perf_counter()
        index.rank(text, 20, typed=typed)
        keys.append(ms(time.perf_counter() - started))
    print(f"picker typed 'api-123' per key (ms): {keys}; max {max(keys)}")
    return {"open_ms": opens, "typed_ms": typed_keys + keys}


def inbox_filter(large: Path) -> list[float]:
    reader = Reader(f"sqlite:///{large}")
    columns = ("id", "kind", "subject", "requester", "org_name", "updated")
    base = ListQuery("feedback", columns, filters=(("state", "new"),))
    typed, times = "", []
    for char in "export":
        typed += char
        query = ListQuery(base.table, base.columns, search=typed, filters=base.filters)
        started = time.perf_counter()
        reader.first_page(query, 60)
        times.append(ms(time.perf_counter() - started))
    reader.close()
    print(f"inbox `/export` first page per key, state=new over 1M (ms): {times}")
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--large", type=Path, default=HERE / ".data" / "inbox-large.db")
    parser.add_argument("--skip-large-import", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="prodops-inbox-bench-") as scratch:
        root = Path(scratch)
        path = root / "nps.csv"
        size = write_csv(path, args.rows)
        print(f"CSV: {args.rows:,} rows, {size / 1e6:.1f} MB")
        timed_import(f"sqlite:///{root / 'fresh.db'}", path, "into an empty workspace")
        small = root / "small.csv"
        write_csv(small, 20_000)
        if args.large.exists() and not args.skip_large_import:
            copy = root / "large.db"
            shutil.copy(args.large, copy)
            timed_import(f"sqlite:///{copy}", small, "20k rows (triggers) into 1M feedback")
            timed_import(f"sqlite:///{copy}", path, "the big file into 1M feedback")
    if args.large.exists():
        picker(args.large)
        inbox_filter(args.large)


if __name__ == "__main__":
    main()
