"""Every figure of the report: issue 10's goals from PERFORMANCE.md §7 (G1-G13) and the
per-feature goals of issues 4-6, each with where its value and its baseline come from."""

from __future__ import annotations

import statistics
from typing import Any

from report import Figure, Pair, R, median_max, summary


def _main(r: R) -> R:
    headless: dict[str, R] = r["headless"]
    return headless[r["size"]]


def _keys(table: str, key: str, kind: str) -> Figure:
    names = {"down": "cursor down", "page_down": "page down", "end": "End"}
    goal, limits = ("G3", (10.0, 20.0)) if key == "down" else ("G4", (35.0, 50.0))
    where = "all feedback" if table == "all_feedback" else "Inbox (state = new)"
    drawn = "cursor drawn" if kind == "drawn" else "rows drawn"
    return Figure(
        goal, f"{names[key]}, {where}: key -> {drawn}", "ms",
        lambda r: summary(_main(r)[table]["keys"][key][kind]), limits,
        "empty app key", lambda r: r["empty_app"]["key_drawn_ms"]["median"],
    )  # fmt: skip


def _filter_steps(r: R) -> list[R]:
    return [s for s in _main(r)["filter"] if "rows_painted_ms" in s]


def _raw(r: R, kind: str) -> list[float]:
    return list(r["raw_sqlite"]["filter"][kind].values())


def _filter_floor(r: R) -> float:
    echo = r["empty_app"]["input_echo_ms"]["median"]
    return float(echo + statistics.median(_raw(r, "first_page_ms")))


def _rss(r: R) -> Pair:
    rss = _main(r)["rss_mb"]
    return max(rss["after_browse"], rss["after_search"]), rss["peak"]


def _startup(key: str) -> Any:
    return lambda r: summary(r["startup"]["bytecode"][key])


def _paired(key: str) -> Any:
    """Median of prodops/empty per interleaved pair: robust to the load changing mid-series."""

    def ratio(r: R) -> float:
        series = r["startup"]["bytecode"]
        empty, ours = series["runs_empty"], series[key]
        if len(empty) != len(ours):
            raise ValueError("a run missed its marker: no pairs")
        return statistics.median(o / e for o, e in zip(ours, empty, strict=True))

    return ratio


def _empty_first_frame(r: R) -> float:
    return float(r["startup"]["bytecode"]["empty_app_ms"]["median"])


def _empty_key(r: R) -> float:
    return float(r["empty_app"]["key_drawn_ms"]["median"])


def _query_bar(r: R) -> Pair:
    medians = [q["rows"]["median"] for q in r["query_bar"]["app"].values()]
    return statistics.median(medians), max(medians)


def _calendar(label: str) -> Any:
    return lambda r: summary(r["calendar"]["repaint"][label]["key_to_idle_ms"])


def _imports(r: R) -> Pair:
    return len(r["startup"]["bytecode"]["imports"]["imported_before_first_frame"]), None


EMPTY_FRAME = "empty app"
RAW = "raw sqlite3"

