"""Live updates: notice, in a background thread, that another member changed the workspace.

PostgreSQL: LISTEN on the channel every write transaction notifies (store/notify.py), skipping
our own notices. SQLite: poll `PRAGMA data_version`, which moves when another connection
commits. Changes are passed on at most once per `gap` seconds, so a member's long sync does not
make every other screen redraw on each page. Nothing here imports SQLAlchemy.
"""

import sqlite3
import threading
import time
from collections.abc import Callable
from contextlib import closing
from typing import Any

from prodops_tui.store.errors import mask_url
from prodops_tui.store.notify import CHANNEL, DATA, STATUS, parse
from prodops_tui.store.probe import sqlite_path

POLL_SECONDS = 0.5
GAP_SECONDS = 1.0
"""Notices are handed on at most this often: the lag is at most POLL + GAP (1.5 s)."""
KEEPALIVE_SECONDS = 10.0
"""A listening PostgreSQL connection runs a query this often, so a dead link is noticed."""
RETRY_SECONDS = (1.0, 2.0, 5.0, 10.0)

OnChange = Callable[[str], object]
"""Called with `data` or `status` (from the watcher's thread)."""
OnProblem = Callable[[str], object]
"""Called with one line when the workspace cannot be watched, and with "" once it can again."""


class Watcher:
    """Watches one workspace until `stop` is set; `run` blocks, so call it from a thread."""

    def __init__(
        self,
        url: str,
        *,
        origin: str,
        on_change: OnChange,
        on_problem: OnProblem,
        paused: Callable[[], bool] = lambda: False,
        poll: float = POLL_SECONDS,
        gap: float = GAP_SECONDS,
    ) -> None:
        self.url = url
        self.origin = origin
        self.on_change = on_change
        self.on_problem = on_problem
        self.paused = paused
        """While True (our own sync is writing), SQLite changes wait: the sync reports its own."""
        self.poll = poll
        self.gap = gap
        self.stop = threading.Event()
        self._pending: set[str] = set()
        self._last = 0.0
        self._failing = False

    def run(self) -> None:
        """Watch until `stop` is set, reconnecting with a growing pause after a failure."""
        attempt = 0
        while not self.stop.is_set():
            try:
                if sqlite_path(self.url) is not None:
                    self._poll_sqlite()
                else:
                    self._listen_postgres()
                attempt = 0
            except Exception as error:  # the driver's own errors, whatever the dialect
                self._problem(error)
                self.stop.wait(RETRY_SECONDS[min(attempt, len(RETRY_SECONDS) - 1)])
                attempt += 1

    def _connected(self) -> None:
        """A (re)connected watch: after an outage, everything may have changed meanwhile."""
        if self._failing:
            self._failing = False
            self.on_problem("")
            self._add(DATA)
            self._flush()

    def _problem(self, error: Exception) -> None:
        text = str(error).strip().splitlines()
        line = mask_url(text[0] if text else type(error).__name__)
        self._failing = True
        self.on_problem(f"workspace unreachable, retrying ({line})")

    def _add(self, what: str) -> None:
        self._pending.add(what)

    def _flush(self) -> None:
        """Hand on what is pending, unless the last hand-over was less than `gap` ago."""
        if not self._pending or time.monotonic() - self._last < self.gap:
            return
        if self.paused() and DATA in self._pending:
            return
        what = DATA if DATA in self._pending else STATUS
        self._pending.clear()
        self._last = time.monotonic()
        self.on_change(what)

    def _poll_sqlite(self) -> None:
        path = sqlite_path(self.url)
        assert path is not None
        target = f"{path.resolve().as_uri()}?mode=ro"
        connection = sqlite3.connect(target, uri=True, check_same_thread=False, timeout=5)
        with closing(connection):
            seen = _data_version(connection)
            self._connected()
            while not self.stop.wait(self.poll):
                now = _data_version(connection)
                if now != seen:
                    seen = now
                    self._add(DATA)
                self._flush()

    def _listen_postgres(self) -> None:
        import psycopg  # only team workspaces pay for the driver

        dsn = "postgresql://" + self.url.split("://", 1)[1]
        with psycopg.connect(dsn, autocommit=True, connect_timeout=5) as connection:
            connection.execute(f"LISTEN {CHANNEL}")
            self._connected()
            alive = time.monotonic()
            while not self.stop.is_set():
                for notice in connection.notifies(timeout=self.poll):
                    self._take(notice.payload)
                self._flush()
                if time.monotonic() - alive > KEEPALIVE_SECONDS:
                    connection.execute("SELECT 1")
                    alive = time.monotonic()

    def _take(self, text: str) -> None:
        notice = parse(text)
        if notice.origin != self.origin:
            self._add(notice.what)
            self._flush()


def _data_version(connection: sqlite3.Connection) -> Any:
    return connection.execute("PRAGMA data_version").fetchone()[0]
