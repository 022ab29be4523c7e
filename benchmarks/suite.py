"""The parts of the benchmark suite, each a function of the plan returning its raw results.

`run.py` calls them in order; a part that fails records its error and the rest go on (the
report then shows "no data" for its rows). Parts that measure memory or need a clean process
run as child processes; the per-feature benchmarks run in this process.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workspace import DATA_DIR, ensure_workspace, sqlite_url

HERE = Path(__file__).resolve().parent
WORD = "export"
SMOKE_WORD = "exp"
LATENCY = 0.15


@dataclass(frozen=True)
class Plan:
    """What one run measures: the workspace size, repetitions, and the smoke (tiny) mode."""

    size: str
    runs: int
    smoke: bool = False
    compile_series: bool = False

    @property
    def db(self) -> Path:
        return ensure_workspace(self.size)

    @property
    def word(self) -> str:
        """What the filter types, one key at a time."""
        return SMOKE_WORD if self.smoke else WORD

    @property
    def compare(self) -> str | None:
        """A smaller workspace measured alongside (small next to the large one)."""
        return None if self.smoke or self.size in ("tiny", "small") else "small"

    def scale(self, key: str) -> int | str:
        return SCALE[self.size][key]


SCALE: dict[str, dict[str, Any]] = {
    "tiny": {"ingest": "tiny", "issues": 200, "csv": 500, "experiments": 60, "count": 1},
    "small": {"ingest": "small", "issues": 2_000, "csv": 10_000, "experiments": 500, "count": 3},
    "medium": {"ingest": "medium", "issues": 20_000, "csv": 50_000, "experiments": 2_000,
               "count": 5},
    "large": {"ingest": "medium", "issues": 100_000, "csv": 100_000, "experiments": 2_000,
              "count": 10},
}  # fmt: skip
"""Per workspace size: ingest.py's size (it stops at medium), Jira issues for the sync under
latency, CSV rows to import, calendar experiments, triage keys."""


def child_env() -> dict[str, str]:
    """Children read and write bytecode under .data/pycache (this sandbox sets
    PYTHONDONTWRITEBYTECODE and the venv has none, so each child would compile everything)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(DATA_DIR / "pycache")
    return env


