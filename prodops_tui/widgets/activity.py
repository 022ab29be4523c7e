"""Activity: the write side as the screens see it (the lazily opened store, who edits) and what
the background sync is doing per source."""

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.message import Message
from textual.signal import Signal

from prodops_tui.config.load import os_user
from prodops_tui.store.notify import new_origin

if TYPE_CHECKING:
    from prodops_tui.services.live import Watcher
    from prodops_tui.store.store import Store

STATUS = "status"
"""Published when only the status line changed (a source started or finished syncing)."""
DATA = "data"
"""Published when rows changed (sync, edit, push, resolved conflict): lists reload."""


class Watched(Message):
    """From the live-update thread: another member changed the workspace (`change` is DATA or
    STATUS), or watching it failed (`problem`) or works again ("")."""

    def __init__(self, change: str = "", problem: str | None = None) -> None:
        super().__init__()
        self.change = change
        self.problem = problem


class Activity:
    """Shared by every screen: the workspace's write store, the actor and the sync state."""

    def __init__(self, url: str, *, read_only: bool, actor: str, changed: Signal[str]) -> None:
        self.url = url
        self.read_only = read_only
        self.actor = actor or os_user()
        """Who the decisions are recorded for (config's actor name, else the OS user)."""
        self.changed = changed
        self.syncing: set[str] = set()
        """Connection kinds being synced now."""
        self.errors: dict[str, str] = {}
        """Connection kind -> the last sync error, one line (cleared by a good sync)."""
        self.unreachable = ""
        """Why the workspace cannot be watched for other members' changes now ("" when it can)."""
        self.origin = new_origin()
        """Names this app's writes in change notices, so it skips its own (store/notify.py)."""
        self._store: Store | None = None
        self._watcher: Watcher | None = None
        self._lock = threading.Lock()

    def store(self) -> "Store":
        """The write store, opened on first use: call from a worker (it imports SQLAlchemy)."""
        from prodops_tui.store.store import Store

        with self._lock:
            if self._store is None:
                self._store = Store.open(self.url, read_only=self.read_only, create=False)
                self._store.origin = self.origin
                self._store.actor = self.actor
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

    def watch(self, post: Callable[[Message], object]) -> None:
        """Watch for other members' changes in a thread (services/live.py) that `post`s them as
        Watched messages, for the app to hand to `take` on its own thread."""
        from prodops_tui.services.live import Watcher

        if self._watcher is not None:
            return
        self._watcher = Watcher(
            self.url,
            origin=self.origin,
            on_change=lambda what: post(Watched(change=what)),
            on_problem=lambda problem: post(Watched(problem=problem)),
            paused=lambda: bool(self.syncing),
        )
        # A daemon thread, not a worker: it lives as long as the app, and whoever waits for
        # the workers to finish (tests, benchmarks) must not wait for it.
        threading.Thread(target=self._watcher.run, name="prodops-live", daemon=True).start()

    def take(self, event: Watched) -> None:
        """Pass a watched change on to the screens (UI thread)."""
        if event.problem is not None and event.problem != self.unreachable:
            self.unreachable = event.problem
            self.changed.publish(STATUS)
        if event.change:
            self.changed.publish(event.change)

    def close(self) -> None:
        if self._watcher is not None:
            self._watcher.stop.set()
            self._watcher = None
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None
