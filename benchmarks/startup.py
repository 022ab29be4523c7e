"""Goal (a) and the import check: first frame with data in a real pty, against an empty app."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import summarise
from empty_app import MARKER as EMPTY_MARKER
from import_probe import WATCHED
from pty_timer import PtyRun, pty_env, time_to_marker, time_to_markers
from workspace import DATA_DIR, table_count

HERE = Path(__file__).resolve().parent
WORKSPACE = "bench"
PYCACHE = DATA_DIR / "pycache"
"""Bytecode of both apps, written by the warm-up spawn (gitignored with the workspaces)."""


def app_env(db: Path, scratch: Path, bytecode: bool = True) -> dict[str, str]:
    """Environment that opens `db` as workspace "bench" with its own config and cache dirs."""
    config = scratch / "config.toml"
    config.write_text(f'[workspaces.{WORKSPACE}]\nurl = "sqlite:///{db.resolve()}"\n')
    extra = {
        "PRODOPS_CONFIG": str(config),
        "PRODOPS_CACHE_DIR": str(scratch / "cache"),
        "PRODOPS_DATA_DIR": str(scratch / "data"),
    }
    return pty_env(extra, str(PYCACHE) if bytecode else None)


def home_markers(db: Path) -> tuple[bytes, bytes]:
    """Two texts of the Home screen, each shown only after the store returned it:

    - first frame with data: the Running card's "of N experiments", read with the renewals and
      running-experiment lists from the small tables (before any count over a big table);
    - counts complete: the New feedback card's "of 1,000,000 items", the last and heaviest count
      (every card shows "counting…" until its exact numbers are in).
    """
    first = f"of {table_count(db, 'experiment'):,} experiments"
    last = f"of {table_count(db, 'feedback'):,} items"
    return first.encode(), last.encode()


def _measure(run: Callable[[], PtyRun], label: str) -> tuple[float | None, ...]:
    result = run()
    if result.ms is None:
        print(f"  {label}: marker not seen; last output: {result.tail[-200:]!r}", file=sys.stderr)
    return result.marks


def interleaved(db: Path, runs: int, bytecode: bool = True) -> dict[str, Any]:
    """Warm up once each, then alternate empty app / prodops `runs` times."""
    prodops_argv = [sys.executable, "-m", "prodops_tui", "--workspace", WORKSPACE]
    empty_argv = [sys.executable, str(HERE / "empty_app.py")]
    markers = home_markers(db)
    with tempfile.TemporaryDirectory(prefix="prodops-bench-") as tmp:
        env = app_env(db, Path(tmp), bytecode)

        def empty() -> PtyRun:
            return time_to_marker(empty_argv, EMPTY_MARKER.encode(), env)

        def prodops() -> PtyRun:
            return time_to_markers(prodops_argv, markers, env)

        empty(), prodops()  # warm-up: page cache, settings cache, bytecode
        empty_ms: list[float] = []
        first_ms: list[float] = []
        counted_ms: list[float] = []
        for i in range(runs):
            (e,) = _measure(empty, f"empty run {i + 1}")
            first, counted = _measure(prodops, f"prodops run {i + 1}")
            empty_ms += [e] if e is not None else []
            first_ms += [first] if first is not None else []
            counted_ms += [counted] if counted is not None else []
        probe = import_probe(db, env, markers[0])
    empty_s, first_s, counted_s = summarise(empty_ms), summarise(first_ms), summarise(counted_ms)
    return {
        "bytecode_cached": bytecode,
        "markers": [m.decode() for m in markers],
        "empty_app_ms": empty_s.as_dict(),
        "prodops_ms": first_s.as_dict(),
        "home_counts_ms": counted_s.as_dict(),
        "ratio_median": round(first_s.median / empty_s.median, 3) if empty_ms else None,
        "counts_ratio_median": round(counted_s.median / empty_s.median, 3) if empty_ms else None,
        "runs_empty": [round(v, 1) for v in empty_ms],
        "runs_prodops": [round(v, 1) for v in first_ms],
        "runs_home_counts": [round(v, 1) for v in counted_ms],
        "imports": probe,
    }


def import_probe(db: Path, env: dict[str, str], marker: bytes) -> dict[str, Any]:
    """One extra spawn under import_probe.py: which watched packages load before the marker."""
    log = Path(env["PRODOPS_CACHE_DIR"]).parent / "imports.log"
    argv = [sys.executable, str(HERE / "import_probe.py"), str(log), "prodops_tui"]
    argv += ["--workspace", WORKSPACE]
    run = time_to_marker(argv, marker, env)
    if run.ms is None:
        return {"error": "marker not seen under the probe"}
    shown_at = run.spawned_at + run.ms / 1000
    lines = [line.split() for line in log.read_text().splitlines()]
    times = {name: float(at) for name, at in lines}
    before = sorted(name for name in WATCHED if times.get(name, float("inf")) <= shown_at)
    return {
        "first_frame_ms": round(run.ms, 1),
        "imported_before_first_frame": before,
        "import_ms_after_spawn": {
            name: round((at - run.spawned_at) * 1000, 1)
            for name, at in times.items()
            if name != "__start__"
        },
    }