FIGURES: tuple[Figure, ...] = (
    Figure("G1", "first frame with data, pty (bytecode cached)", "ms",
           _startup("prodops_ms"), (500, 700), EMPTY_FRAME, _empty_first_frame,
           paired=_paired("runs_prodops")),
    Figure("", "Home counts complete, pty", "ms", _startup("home_counts_ms"), None,
           EMPTY_FRAME, _empty_first_frame, paired=_paired("runs_home_counts")),
    Figure("G2", "sqlmodel/sqlalchemy/pydantic/httpx imported before first frame", "modules",
           _imports, (0, None)),
    _keys("all_feedback", "down", "drawn"),
    _keys("inbox", "down", "drawn"),
    _keys("all_feedback", "page_down", "rows"),
    _keys("inbox", "page_down", "rows"),
    _keys("all_feedback", "end", "rows"),
    _keys("inbox", "end", "rows"),
    Figure("G5", "filter-as-you-type, all feedback: key -> matching rows drawn (p50 / max)",
           "ms", lambda r: median_max([s["rows_painted_ms"] for s in _filter_steps(r)]),
           (100, 150), "Input key + raw sqlite3 page", _filter_floor),
    Figure("G5", "filter: the store's first page alone (whole word)", "ms",
           lambda r: (_main(r)["filter_db_ms"]["first_page"], None), (10, None),
           RAW, lambda r: r["raw_sqlite"]["filter"]["first_page_ms"][r["word"]]),
    Figure("G7", "filter: key -> exact match count shown (p50 / max)", "ms",
           lambda r: median_max([s["count_ms"] for s in _filter_steps(r)]), (250, 250),
           RAW + " count (max)", lambda r: max(_raw(r, "count_ms"))),
    Figure("G8", "ingest, Jira + Zendesk from the fakes (benchmarks/ingest.py)", "items/s",
           lambda r: (r["ingest"]["items_per_s"], None), (20_000, None),
           RAW + " upsert", lambda r: r["raw_sqlite"]["upsert"]["rows_per_s"], higher=True),
    Figure("G11", "initial sync of N Jira issues at 150 ms per request", "s",
           lambda r: (r["sync"]["prodops"]["seconds"], None), (30, None),
           "raw httpx, same requests", lambda r: r["sync"]["raw"]["seconds"]),
    Figure("G13", "RSS after browse + search (VmRSS / peak)", "MB", _rss, (150, None),
           "empty app RSS", lambda r: r["empty_app"]["rss_mb"]["after_keys"]),
    Figure("#4", "triage `1` (accept): key -> row repainted", "ms",
           lambda r: summary(r["triage"]["accept_key_ms"]), (30, None), "empty app key",
           _empty_key),
    Figure("#4", "triage `d` at 80x24: key -> detail pane drawn", "ms",
           lambda r: summary(r["triage"]["open_detail_ms"]), (50, None), "empty app key",
           _empty_key),
    Figure("#4", "triage `d` right after a cursor move: key -> row read and drawn", "ms",
           lambda r: summary(r["triage"]["open_detail_cold_ms"]["facts"]), (50, None),
           "empty app key", _empty_key),
    Figure("#4", "query bar, Enter -> rows drawn (median over queries / slowest)", "ms",
           _query_bar, (100, 100), "empty app key", _empty_key),
    Figure("#5", "CSV import into an empty workspace", "rows/s",
           lambda r: (r["inbox"]["import"]["rows_per_s"], None), (20_000, None),
           RAW + " upsert", lambda r: r["raw_sqlite"]["upsert"]["rows_per_s"], higher=True),
    Figure("#5", "link picker: ranked suggestions per open", "ms",
           lambda r: (statistics.median(r["inbox"]["picker"]["open_ms"]),
                      sorted(r["inbox"]["picker"]["open_ms"])[-1]), (150, 150)),
    Figure("#5", "link picker: filter per typed key (p50 / max)", "ms",
           lambda r: median_max(r["inbox"]["picker"]["typed_ms"]), (100, 100)),
    Figure("#5", "Inbox `/export` first page per key, store (p50 / max)", "ms",
           lambda r: median_max(r["inbox"]["filter_ms"]), (100, 100),
           RAW + " page", lambda r: statistics.median(_raw(r, "first_page_ms"))),
    Figure("#6", "calendar conflict check over all experiments", "ms",
           lambda r: summary(r["calendar"]["check"]["check_ms"]), (200, None),
           "all-pairs check", lambda r: r["calendar"]["check"]["all_pairs_ms"]),
    Figure("#6", "calendar cursor move: key -> idle", "ms", _calendar("cursor move"),
           (50, None), "unbound key", lambda r: r["calendar"]["repaint"]["floor_ms"]["median"]),
    Figure("#6", "calendar plan move (`m`, live re-check): key -> idle", "ms",
           _calendar("plan move (m)"), (50, None), "unbound key",
           lambda r: r["calendar"]["repaint"]["floor_ms"]["median"]),
)  # fmt: skip
