"""Engine set-up: SQLite pragmas and BEGIN IMMEDIATE, PostgreSQL via psycopg 3.

RELIABILITY.md §2: WAL + busy_timeout + synchronous=FULL + foreign keys, the DB-API connection in
autocommit mode so SQLAlchemy's `begin` event decides how a transaction starts, and no SQLite
file on a network filesystem.
"""

import json
import os
import re
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool, QueuePool

from prodops_tui.store.errors import StoreError, mask_url

__all__ = ["StoreError", "mask_url"]

CONNECT_TIMEOUT_S = 5
BUSY_TIMEOUT_MS = 30000
NETWORK_FS = frozenset(
    {"nfs", "nfs4", "cifs", "smb", "smb3", "smbfs", "lustre", "gpfs", "ceph", "glusterfs", "9p"}
)


def one_line(exc: BaseException, url: str = "") -> str:
    """The first line of an exception's message, with the URL's password masked."""
    inner = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    text = str(inner).strip().splitlines()[0] if str(inner).strip() else type(inner).__name__
    password = _password_of(url)
    if password:
        text = text.replace(password, "***")
    return mask_url(text)


def _password_of(url: str) -> str:
    match = re.search(r"://[^:/@\s]*:(?P<pw>[^@\s]*)@", url)
    return match.group("pw") if match else ""


def dialect_of(url: str) -> str:
    """`sqlite` or `postgresql` from a workspace URL; StoreError for anything else."""
    scheme = url.split(":", 1)[0].split("+", 1)[0].lower()
    if scheme == "sqlite":
        return "sqlite"
    if scheme in ("postgresql", "postgres"):
        return "postgresql"
    raise StoreError(
        f"unsupported workspace URL {mask_url(url)!r}: use sqlite:/// or postgresql://"
    )


def sqlite_path(url: str) -> Path:
    """The database file of a `sqlite:///path` URL (four slashes for an absolute path)."""
    rest = url.split(":", 1)[1]
    if not rest.startswith("///") or len(rest) <= 3:
        raise StoreError(f"a SQLite workspace URL needs a file path: {url!r}")
    return Path(rest[3:].split("?", 1)[0]).expanduser()


def network_filesystem(path: Path, mounts: Path = Path("/proc/mounts")) -> str | None:
    """The filesystem type holding `path` if it is a network (or FUSE) filesystem, else None."""
    try:
        table = mounts.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    real = os.path.realpath(path)
    best, fstype = "", ""
    for line in table.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        point = parts[1].replace("\\040", " ")
        inside = real == point or real.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, fstype = point, parts[2]
    network = fstype in NETWORK_FS or fstype == "fuse" or fstype.startswith("fuse.")
    return fstype if network else None


def postgres_engine(url: str, *, read_only: bool) -> Engine:
    """A pooled psycopg 3 engine that fails fast (5 s) on a bad host."""
    args: dict[str, Any] = {"connect_timeout": CONNECT_TIMEOUT_S}
    if read_only:
        args["options"] = "-c default_transaction_read_only=on"
    driver = re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql+psycopg://", url)
    return create_engine(driver, pool_pre_ping=True, connect_args=args)


def sqlite_engine(path: Path, *, read_only: bool) -> Engine:
    """A pooled SQLite engine with the recipe's pragmas; writes begin IMMEDIATE."""

    def connect() -> sqlite3.Connection:
        if read_only:
            target, uri = f"{path.resolve().as_uri()}?mode=ro", True
        else:
            target, uri = str(path), False
        return sqlite3.connect(
            target, uri=uri, isolation_level=None, check_same_thread=False, timeout=5
        )

    engine = create_engine("sqlite://", creator=connect, poolclass=QueuePool)
    event.listen(engine, "connect", _sqlite_pragmas(read_only))
    event.listen(engine, "begin", _sqlite_begin(read_only))
    return engine


READ_OPTION = "prodops_read"
"""Execution option marking a connection whose transactions only read (plain BEGIN)."""


def _sqlite_begin(read_only: bool) -> Any:
    def on_begin(conn: Connection) -> None:
        reading = read_only or conn.get_execution_options().get(READ_OPTION, False)
        conn.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")

    return on_begin


