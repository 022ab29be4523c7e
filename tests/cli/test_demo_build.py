"""Demo workspaces are built atomically, and the built app opens in a real terminal."""

import os
import pty
import select
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from prodops_tui.cli.build import build_demo_workspace
from prodops_tui.config import paths
from prodops_tui.store.probe import is_current_sqlite


def test_build_fills_every_table(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    counts = build_demo_workspace(path, size="tiny", seed=7, today=date(2026, 11, 27), quiet=True)
    assert is_current_sqlite(f"sqlite:///{path}")
    with sqlite3.connect(path) as connection:
        issues = connection.execute("SELECT count(*) FROM issue").fetchone()[0]
        feedback = connection.execute("SELECT count(*) FROM feedback").fetchone()[0]
    assert (issues, feedback) == (200, 1_000) == (counts["issue"], counts["feedback"])
    assert not [p.name for p in tmp_path.iterdir() if "building" in p.name]


def test_failed_build_leaves_nothing_behind(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    with pytest.raises(ValueError, match="unknown size"):
        build_demo_workspace(path, size="enormous", seed=7, quiet=True)
    assert list(tmp_path.iterdir()) == []


def _read_until(fd: int, marker: bytes, seconds: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + seconds
    while marker not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
    return seen


def test_opening_a_workspace_in_a_terminal_shows_its_issues() -> None:
    build_demo_workspace(paths.workspace_db("demo-tiny"), size="tiny", seed=7, quiet=True)
    leader, follower = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "36"}
    process = subprocess.Popen(
        [sys.executable, "-m", "prodops_tui", "--workspace", "demo-tiny"],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        start_new_session=True,
    )
    os.close(follower)
    try:
        assert b"Untriaged" in _read_until(leader, b"Untriaged", 60)
        os.write(leader, b"\x1bOR")  # F3: the backlog
        assert b"Summary" in _read_until(leader, b"Summary", 30)
        os.write(leader, b"\x11")  # ctrl+q
        deadline = time.monotonic() + 30
        while process.poll() is None and time.monotonic() < deadline:
            _read_until(leader, b"\x00never", 0.5)  # keep draining so the app can write
        assert process.wait(timeout=1) == 0
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        os.close(leader)
