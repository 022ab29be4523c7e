"""One syncing process per connection, so a team does not multiply API traffic."""

import fcntl
import hashlib
import json
import os
import socket
from contextlib import ExitStack, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import SQLModel

from prodops_tui.models import tables  # noqa: F401  (registers the tables on the metadata)
from prodops_tui.store.notify import mark_status_only
from prodops_tui.store.probe import sqlite_path
from prodops_tui.store.store import Store, StoreError

__all__ = ["LOCK_KEY", "SyncLock", "holder_line"]

LOCK_KEY = "sync.lock:"
"""workspace_meta key prefix (then the connection id) of the last syncer: a JSON object with
actor, pid, host, started and, once done, finished (ISO UTC)."""


def holder_line(value: str) -> str:
    """A holder record said in a few words: `pid 12 on box by alice since 09:14 UTC`."""
    try:
        record: Any = json.loads(value)
    except ValueError:
        return value or "another process"
    if not isinstance(record, dict):
        return "another process"
    line = f"pid {record.get('pid', '?')} on {record.get('host', '?')}"
    if record.get("actor"):
        line += f" by {record['actor']}"
    started = str(record.get("started", ""))
    return line + (f" since {started[11:16]} UTC" if len(started) >= 16 else "")


class SyncLock:
    """One syncing process per connection: a session advisory lock on PostgreSQL (on its own
    connection, outside any transaction), a lock file next to a SQLite workspace. Who holds
    it, since when and when they finished is kept in workspace_meta for the status bars."""

    def __init__(self, store: Store, connection_id: str) -> None:
        self.store = store
        self.connection_id = connection_id
        self.key = LOCK_KEY + connection_id
        self._stack = ExitStack()
        self._record: dict[str, Any] = {}

    def acquire(self) -> str | None:
        """Take the lock; None when taken, else who holds it."""
        got = self._lock_postgres() if self.store.dialect == "postgresql" else self._lock_file()
        if not got:
            self._stack.close()
            return self._holder()
        self._record = {
            "actor": self.store.actor,
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": _now(),
            "finished": None,
        }
        self._save()
        return None

    def release(self) -> None:
        """Say the sync finished, then let the lock go (also if saving that fails)."""
        try:
            if self._record:
                self._record["finished"] = _now()
                with suppress(StoreError):
                    self._save()
        finally:
            self._record = {}
            self._stack.close()

    def _save(self) -> None:
        with self.store.write() as conn:
            mark_status_only(conn)
            value = json.dumps(self._record)
            self.store.upsert_in(conn, "workspace_meta", [{"key": self.key, "value": value}])

    def _digest(self) -> bytes:
        return hashlib.blake2b(self.connection_id.encode(), digest_size=8).digest()

    def _lock_postgres(self) -> bool:
        conn = self._stack.enter_context(self.store.session())
        number = int.from_bytes(self._digest(), "big", signed=True)
        args = {"k": number}
        if not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), args).scalar():
            return False
        self._stack.callback(_unlock, conn, args)
        return True

    def _lock_file(self) -> bool:
        path = sqlite_path(self.store.url)
        if path is None:
            return True
        name = f"{path.name}.sync-{self._digest().hex()}.lock"
        descriptor = os.open(Path(path.parent, name), os.O_RDWR | os.O_CREAT, 0o600)
        self._stack.callback(os.close, descriptor)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        self._stack.callback(fcntl.flock, descriptor, fcntl.LOCK_UN)
        return True

    def _holder(self) -> str:
        meta = SQLModel.metadata.tables["workspace_meta"]
        with suppress(StoreError), self.store.read() as conn:
            value = conn.execute(select(meta.c.value).where(meta.c.key == self.key)).scalar()
            return holder_line(str(value or ""))
        return "another process"


def _unlock(conn: Connection, args: dict[str, int]) -> None:
    """Release the advisory lock; a dead connection has released it already."""
    with suppress(SQLAlchemyError):
        conn.execute(text("SELECT pg_advisory_unlock(:k)"), args)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
