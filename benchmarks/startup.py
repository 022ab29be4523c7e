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
from pty_timer import PtyRun, pty_env, time_to_marker
from workspace import table_count

HERE = Path(__file__).resolve().parent
WORKSPACE = "bench"


def app_env(db: Path, scratch: Path) -> dict[str, str]:
    """Environment that opens `db` as workspace "bench" with its own config and cache dirs."""
    config = scratch / "config.toml"
    config.write_text(f'[workspaces.{WORKSPACE}]\nurl = "sqlite:///{db.resolve()}"\n')
    return pty_env(
        {
            "PRODOPS_CONFIG": str(config),
            "PRODOPS_CACHE_DIR": str(scratch / "cache"),
            "PRODOPS_DATA_DIR": str(scratch / "data"),
        }
    )


def home_marker(db: Path) -> bytes:
    """Text the Home screen paints only once its counts query returned: "of 1,000,000 items"."""
    return f"of {table_count(db, 'feedback'):,} items".encode()


def _measure(run: Callable[[], PtyRun], label: str) -> float | None:
    result = run()
    if result.ms is None:
        print(f"  {label}: marker not seen; last output: {result.tail[-200:]!r}", file=sys.stderr)
    return result.ms


def interleaved(db: Path, runs: int) -> dict[str, Any]:
    """Warm up once each, then alternate empty app / prodops `runs` times."""
    prodops_argv = [sys.executable, "-m", "prodops_tui", "--workspace", WORKSPACE]
    empty_argv = [sys.executable, str(HERE / "empty_app.py")]
    marker = home_marker(db)
    with tempfile.TemporaryDirectory(prefix="prodops-bench-") as tmp:
        env = app_env(db, Path(tmp))

        def empty() -> PtyRun:
            return time_to_marker(empty_argv, EMPTY_MARKER.encode(), env)

        def prodops() -> PtyRun:
            return time_to_marker(prodops_argv, marker, env)

        empty(), prodops()  # warm-up: page cache, settings cache, bytecode
        empty_ms: list[float] = []
        prodops_ms: list[float] = []
        for i in range(runs):
            for label, run, out in (("empty", empty, empty_ms), ("prodops", prodops, prodops_ms)):
                ms = _measure(run, f"{label} run {i + 1}")
                if ms is not None:
                    out.append(ms)
        probe = import_probe(db, env, marker)
    empty_s, prodops_s = summarise(empty_ms), summarise(prodops_ms)
    return {
        "marker": marker.decode(),
        "empty_app_ms": empty_s.as_dict(),
        "prodops_ms": prodops_s.as_dict(),
        "ratio_median": round(prodops_s.median / empty_s.median, 3) if empty_ms else None,
        "runs_empty": [round(v, 1) for v in empty_ms],
        "runs_prodops": [round(v, 1) for v in prodops_ms],
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
