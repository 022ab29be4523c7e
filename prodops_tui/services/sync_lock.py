"""One syncing process per connection, so a team does not multiply API traffic."""

import fcntl
import hashlib
import os
import socket
from contextlib import ExitStack, suppress
from pathlib import Path

from sqlalchemy import select, text
from sqlmodel import SQLModel

from prodops_tui.models import tables  # noqa: F401  (registers the tables on the metadata)
from prodops_tui.store.probe import sqlite_path
from prodops_tui.store.store import Store, StoreError

__all__ = ["SyncLock"]


class SyncLock:
    """One syncing process per connection: a lock file next to a SQLite workspace, a session
    advisory lock on PostgreSQL. The holder's pid and host are kept in workspace_meta."""

    def __init__(self, store: Store, connection_id: str) -> None:
        self.store = store
        self.connection_id = connection_id
        self.key = f"sync.lock:{connection_id}"
        self._stack = ExitStack()

    def acquire(self) -> str | None:
        """Take the lock; None when taken, else who holds it."""
        got = self._lock_postgres() if self.store.dialect == "postgresql" else self._lock_file()
        if not got:
            self._stack.close()
            return self._holder()
        me = f"pid {os.getpid()} on {socket.gethostname()}"
        self.store.upsert("workspace_meta", [{"key": self.key, "value": me}])
        return None

    def release(self) -> None:
        self._stack.close()

    def _digest(self) -> bytes:
        return hashlib.blake2b(self.connection_id.encode(), digest_size=8).digest()

    def _lock_postgres(self) -> bool:
        conn = self._stack.enter_context(self.store.read())
        number = int.from_bytes(self._digest(), "big", signed=True)
        args = {"k": number}
        if not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), args).scalar():
            return False
        self._stack.callback(conn.execute, text("SELECT pg_advisory_unlock(:k)"), args)
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
            return str(value or "another process")
        return "another process"