def script(name: str, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run benchmarks/`name` with `--out FILE` in a child process and read its JSON."""
    with tempfile.TemporaryDirectory(prefix="prodops-bench-") as folder:
        out = Path(folder) / "out.json"
        argv = [sys.executable, str(HERE / name), *args, "--out", str(out)]
        subprocess.run(argv, check=True, env=child_env() | (env or {}), cwd=HERE, stdout=sys.stderr)
        result: dict[str, Any] = json.loads(out.read_text())
        return result


def startup(plan: Plan) -> dict[str, Any]:
    from startup import interleaved

    result = {"bytecode": interleaved(plan.db, plan.runs)}
    if plan.compile_series:
        result["compiling"] = interleaved(plan.db, plan.runs, bytecode=False)
    return result


def headless(plan: Plan) -> dict[str, Any]:
    """interaction.py, one process per workspace size (so its RSS is the app's alone)."""
    cap = ["--keys", "1"] if plan.smoke else []
    cap += ["--word", plan.word]
    sizes = [plan.size] + ([plan.compare] if plan.compare else [])
    return {size: script("interaction.py", "--size", size, *cap) for size in sizes}


def empty_app(plan: Plan) -> dict[str, Any]:
    return script("baselines.py", "--keys", "2" if plan.smoke else "30")


INGEST_LINE = re.compile(r"^(\S+:\S+)\s+(\d+) items\s+([\d.]+) s\s+([\d,]+) items/s")
INGEST_TOTAL = re.compile(r"^total ([\d.]+) s")


def ingest(plan: Plan) -> dict[str, Any]:
    """ingest.py as a user runs it (its output is parsed; its internals are its own)."""
    argv = [sys.executable, str(HERE / "ingest.py"), "--size", str(plan.scale("ingest"))]
    done = subprocess.run(argv, check=True, env=child_env(), cwd=HERE, capture_output=True)
    lines = done.stdout.decode().splitlines()
    connections = {m[1]: {"items": int(m[2]), "seconds": float(m[3])}
                   for m in map(INGEST_LINE.match, lines) if m}  # fmt: skip
    total = next(float(m[1]) for m in map(INGEST_TOTAL.match, lines) if m)
    items = sum(c["items"] for c in connections.values())
    return {"size": plan.scale("ingest"), "connections": connections, "items": items,
            "seconds": total, "items_per_s": round(items / total, 1), "stdout": lines}  # fmt: skip


def raw_sqlite(plan: Plan, rows: int) -> dict[str, Any]:
    from baselines import raw_filter, raw_upsert

    return {"filter": raw_filter(plan.db, plan.word), "upsert": raw_upsert(rows)}


def sync(plan: Plan) -> dict[str, Any]:
    return script("sync_latency.py", "--issues", str(plan.scale("issues")),
                  "--latency", str(LATENCY))  # fmt: skip


def triage(plan: Plan) -> dict[str, Any]:
    """triage.py on a copy whose Jira connection points at a running fake Jira (the detail
    pane fetches missing comments from Jira, as with a live site), token in the environment."""
    from sync_latency import slow_jira

    with slow_jira(None, 0.0, plan.size) as (urls, tokens), tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "workspace.db"
        shutil.copyfile(plan.db, copy)
        conn = sqlite3.connect(copy, isolation_level=None)
        conn.execute("UPDATE connection SET base_url = ? WHERE kind = 'jira'", (urls["jira"],))
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # triage.py copies the main file only
        conn.close()
        env = {"PRODOPS_JIRA_TOKEN": tokens["jira"]}
        return script("triage.py", "--db", str(copy), "--count", str(plan.scale("count")), env=env)


def query_bar(plan: Plan) -> dict[str, Any]:
    import query_bar as bench

    from prodops_tui.screens.backlog import COLUMNS
    from prodops_tui.store.reads import ListQuery

    url, runs = sqlite_url(plan.db), min(plan.runs, 5)
    queries = bench.QUERIES[:2] if plan.smoke else bench.QUERIES
    base = ListQuery("issue", tuple(column.key for column in COLUMNS))
    store = bench.store_costs(url, base, runs, queries)
    return {"store": store, "app": asyncio.run(bench.app_costs(url, runs, queries))}


def inbox(plan: Plan) -> dict[str, Any]:
    import inbox as bench

    with tempfile.TemporaryDirectory(prefix="prodops-inbox-") as folder:
        path = Path(folder) / "nps.csv"
        bench.write_csv(path, int(plan.scale("csv")))
        imported = bench.timed_import(f"sqlite:///{folder}/fresh.db", path, "into an empty one")
    return {
        "import": imported,
        "picker": bench.picker(plan.db),
        "filter_ms": bench.inbox_filter(plan.db),
    }


def calendar(plan: Plan) -> dict[str, Any]:
    import calendar_bench as bench

    count = int(plan.scale("experiments"))
    runs, keys = (1, 2) if plan.smoke else (7, 40)
    check = bench.timed(count, runs, 4, 24)
    return {
        "count": count,
        "check": check,
        "repaint": asyncio.run(bench.repaint(count, keys, 4, 24)),
    }


def run_all(plan: Plan, only: set[str] | None = None) -> dict[str, Any]:
    """Every part in turn (or the named ones); an error is kept as `{"error": ...}`."""
    results: dict[str, Any] = {}
    parts: list[tuple[str, Callable[[Plan], dict[str, Any]]]] = [
        ("headless", headless), ("empty_app", empty_app), ("startup", startup),
        ("triage", triage), ("query_bar", query_bar), ("inbox", inbox), ("calendar", calendar),
        ("ingest", ingest), ("sync", sync),
    ]  # fmt: skip
    for name, part in parts:
        if only is None or name in only:
            results[name] = attempt(name, lambda part=part: part(plan))
    items = results.get("ingest", {}).get("items") or 10_000
    if only is None or "raw_sqlite" in only:
        results["raw_sqlite"] = attempt("raw_sqlite", lambda: raw_sqlite(plan, items))
    return results


def attempt(name: str, call: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    print(f"--- {name}", file=sys.stderr, flush=True)
    started = time.perf_counter()
    try:
        result = call()
    except Exception as exc:  # a broken part must not lose the others' figures
        traceback.print_exc()
        result = {"error": f"{type(exc).__name__}: {exc}"}
    result["part_seconds"] = round(time.perf_counter() - started, 1)
    print(f"--- {name}: {result['part_seconds']} s", file=sys.stderr, flush=True)
    return result
