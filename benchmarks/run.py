"""Measure issue 2's performance goals and print them against their targets.

    uv run python benchmarks/run.py [--size large|medium|small] [--runs N] [--skip-startup]

Writes benchmarks/results/latest.json. The workspaces are built once into benchmarks/.data/.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from report import all_rows
from startup import interleaved
from workspace import ensure_workspace

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "latest.json"
COMPARE_SIZE = "small"
"""The ~1k-10k-row workspace measured in the same run, for ratios."""


def machine() -> dict[str, Any]:
    model = ""
    with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    load = os.getloadavg()
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "kernel": platform.release(),
        "loadavg_at_start": [round(x, 2) for x in load],
    }


def headless(size: str) -> dict[str, Any]:
    """Run interaction.py in its own process (so its RSS is the app's alone)."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        cmd = [sys.executable, str(HERE / "interaction.py"), "--size", size, "--out", out.name]
        subprocess.run(cmd, check=True)
        result: dict[str, Any] = json.loads(Path(out.name).read_text())
        return result


def print_keys(label: str, result: dict[str, Any]) -> None:
    for table in ("all_feedback", "inbox"):
        rows = result[table]["rows"]
        print(f"  {label} {table} ({rows:,} rows): key  drawn / settled / rows drawn (p50, p95 ms)")
        for key, kinds in result[table]["keys"].items():
            cells = "  ".join(f"{kinds[k]['median']:6.1f} {kinds[k]['p95']:6.1f}" for k in kinds)
            print(f"    {key:<10} {cells}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="large", choices=("small", "medium", "large"))
    parser.add_argument("--runs", type=int, default=9, help="interleaved pty runs per app")
    parser.add_argument("--skip-startup", action="store_true", help="skip the pty runs")
    parser.add_argument(
        "--no-compile-series",
        action="store_true",
        help="skip the second pty series that compiles every source at each spawn",
    )
    args = parser.parse_args()
    db = ensure_workspace(args.size)
    ensure_workspace(COMPARE_SIZE)
    results: dict[str, Any] = {"date": time.strftime("%Y-%m-%d %H:%M"), "machine": machine()}
    results["size"] = args.size
    if not args.skip_startup:
        print(f"pty first frame: {args.runs} interleaved runs each...", flush=True)
        results["startup"] = interleaved(db, args.runs)
        if not args.no_compile_series:
            print("again without a bytecode cache (how earlier runs measured)...", flush=True)
            results["startup_compiling"] = interleaved(db, args.runs, bytecode=False)
    print(f"headless keys on {args.size}, then {COMPARE_SIZE}...", flush=True)
    results["headless"] = {args.size: headless(args.size), COMPARE_SIZE: headless(COMPARE_SIZE)}
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2))
    show(results, args.size)


def show(results: dict[str, Any], size: str) -> None:
    startup = results.get("startup")
    for key in ("startup", "startup_compiling"):
        series = results.get(key)
        if series:
            e, p, c = series["empty_app_ms"], series["prodops_ms"], series["home_counts_ms"]
            print(f"\n{key}: empty app {e['median']:.0f} / {e['p95']:.0f} ms (p50 / p95)")
            print(f"  prodops first frame with data {p['median']:.0f} / {p['p95']:.0f} ms")
            print(f"  prodops Home counts complete {c['median']:.0f} / {c['p95']:.0f} ms")
            print(f"  imports: {series['imports']}")
    for label, result in results["headless"].items():
        print_keys(label, result)
        print(f"  {label} filter: {result['filter']}")
        print(f"  {label} rss MB: {result['rss_mb']}; store calls ms: {result['filter_db_ms']}")
    print()
    for row in all_rows(startup, results["headless"][size], results.get("startup_compiling")):
        print(row.line())
    print(f"\nwritten to {RESULTS}")


if __name__ == "__main__":
    main()
