"""Turn the raw results into goal rows: measured value, target, met or not."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class GoalRow:
    goal: str
    what: str
    measured: str
    target: str
    met: bool

    def line(self) -> str:
        mark = "met" if self.met else "NOT MET"
        return f"{self.goal:<4} {self.what:<46} {self.measured:>22}  {self.target:<16} {mark}"


def _ms(median: float, p95: float) -> str:
    return f"{median:.1f} / {p95:.1f} ms"


def startup_rows(s: dict[str, Any], label: str = "") -> list[GoalRow]:
    p, c, ratio = s["prodops_ms"], s["home_counts_ms"], s["ratio_median"] or float("inf")
    counted = s["counts_ratio_median"] or float("inf")
    imports = s["imports"].get("imported_before_first_frame", ["?"])
    return [
        GoalRow("G1", f"first frame with data, pty{label}", _ms(p["median"], p["p95"]),
                "<= 500 / 700 ms", p["median"] <= 500 and p["p95"] <= 700),
        GoalRow("G1", "  ratio to empty Textual app (medians)", f"{ratio:.2f}x", "<= 1.3x",
                ratio <= 1.3),
        GoalRow("", "  Home counts complete (p50 / p95)", _ms(c["median"], c["p95"]),
                "(info)", True),
        GoalRow("", "  counts complete / empty app (medians)", f"{counted:.2f}x", "(info)", True),
        GoalRow("G2", "heavy imports before first frame", ", ".join(imports) or "none",
                "none", not imports),
    ]  # fmt: skip


def _key(result: dict[str, Any], table: str, key: str, kind: str) -> dict[str, float]:
    summary: dict[str, float] = result[table]["keys"][key][kind]
    return summary


def key_rows(r: dict[str, Any], table: str) -> list[GoalRow]:
    n = f"{r[table]['rows']:,}"
    down = _key(r, table, "down", "drawn")
    page = _key(r, table, "page_down", "rows")
    end = _key(r, table, "end", "rows")
    return [
        GoalRow("G3", f"cursor down, {n} rows", _ms(down["median"], down["p95"]),
                "<= 10 / 20 ms", down["median"] <= 10 and down["p95"] <= 20),
        GoalRow("G4", f"page down (rows drawn), {n} rows", _ms(page["median"], page["p95"]),
                "<= 35 / 50 ms", page["median"] <= 35 and page["p95"] <= 50),
        GoalRow("G4", f"End (rows drawn), {n} rows", _ms(end["median"], end["p95"]),
                "<= 35 / 50 ms", end["median"] <= 35 and end["p95"] <= 50),
    ]  # fmt: skip


def filter_rows(r: dict[str, Any]) -> list[GoalRow]:
    steps = [s for s in r["filter"] if "rows_painted_ms" in s]
    shown = [s["rows_painted_ms"] for s in steps]
    counted = [s["count_ms"] for s in steps]
    echo = [s["echo_ms"] for s in r["filter"]]
    med, worst = statistics.median(shown), max(shown)
    return [
        GoalRow("G5", "filter key -> matching rows drawn (p50/max)", _ms(med, worst),
                "<= 100 / 150 ms", med <= 100 and worst <= 150),
        GoalRow("", "  filter key -> typed char drawn (p50/max)",
                _ms(statistics.median(echo), max(echo)), "(info)", True),
        GoalRow("G7", "filter key -> match count shown (max)", f"{max(counted):.1f} ms",
                "<= 250 ms", max(counted) <= 250),
    ]  # fmt: skip


def memory_rows(r: dict[str, Any]) -> list[GoalRow]:
    rss = r["rss_mb"]
    now = max(rss["after_browse"], rss["after_search"])
    return [
        GoalRow("G13", "RSS after browse + search (VmRSS)", f"{now:.0f} MB", "<= 150 MB",
                now <= 150),
        GoalRow("", "  peak RSS (ru_maxrss)", f"{rss['peak']:.0f} MB", "(info)", True),
    ]  # fmt: skip


def all_rows(
    startup: dict[str, Any] | None,
    large: dict[str, Any],
    compiling: dict[str, Any] | None = None,
) -> list[GoalRow]:
    rows = startup_rows(startup) if startup else []
    rows += startup_rows(compiling, " (no bytecode cache)") if compiling else []
    rows += key_rows(large, "all_feedback") + key_rows(large, "inbox")
    return rows + filter_rows(large) + memory_rows(large)
