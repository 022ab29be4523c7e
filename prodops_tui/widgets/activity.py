"""Activity: the write side as the screens see it (the lazily opened store, who edits) and what
the background sync is doing per source."""

import threading
from typing import TYPE_CHECKING

from textual.signal import Signal

if TYPE_CHECKING:
    from prodops_tui.store.store import Store

STATUS = "status"
"""Published when only the status line changed (a source started or finished syncing)."""
DATA = "data"
"""Published when rows changed (sync, edit, push, resolved conflict): lists reload."""


def _os_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name in the environment or the password database
        return "unknown"


class Activity:
    """Shared by every screen: the workspace's write store, the actor and the sync state."""

    def __init__(self, url: str, *, read_only: bool, actor: str, changed: Signal[str]) -> None:
        self.url = url
        self.read_only = read_only
        self.actor = actor or _os_user()
        """Who the decisions are recorded for (config's actor name, else the OS user)."""
        self.changed = changed
        self.syncing: set[str] = set()
        """Connection kinds being synced now."""
        self.errors: dict[str, str] = {}
        """Connection kind -> the last sync error, one line (cleared by a good sync)."""
        self._store: Store | None = None
        self._lock = threading.Lock()

    def store(self) -> "Store":
        """The write store, opened on first use: call from a worker (it imports SQLAlchemy)."""
        from prodops_tui.store.store import Store

        with self._lock:
            if self._store is None:
                self._store = Store.open(self.url, read_only=self.read_only, create=False)
            return self._store

    def set_state(self, kind: str, state: str, error: str = "") -> None:
        """Record one source's progress ("syncing", "done", "error") and tell the status bars."""
        if state == "syncing":
            self.syncing.add(kind)
        else:
            self.syncing.discard(kind)
            if state == "error":
                self.errors[kind] = error
            else:
                self.errors.pop(kind, None)
        self.changed.publish(STATUS)

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None
