"""Read path: summary, threads, cancellation, errors and import hygiene."""

import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from read_rows import ISSUES, TODAY, _keys

from prodops_tui.store.errors import StoreError
from prodops_tui.store.reads import SUMMARY_STEPS, ListQuery, ReadCancelled, Reader
from prodops_tui.store.store import Store


def test_summary_counts(reader: Reader) -> None:
    assert reader.summary() == {
        "issues": 4,
        "issues_untriaged": 2,
        "feedback": 4,
        "feedback_new": 2,
        "experiments_running": 1,
        "experiments": 3,
        "tools": 4,
        "renewals_30": 1,
        "renewals_90": 2,
        "outbox_pending": 2,
        "outbox_conflict": 1,
    }
    later = reader.summary(today=TODAY + timedelta(days=11))
    assert (later["renewals_30"], later["renewals_90"]) == (0, 1)


def test_threads_read_concurrently_and_reuse_connections(reader: Reader) -> None:
    results: list[list[Any]] = []
    barrier = threading.Barrier(4)

    def read() -> None:
        barrier.wait()
        results.append(_keys(reader.first_page(ISSUES)))

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [_keys(reader.first_page(ISSUES))] * 4
    opened = len(reader._open)
    assert 1 <= opened <= 4
    for _ in range(10):
        reader.first_page(ISSUES)
    assert len(reader._open) == opened  # one-after-another reads reuse idle connections
    reader.close()
    assert reader._open == []
    assert reader.count(ISSUES) == 5


def test_summary_of_some_keys_and_steps_cover_all(reader: Reader) -> None:
    everything = reader.summary()
    assert reader.summary(keys=("feedback", "issues")) == {"feedback": 4, "issues": 4}
    merged: dict[str, int] = {}
    for step in SUMMARY_STEPS:
        merged.update(reader.summary(keys=step))
    assert merged == everything
    with pytest.raises(ValueError):
        reader.summary(keys=("issues; DROP TABLE issue",))


def test_cancelled_read_stops_with_read_cancelled(reader: Reader) -> None:
    # A recursive CTE long enough to reach the progress handler several times.
    q = ListQuery("issue", ("key",), search="export")
    assert reader.count(q, cancelled=lambda: False) == reader.count(q)
    with pytest.raises(ReadCancelled):
        reader._fetch(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000000)"
            " SELECT count(*) FROM n",
            [],
            cancelled=lambda: True,
        )
    assert reader.count(q) == reader.count(q, cancelled=lambda: False)  # connection still usable


def test_sqlite_reader_cannot_write(sqlite_url: str) -> None:
    Store.open(sqlite_url).close()
    reader = Reader(sqlite_url)
    with pytest.raises(StoreError, match="readonly|read-only|query_only"):
        reader._fetch("DELETE FROM issue", [])
    reader.close()


def test_missing_workspace_and_bad_urls_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="not found"):
        Reader(f"sqlite:///{tmp_path / 'absent.db'}").count(ISSUES)
    assert not (tmp_path / "absent.db").exists()
    with pytest.raises(StoreError):
        Reader("mysql://u:p@h/db")
    down = Reader("postgresql://u:s3cret@127.0.0.1:1/db")
    with pytest.raises(StoreError) as caught:
        down.count(ISSUES)
    assert "s3cret" not in str(caught.value)
    assert "\n" not in str(caught.value)


def test_import_and_first_page_skip_heavy_modules(sqlite_url: str) -> None:
    Store.open(sqlite_url).close()
    script = (
        "import sys\n"
        "from prodops_tui.store.reads import ListQuery, Reader\n"
        f"Reader({sqlite_url!r}).first_page(ListQuery('issue', ('key', 'updated')))\n"
        "heavy = ('sqlalchemy', 'sqlmodel', 'pydantic', 'httpx', 'textual', 'psycopg')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_search_first_page_is_the_newest_matches_then_the_snapshot_sorts_more(
    reader: Reader,
) -> None:
    """A search's first page comes straight off the index (its newest matches, in display
    order); the snapshot sorts every listed match."""
    q = ListQuery("issue", ("key",), search="expo")  # PROD-1, 3 and 5 match
    assert _keys(reader.first_page(q, limit=2)) == ["PROD-3", "PROD-5"]
    assert _keys(reader.rows(q, reader.snapshot(q))) == ["PROD-3", "PROD-1", "PROD-5"]
    narrowed = ListQuery("feedback", ("id",), search="export", filters=(("state", "new"),))
    assert _keys(reader.first_page(narrowed, limit=1)) == ["zd:3"]
