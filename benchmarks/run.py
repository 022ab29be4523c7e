"""Run the whole benchmark suite and report every figure against its goal and as a ratio to a
baseline measured in the same run (an empty Textual app; raw sqlite3; a raw HTTP client).

    uv run python benchmarks/run.py                      # large workspace, the full report
    uv run python benchmarks/run.py --size tiny --smoke  # every benchmark once, tiny (CI)

Writes benchmarks/results/latest.{json,md} (or under --out) and prints the markdown table.
The workspaces are built once into benchmarks/.data/ (large: several minutes).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from figures import FIGURES
from report import Row, markdown, row
from suite import Plan, run_all
from workspace import table_count

HERE = Path(__file__).resolve().parent
PARTS = ("headless", "empty_app", "startup", "triage", "query_bar", "inbox", "calendar",
         "ingest", "sync", "raw_sqlite")  # fmt: skip


def _cpu_model() -> str:
    with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor()


def _commit() -> str:
    done = subprocess.run(["git", "-C", str(HERE), "describe", "--always", "--dirty"],
                          capture_output=True, text=True)  # fmt: skip
    return done.stdout.strip() or "unknown"


def machine() -> dict[str, Any]:
    import sqlite3

    import textual

    return {
        "nproc": os.cpu_count(),
        "cpu": _cpu_model(),
        "python": platform.python_version(),
        "kernel": platform.release(),
        "sqlite": sqlite3.sqlite_version,
        "textual": getattr(textual, "__version__", "?"),
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def scale(plan: Plan, results: dict[str, Any]) -> str:
    db = plan.db
    issues, feedback = table_count(db, "issue"), table_count(db, "feedback")
    inbox = table_count(db, "feedback", "WHERE state = 'new'")
    sync = results.get("sync", {}).get("issues", "?")
    ingest = results.get("ingest", {})
    items = ingest.get("items", "?")
    return (
        f"workspace `{plan.size}`: {issues:,} issues, {feedback:,} feedback (Inbox {inbox:,} new);"
        f" ingest.py --size {ingest.get('size', '?')} ({items} items);"
        f" sync under latency: {sync} Jira issues"
    )


def header(results: dict[str, Any]) -> str:
    m = results["machine"]
    return (f"{results['date']} UTC, commit {results['commit']}, `{results['command']}`; "
            f"{m['nproc']} vCPU {m['cpu']}, Python {m['python']}, SQLite {m['sqlite']}, "
            f"textual {m['textual']}; load average {m['loadavg_at_start']} at start, "
            f"{m['loadavg_at_end']} at end. {results['scale']}.")  # fmt: skip


def build_rows(results: dict[str, Any]) -> list[Row]:
    return [row(figure, results) for figure in FIGURES]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="large", choices=("tiny", "small", "medium", "large"))
    parser.add_argument("--runs", type=int, default=9, help="repetitions (pty series, queries)")
    parser.add_argument("--smoke", action="store_true", help="each benchmark once, no pauses")
    parser.add_argument("--only", nargs="+", choices=PARTS, help="run only these parts")
    parser.add_argument("--compile-series", action="store_true",
                        help="also a pty series compiling every source at each spawn")  # fmt: skip
    parser.add_argument("--out", type=Path, default=HERE / "results")
    parser.add_argument("--report", type=Path, metavar="JSON",
                        help="rebuild the report from a saved latest.json")  # fmt: skip
    return parser.parse_args(argv)


def measure(args: argparse.Namespace, argv: list[str] | None) -> dict[str, Any]:
    runs = 1 if args.smoke else args.runs
    plan = Plan(args.size, runs, smoke=args.smoke, compile_series=args.compile_series)
    command = "run.py " + " ".join(sys.argv[1:] if argv is None else argv)
    results: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
        "command": command.strip(),
        "commit": _commit(),
        "machine": machine(),
        "size": args.size,
        "word": plan.word,
    }
    results |= run_all(plan, set(args.only) if args.only else None)
    results["machine"]["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["scale"] = scale(plan, results)
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    results = json.loads(args.report.read_text()) if args.report else measure(args, argv)
    rows = build_rows(results)
    results["rows"] = [r.as_dict() for r in rows]
    table = f"{header(results)}\n\n{markdown(rows)}\n"
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "latest.json").write_text(json.dumps(results, indent=2, default=str))
    (args.out / "latest.md").write_text(table)
    print(table)
    print(f"written to {args.out / 'latest.json'} and latest.md", file=sys.stderr)
    missing = [r.what for r in rows if r.verdict == "no data"]
    if missing:
        print(f"no data for: {'; '.join(missing)}", file=sys.stderr)
    return 1 if missing and not args.only else 0


if __name__ == "__main__":
    sys.exit(main())
