"""Exports: column order, ISO dates, valid JSON, filters, and flat memory on a large table."""

import csv
import io
import json
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from stats_rows import HOSTILE, fill_stats

from prodops_tui.services import export, tool_csv
from prodops_tui.store.store import Store


@pytest.fixture
def filled(db_url: str) -> Iterator[Store]:
    store = Store.open(db_url)
    try:
        fill_stats(store)
        store.upsert(
            "tool",
            [
                {"id": "tool:b", "name": "Beta, Inc", "renewal_date": date(2027, 1, 31)},
                {"id": "tool:a", "name": "Alpha", "monthly_cost": 12.5, "seats_bought": 3},
            ],
        )
        yield store
    finally:
        store.close()


def _csv(store: Store, kind: str, where: export.Filter | None = None) -> list[list[str]]:
    out = io.StringIO()
    export.export(store, kind, "csv", out, where)
    return list(csv.reader(io.StringIO(out.getvalue())))


def test_tools_export_the_tool_columns_in_model_order_as_the_import_reads_them() -> None:
    assert export.columns("tools") == list(tool_csv.COLUMNS)
    assert export.columns("tools") == [
        "seq",
        "id",
        "name",
        "category",
        "owner",
        "seats_bought",
        "seats_used",
        "monthly_cost",
        "renewal_date",
        "connection_id",
        "status",
        "notes",
    ]


def test_csv_has_a_stable_header_iso_dates_and_json_lists(filled: Store) -> None:
    table = _csv(filled, "tools")
    assert table[0] == export.columns("tools")
    assert [row[2] for row in table[1:]] == ["Beta, Inc", "Alpha"]
    assert table[1][8] == "2027-01-31"
    assert table[2][7] == "12.5"
    issues = _csv(filled, "issues")
    header = issues[0]
    first = dict(zip(header, issues[1], strict=True))
    assert first["summary"] == HOSTILE
    assert first["updated"] == "2026-11-01T10:00:00Z"
    assert first["snoozed_until"] == "2026-11-26T10:00:00Z"
    assert first["labels"] == "[]"
    assert first["deleted"] == "false"
    assert header[:3] == ["seq", "id", "connection_id"]
    assert "description_adf" not in header


def test_json_is_one_valid_array_with_native_values(filled: Store) -> None:
    out = io.StringIO()
    written = export.export(filled, "decisions", "json", out)
    items = json.loads(out.getvalue())
    assert written == len(items) == 3
    assert list(items[0]) == export.columns("decisions")
    assert items[0]["detail"] == {"note": HOSTILE}
    assert [item["created_at"] for item in items] == [
        "2026-11-10T10:00:00Z",
        "2026-11-11T10:00:00Z",
        "2026-11-24T10:00:00Z",
    ]


def test_an_empty_table_exports_a_header_or_an_empty_array(filled: Store) -> None:
    assert _csv(filled, "experiments") == [export.columns("experiments")]
    out = io.StringIO()
    assert export.export(filled, "experiments", "json", out) == 0
    assert json.loads(out.getvalue()) == []


def test_a_filter_keeps_only_matching_rows(filled: Store) -> None:
    table = _csv(filled, "feedback", ("t.kind = ? AND t.score >= ?", ["nps", 9]))
    assert [row[1] for row in table[1:]] == ["zd:4", "zd:7"]


def test_unknown_kind_or_format_is_refused(filled: Store) -> None:
    with pytest.raises(ValueError, match="cannot export 'orgs'"):
        export.columns("orgs")
    with pytest.raises(ValueError, match="unknown format"):
        export.export(filled, "tools", "xml", io.StringIO())


MOMENT = datetime(2026, 11, 1, 10, tzinfo=UTC)


def _many(n: int) -> Iterator[dict[str, object]]:
    for i in range(n):
        yield {"id": f"zd:big:{i}", "subject": f"Subject {i} " + "x" * 60, "tags": ["a", "b"]} | {
            "updated": MOMENT,
            "state": "new",
        }


def test_memory_stays_flat_while_50k_rows_stream(sqlite_url: str, tmp_path: Path) -> None:
    store = Store.open(sqlite_url)
    try:
        with store.bulk_load("feedback"):
            store.upsert("feedback", _many(50_000), batch=5000)
        target = tmp_path / "feedback.csv"
        tracemalloc.start()
        with target.open("w", encoding="utf-8", newline="") as out:
            written = export.export(store, "feedback", "csv", out)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    finally:
        store.close()
    assert written == 50_000
    assert target.stat().st_size > 50_000 * 80
    assert peak < 8 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB while exporting"
