"""Store.open: creation, migrations, and refusing files that are not ours without touching them."""

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest
from store_helpers import issue_row, scalar

from prodops_tui.store.engine import network_filesystem, preflight_sqlite
from prodops_tui.store.errors import StoreError
from prodops_tui.store.migrate import head_revision
from prodops_tui.store.store import Store


@pytest.fixture
def db_url(empty_db_url: str) -> str:
    """These tests create and migrate workspaces: they start from empty databases."""
    return empty_db_url


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _assert_untouched(path: Path, before: str) -> None:
    assert _digest(path) == before
    assert not Path(f"{path}-wal").exists()
    assert not Path(f"{path}-shm").exists()
    assert not Path(f"{path}-journal").exists()


def test_open_creates_a_marked_workspace_at_head(db_url: str) -> None:
    store = Store.open(db_url)
    try:
        assert store.dialect in ("sqlite", "postgresql")
        assert scalar(store, "SELECT value FROM workspace_meta WHERE key = 'app'") == "prodops"
        assert scalar(store, "SELECT version_num FROM alembic_version") == head_revision()
    finally:
        store.close()


def test_sqlite_pragmas_follow_the_recipe(sqlite_url: str) -> None:
    store = Store.open(sqlite_url)
    try:
        assert scalar(store, "PRAGMA journal_mode") == "wal"
        assert scalar(store, "PRAGMA foreign_keys") == 1
        assert scalar(store, "PRAGMA busy_timeout") == 30000
        assert scalar(store, "PRAGMA synchronous") == 2
    finally:
        store.close()


def test_reopen_keeps_data(db_url: str) -> None:
    store = Store.open(db_url)
    store.upsert("issue", [issue_row(1)])
    store.close()
    again = Store.open(db_url, create=False)
    try:
        assert scalar(again, "SELECT key FROM issue") == "PROD-1"
    finally:
        again.close()


def test_foreign_sqlite_file_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        conn.execute("INSERT INTO notes (body) VALUES ('keep me')")
    conn.close()
    before = _digest(path)
    with pytest.raises(StoreError, match="not a prodops workspace") as info:
        Store.open(f"sqlite:///{path}")
    assert "\n" not in str(info.value)
    _assert_untouched(path, before)


def test_foreign_wal_mode_file_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "wal.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE things (id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()
    before = _digest(path)
    with pytest.raises(StoreError, match="not a prodops workspace"):
        Store.open(f"sqlite:///{path}")
    _assert_untouched(path, before)


@pytest.mark.parametrize(
    "content",
    [os.urandom(8192), b"SQLite format 3\x00" + os.urandom(8192), b"hello, world\n"],
    ids=["random", "bad-pages", "text"],
)
def test_corrupt_file_is_refused_unchanged(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "corrupt.db"
    path.write_bytes(content)
    before = _digest(path)
    with pytest.raises(StoreError, match="not a prodops workspace") as info:
        Store.open(f"sqlite:///{path}")
    assert "\n" not in str(info.value)
    _assert_untouched(path, before)


def test_missing_file_without_create_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "missing.db"
    with pytest.raises(StoreError, match="no workspace database"):
        Store.open(f"sqlite:///{path}", create=False)
    assert not path.exists()


def test_unusable_directory_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    with pytest.raises(StoreError, match="cannot create"):
        Store.open(f"sqlite:///{blocker / 'sub' / 'workspace.db'}")


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_read_only_directory_is_refused(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    with pytest.raises(StoreError, match="cannot write"):
        Store.open(f"sqlite:///{locked / 'workspace.db'}")


def test_read_only_never_writes(sqlite_url: str, tmp_path: Path) -> None:
    Store.open(sqlite_url).close()
    path = tmp_path / "workspace.db"
    before = _digest(path)
    store = Store.open(sqlite_url, read_only=True)
    try:
        assert scalar(store, "SELECT value FROM workspace_meta WHERE key = 'app'") == "prodops"
        with pytest.raises(StoreError, match="read-only"):
            store.upsert("issue", [issue_row(1)])
    finally:
        store.close()
    assert _digest(path) == before


def test_read_only_refuses_an_old_schema(tmp_path: Path) -> None:
    from prodops_tui.store.engine import sqlite_engine
    from prodops_tui.store.migrate import upgrade

    path = tmp_path / "old.db"
    engine = sqlite_engine(path, read_only=False)
    with engine.begin() as conn:
        upgrade(conn, "0001")
    engine.dispose()
    with pytest.raises(StoreError, match="without --read-only"):
        Store.open(f"sqlite:///{path}", read_only=True)


def test_read_only_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no workspace database"):
        Store.open(f"sqlite:///{tmp_path / 'nothing.db'}", read_only=True)
    assert not (tmp_path / "nothing.db").exists()


def test_unreachable_postgres_fails_fast_without_the_password() -> None:
    url = "postgresql://prodops:hunter2-secret@127.0.0.1:9/prodops"
    with pytest.raises(StoreError) as info:
        Store.open(url)
    message = str(info.value)
    assert "hunter2-secret" not in message
    assert "***" in message
    assert "\n" not in message


def test_foreign_postgres_database_is_refused(pg_url: str) -> None:
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE invoices (id int PRIMARY KEY)")
    with pytest.raises(StoreError, match="not a prodops workspace"):
        Store.open(pg_url)
    with psycopg.connect(pg_url) as conn:
        tables = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchall()
    assert tables == [("invoices",)]


def test_unknown_url_scheme_is_refused() -> None:
    with pytest.raises(StoreError, match="unsupported workspace URL"):
        Store.open("mysql://user:pw@host/db")


MOUNTS = """\
/dev/vda / ext4 rw,relatime 0 0
server:/export /mnt/team nfs4 rw,relatime 0 0
//nas/share /mnt/nas cifs rw 0 0
sshfs#me@host: /mnt/ssh fuse.sshfs rw 0 0
/dev/vdb /mnt/team/local ext4 rw 0 0
"""


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/home/me/workspace.db", None),
        ("/mnt/team/ws/workspace.db", "nfs4"),
        ("/mnt/nas/workspace.db", "cifs"),
        ("/mnt/ssh/workspace.db", "fuse.sshfs"),
        ("/mnt/team/local/workspace.db", None),
        ("/mnt/teamwork/workspace.db", None),
    ],
)
def test_network_filesystems_are_detected(tmp_path: Path, path: str, expected: str | None) -> None:
    mounts = tmp_path / "mounts"
    mounts.write_text(MOUNTS)
    assert network_filesystem(Path(path), mounts) == expected


def test_network_filesystem_refusal_suggests_postgres(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mounts = tmp_path / "mounts"
    mounts.write_text(f"server:/export {tmp_path} nfs rw 0 0\n")
    import prodops_tui.store.engine as engine

    real = engine.network_filesystem
    monkeypatch.setattr(engine, "network_filesystem", lambda path: real(path, mounts))
    with pytest.raises(StoreError, match="postgresql://"):
        preflight_sqlite(tmp_path / "workspace.db", read_only=False, create=True)
    assert not (tmp_path / "workspace.db").exists()