def _sqlite_pragmas(read_only: bool) -> Any:
    def on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")  # first: the next ones may wait
        if read_only:
            cursor.execute("PRAGMA query_only=ON")
        else:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return on_connect


def preflight_sqlite(path: Path, *, read_only: bool, create: bool) -> None:
    """Refuse, before touching anything, a path SQLite must not or cannot use."""
    fstype = network_filesystem(path.parent if not path.exists() else path)
    if fstype:
        raise StoreError(
            f"{path.parent} is on a network filesystem ({fstype}); SQLite needs a local disk. "
            "Use a postgresql:// workspace URL to share a workspace."
        )
    if path.exists():
        _check_sqlite_file(path)
    elif read_only or not create:
        raise StoreError(f"no workspace database at {path}")
    else:
        _make_directory(path.parent)
    if not read_only and not os.access(path.parent, os.W_OK):
        raise StoreError(f"cannot write in {path.parent}: permission denied")


def _check_sqlite_file(path: Path) -> None:
    """Refuse a file that is not a SQLite database, asking SQLite itself (read-only).

    Never through a plain open()/close() of our own: closing any descriptor of the file drops
    every POSIX lock this process holds on it, including those of the workspace's open SQLite
    connections; another process then believes it is the last user, deletes the -wal and -shm,
    and this process's next write fails with "disk I/O error" or is lost."""
    if not path.is_file():
        raise StoreError(f"{path} is not a file")
    if path.stat().st_size == 0:
        return
    try:
        flag = "mode=ro" if path.with_name(path.name + "-wal").exists() else "immutable=1"
        probe = sqlite3.connect(f"{path.resolve().as_uri()}?{flag}", uri=True, timeout=5)
        try:
            probe.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            probe.close()
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc):
            raise StoreError(
                f"{path} is not a prodops workspace (not a SQLite database, or corrupt)"
            ) from None
        raise StoreError(f"cannot read {path}: {exc}") from None


def _make_directory(directory: Path) -> None:
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create {directory}: {exc.strerror or exc}") from None


def probe_engine(path: Path) -> Engine:
    """A read-only engine that creates no file: `immutable` unless a live WAL must be read."""
    wal = path.with_name(path.name + "-wal")
    flag = "mode=ro" if wal.exists() else "immutable=1"
    target = f"{path.resolve().as_uri()}?{flag}"

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(target, uri=True, isolation_level=None, check_same_thread=False)

    return create_engine("sqlite://", creator=connect, poolclass=NullPool)


FTS_BULK_KEY = "fts.bulk:"
"""workspace_meta key prefix holding a table's suspended FTS5 trigger SQL during a bulk load."""
FTS_SOURCES = frozenset({"issue", "feedback"})


def fts_suspend(conn: Connection, table: str) -> None:
    """Drop `table`'s FTS5 insert/update triggers, saving their SQL in workspace_meta in the same
    transaction (so a crash leaves a record `fts_restore` finds). No-op if already suspended."""
    names = (f"{table}_fts_ai", f"{table}_fts_au")
    found = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN (?, ?)", names
    ).all()
    if not found:
        return
    conn.exec_driver_sql(
        "INSERT INTO workspace_meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (FTS_BULK_KEY + table, json.dumps(dict(found))),
    )
    for name, _sql in found:
        conn.exec_driver_sql(f"DROP TRIGGER {name}")


def fts_restore(conn: Connection, table: str | None = None) -> list[str]:
    """Recreate suspended FTS5 triggers (of `table`, or all) and rebuild those indexes once;
    the tables restored."""
    saved = conn.exec_driver_sql(
        "SELECT key, value FROM workspace_meta WHERE key LIKE ?", (FTS_BULK_KEY + "%",)
    ).all()
    existing = {
        row[0]
        for row in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    }
    restored = []
    for key, value in saved:
        name = key[len(FTS_BULK_KEY) :]
        if name not in FTS_SOURCES or (table is not None and name != table):
            continue
        for trigger, sql in json.loads(value).items():
            if trigger not in existing:
                conn.exec_driver_sql(sql)
        conn.exec_driver_sql(f"INSERT INTO {name}_fts({name}_fts) VALUES ('rebuild')")
        conn.exec_driver_sql("DELETE FROM workspace_meta WHERE key = ?", (key,))
        restored.append(name)
    return restored
