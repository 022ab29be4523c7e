"""Live updates between members: a Watcher sees another Store's commits within 2 s (NOTIFY on
PostgreSQL, PRAGMA data_version on SQLite), skips its own, and survives the database going away."""

import os
import queue
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest

from prodops_tui.services.live import Watcher
from prodops_tui.services.sync_lock import SyncLock
from prodops_tui.store.store import Store

LAG = 2.0
"""The promise: another member's change is on screen within 2 seconds."""


class Seen:
    """What a watcher handed on, in order, from its thread."""

    def __init__(self) -> None:
        self.changes: queue.Queue[str] = queue.Queue()
        self.problems: queue.Queue[str] = queue.Queue()

    def next_change(self, seconds: float = LAG) -> str | None:
        try:
            return self.changes.get(timeout=seconds)
        except queue.Empty:
            return None

    def next_problem(self, seconds: float) -> str | None:
        try:
            return self.problems.get(timeout=seconds)
        except queue.Empty:
            return None


@contextmanager
def watching(url: str, origin: str, **options: object) -> Iterator[tuple[Watcher, Seen]]:
    seen = Seen()
    watcher = Watcher(
        url, origin=origin, on_change=seen.changes.put, on_problem=seen.problems.put, **options
    )  # type: ignore[arg-type]
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    try:
        time.sleep(0.3)  # listening / first data_version read
        yield watcher, seen
    finally:
        watcher.stop.set()
        thread.join(timeout=5)
    assert not thread.is_alive()


def touch(store: Store, value: str) -> None:
    store.upsert("workspace_meta", [{"key": "test.touch", "value": value}])


@pytest.fixture
def two_members(db_url: str) -> Iterator[tuple[Store, Store]]:
    first, second = Store.open(db_url), Store.open(db_url)
    try:
        yield first, second
    finally:
        first.close()
        second.close()


def test_another_members_write_is_seen_within_two_seconds(
    two_members: tuple[Store, Store],
) -> None:
    mine, theirs = two_members
    with watching(mine.url, mine.origin) as (_, seen):
        started = time.monotonic()
        touch(theirs, "one")
        assert seen.next_change() == "data"
        assert time.monotonic() - started < LAG
        touch(theirs, "two")  # inside the gap: handed on once the gap has passed
        assert seen.next_change() == "data"


def test_many_commits_are_handed_on_at_most_once_a_gap(two_members: tuple[Store, Store]) -> None:
    mine, theirs = two_members
    with watching(mine.url, mine.origin, gap=1.0) as (_, seen):
        deadline = time.monotonic() + 1.5
        while time.monotonic() < deadline:
            touch(theirs, str(time.monotonic()))
        time.sleep(0.8)
    handed = seen.changes.qsize()
    assert 1 <= handed <= 3


def test_our_own_writes_are_not_handed_back(pg_url: str) -> None:
    mine = Store.open(pg_url)
    try:
        with watching(pg_url, mine.origin) as (_, seen):
            touch(mine, "mine")
            assert seen.next_change(1.5) is None
    finally:
        mine.close()


def test_a_sync_lock_is_a_status_change_only(pg_url: str) -> None:
    mine, theirs = Store.open(pg_url), Store.open(pg_url)
    try:
        with watching(pg_url, mine.origin) as (_, seen):
            lock = SyncLock(theirs, "jira-1")
            assert lock.acquire() is None
            assert seen.next_change() == "status"
            lock.release()
            assert seen.next_change() == "status"
    finally:
        mine.close()
        theirs.close()


def test_sqlite_changes_wait_while_our_own_sync_writes(sqlite_url: str) -> None:
    mine, theirs = Store.open(sqlite_url), Store.open(sqlite_url)
    syncing = threading.Event()
    syncing.set()
    try:
        with watching(sqlite_url, mine.origin, paused=syncing.is_set) as (_, seen):
            touch(theirs, "during our sync")
            assert seen.next_change(1.5) is None
            syncing.clear()
            assert seen.next_change() == "data"
    finally:
        mine.close()
        theirs.close()


def _terminate_listeners(url: str) -> int:
    database = url.rsplit("/", 1)[1]
    admin = re.sub(r"/[^/]+$", "/postgres", url)
    with psycopg.connect(admin, autocommit=True) as conn:
        sql = (
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = %s AND query LIKE 'LISTEN%%'"
        )
        return int(conn.execute(sql, (database,)).fetchone()[0])  # type: ignore[index]


def test_postgres_going_away_is_said_and_recovered_from(pg_url: str) -> None:
    mine, theirs = Store.open(pg_url), Store.open(pg_url)
    try:
        with watching(pg_url, mine.origin) as (_, seen):
            assert _terminate_listeners(pg_url) == 1
            problem = seen.next_problem(5)
            assert problem is not None and problem.startswith("workspace unreachable")
            assert "prodops:" not in problem  # the URL's password is never shown
            assert seen.next_problem(5) == ""  # reconnected
            assert seen.next_change() == "data"  # catch up on what happened meanwhile
            touch(theirs, "after")
            assert seen.next_change() == "data"
    finally:
        mine.close()
        theirs.close()


def test_a_missing_sqlite_file_is_a_problem_not_a_crash(tmp_path: os.PathLike[str]) -> None:
    with watching(f"sqlite:///{tmp_path}/nope.db", "x") as (_, seen):
        problem = seen.next_problem(2)
    assert problem is not None and "unreachable" in problem
