"""The benchmark suite's smoke run: every benchmark once on the tiny workspace must produce a
value for every row of the report. Timings are not asserted here (goals are judged by the full
run, `uv run python benchmarks/run.py`, whose table is in benchmarks/README.md).

The tiny workspace and the children's bytecode are cached in benchmarks/.data/ (or under
PRODOPS_BENCH_DATA) after the first run.
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VERDICTS = {"met", "NOT MET", "p95 not met", "info"}


def test_every_benchmark_produces_every_figure(tmp_path: Path) -> None:
    argv = [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--size", "tiny", "--smoke"]
    done = subprocess.run(
        [*argv, "--out", str(tmp_path)], capture_output=True, text=True, timeout=600, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr[-4000:]
    results = json.loads((tmp_path / "latest.json").read_text())
    failed = {name: part["error"] for name, part in results.items()
              if isinstance(part, dict) and "error" in part}  # fmt: skip
    assert not failed
    rows = results["rows"]
    assert len(rows) >= 20
    assert [r["what"] for r in rows if r["p50"] is None] == []
    assert {r["verdict"] for r in rows} <= VERDICTS
    with_baseline = [r for r in rows if r["baseline"]]
    assert with_baseline and all(r["ratio"] is not None for r in with_baseline)
    table = (tmp_path / "latest.md").read_text()
    assert all(f"| {r['what']} |" in table for r in rows)
