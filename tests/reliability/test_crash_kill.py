"""Crash safety (RELIABILITY.md, issue 10): `prodops push` and `prodops sync` are killed with
SIGKILL at random points while edits are queued and pages are written. Afterwards no
acknowledged edit is lost, none reached the fake Jira twice, and the database is intact.

PRODOPS_CRASH_RUNS sets the number of kills (default 50; a nightly run can ask for more)."""

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from prodops_tui.cli import cli
from prodops_tui.config import paths
from prodops_tui.fakes.serve import RunningFakes, start_fakes
from prodops_tui.services.generator import generate
from prodops_tui.store.store import Store

RUNS = int(os.environ.get("PRODOPS_CRASH_RUNS", "50"))
LATENCY = 0.03
"""Seconds the fake adds to each request, so a push of the queue takes long enough to be hit."""
MARKER = "prodops.edit"


@pytest.fixture
def fakes() -> Iterator[RunningFakes]:
    with start_fakes(generate("tiny", 11, date(2025, 1, 15)), kinds=("jira",)) as running:
        yield running


@pytest.fixture(autouse=True)
def headless(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("PRODOPS_CONFIG", str(home / "config.toml"))
    monkeypatch.setenv("PRODOPS_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("PRODOPS_CACHE_DIR", str(home / "cache"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")


def _workspace() -> Store:
    return Store.open(f"sqlite:///{paths.workspace_db('default')}")


def _query(sql: str) -> list[Any]:
    store = _workspace()
    try:
        with store.read() as conn:
            return list(conn.execute(text(sql)).all())
    finally:
        store.close()


def _issues() -> list[tuple[str, datetime]]:
    rows = _query("SELECT id, updated FROM issue ORDER BY key")
    return [(r[0], _aware(r[1])) for r in rows]


def _aware(value: Any) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    assert isinstance(moment, datetime)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _enqueue(edits: list[tuple[str, str, dict[str, Any], datetime]]) -> list[str]:
    """Queue edits the way the app does (decision + outbox in one transaction); their ids."""
    store = _workspace()
    ids = []
    try:
        with store.write() as conn:
            for target, op, payload, base in edits:
                ids.append(
                    store.enqueue(
                        conn,
                        target=target,
                        op=op,
                        payload=payload,
                        base_version=base.isoformat(),
                        actor="crash-test",
                    )
                )
    finally:
        store.close()
    return ids


def _spawn(command: str) -> subprocess.Popen[bytes]:
    code = "from prodops_tui.cli import main; main()"
    return subprocess.Popen(
        [sys.executable, "-c", code, command, *(["--quiet"] if command == "sync" else [])],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _kill_at_random(process: subprocess.Popen[bytes], rng: random.Random) -> bool:
    """SIGKILL after a random delay; False if the process had already finished."""
    deadline = time.monotonic() + rng.uniform(0.2, 2.5)
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    return True


def _integrity() -> str:
    return str(_query("PRAGMA integrity_check")[0][0])


def _comment_marks(fakes: RunningFakes) -> list[str]:
    """The edit id carried by every comment on the fake Jira."""
    data = fakes.apps["jira"].state.data
    marks = []
    for comments in data.comments.values():
        for comment in comments:
            for prop in comment.get("properties") or []:
                if prop.get("key") == MARKER:
                    marks.append(str(prop["value"]["id"]))
    return marks


def _connect_and_sync(fakes: RunningFakes, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRODOPS_JIRA_TOKEN", fakes.tokens["jira"])
    runner = CliRunner()
    connected = runner.invoke(
        cli,
        ["connect", "jira", "--url", fakes.urls["jira"], "--email", "ops@acme.example"],
        input="CHK,SRCH,MOB,BILL,ONB,API\n",
        catch_exceptions=False,
    )
    assert connected.exit_code == 0, connected.output
    synced = runner.invoke(cli, ["sync", "--quiet"], catch_exceptions=False)
    assert synced.exit_code == 0, synced.output


def test_sigkill_during_push_and_sync_loses_nothing_and_doubles_nothing(
    fakes: RunningFakes, monkeypatch: pytest.MonkeyPatch
) -> None:
    _connect_and_sync(fakes, monkeypatch)
    issues = _issues()
    rng = random.Random(20261127)
    comments: list[str] = []
    priorities: dict[str, str] = {}
    free = iter(issues)
    fakes.apps["jira"].state.latency = LATENCY
    kills = 0
    for run in range(RUNS):
        batch = [next(free, None) for _ in range(2)]
        queued = [(i, "comment", {"markdown": f"note {run}"}, u) for i, u in batch[:1] if i]
        name = rng.choice(["Highest", "High", "Low", "Lowest"])
        queued += [(i, "priority", {"name": name}, u) for i, u in batch[1:] if i]
        ids = _enqueue(queued)
        comments += [edit for edit, q in zip(ids, queued, strict=True) if q[1] == "comment"]
        priorities.update({q[0]: q[2]["name"] for q in queued if q[1] == "priority"})
        process = _spawn("sync" if run % 3 == 2 else "push")
        kills += _kill_at_random(process, rng)
        assert _integrity() == "ok", f"integrity check failed after run {run}"
    fakes.apps["jira"].state.latency = 0.0
    for _ in range(3):  # leases of killed pushers expire; a clean push finishes the queue
        time.sleep(1.0)
        if _spawn("push").wait() == 0:
            break
    states = dict(_query("SELECT state, count(*) FROM outbox GROUP BY state"))
    assert states == {"done": len(comments) + len(priorities)}, states
    marks = _comment_marks(fakes)
    assert sorted(marks) == sorted(comments), "a comment was lost or applied twice"
    data = fakes.apps["jira"].state.data
    for issue_id, name in priorities.items():
        found = data.find(issue_id.rsplit(":", 1)[1])
        assert found["fields"]["priority"]["name"] == name
    assert kills >= RUNS // 2, f"only {kills} of {RUNS} runs were killed before they finished"
