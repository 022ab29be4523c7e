"""Opening the workspace again in a process that already has it open (the app's reader plus a
Store for each sync) must not drop that process's SQLite locks: else another process's exit
deletes the -wal/-shm under it and the next write fails with "disk I/O error" (seen in the demo
after a background sync)."""

import subprocess
import sys
from pathlib import Path

from sqlalchemy import text
from store_helpers import issue_row, scalar

from prodops_tui.store.reads import ListQuery, Reader
from prodops_tui.store.store import Store

OTHER = (
    "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]);"
    " c.execute('SELECT count(*) FROM sqlite_master').fetchone(); c.close()"
)


def test_a_second_open_and_another_process_leave_the_first_store_working(tmp_path: Path) -> None:
    path = tmp_path / "workspace.db"
    url = f"sqlite:///{path}"
    first = Store.open(url)
    first.upsert("issue", [issue_row(1)])
    reader = Reader(url)
    assert reader.count(ListQuery("issue", ("key",))) == 1
    with first.write() as conn:  # the app's write connection is pooled and stays open
        conn.execute(text("UPDATE issue SET version = 5"))
    Store.open(url).close()  # e.g. a background sync opening its own Store
    subprocess.run([sys.executable, "-c", OTHER, str(path)], check=True)
    assert Path(f"{path}-wal").exists() and Path(f"{path}-shm").exists()
    first.upsert("issue", [issue_row(2)])
    with first.write() as conn:
        conn.execute(text("UPDATE issue SET version = 6"))
    reader.close()
    first.close()
    again = Store.open(url)
    try:
        assert scalar(again, "SELECT count(*) FROM issue WHERE version = 6") == 2
    finally:
        again.close()
