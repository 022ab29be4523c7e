"""Two members' apps in two processes on one PostgreSQL workspace: one sets a priority with the
keys, the other shows it within 2 seconds without restarting."""

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from ui_rows import fill

from prodops_tui.store.store import Store

MEMBER = Path(__file__).with_name("team_app.py")


@pytest.fixture
def team_url(pg_url: str) -> str:
    store = Store.open(pg_url)
    try:
        fill(store, issue_count=40, feedback_count=5)
    finally:
        store.close()
    return pg_url


def start(*args: str) -> subprocess.Popen[str]:
    env = os.environ | {"PYTHONPATH": str(Path(__file__).parents[2])}
    return subprocess.Popen(
        [sys.executable, str(MEMBER), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def line(proc: subprocess.Popen[str]) -> str:
    assert proc.stdout is not None
    got = proc.stdout.readline().strip()
    if not got:
        proc.wait(timeout=30)
        raise AssertionError(proc.stderr.read()[-3000:] if proc.stderr else "no output")
    return got


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)


def test_a_change_in_one_app_process_shows_in_another_within_two_seconds(
    team_url: str, processes: list[subprocess.Popen[str]]
) -> None:
    watcher = start("watch", team_url)
    processes.append(watcher)
    assert line(watcher) == "ready"
    editor = start("edit", team_url, "Highest")
    processes.append(editor)
    saved = float(line(editor).split()[1])
    _, seen, shown = line(watcher).split()
    assert shown == "Highest"
    lag = float(seen) - saved
    assert lag < 2.0, f"seen after {lag:.2f} s"
    store = Store.open(team_url, read_only=True)
    try:
        with store.read() as conn:
            actors = conn.execute(text("SELECT actor FROM decision")).scalars().all()
    finally:
        store.close()
    assert actors == ["editer"]
