"""Hostile remote text on a real terminal (RELIABILITY.md §1, issue 10): the app runs on a
pseudo-terminal over a workspace whose issues, feedback, experiments and tools carry markup,
escape sequences (OSC 52 clipboard, OSC 8 links, C1 controls), bidi overrides, zero-width and
wide characters and a 1 MB body. Every screen is shown; the bytes the app writes must carry none
of those sequences, the markup must not act (the app is still running), and the text is shown."""

import fcntl
import os
import select
import struct
import subprocess
import sys
import termios
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from prodops_tui.store.store import Store

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
OSC52 = "\x1b]52;c;SGVsbG8=\x07"
OSC8 = "\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\"
C1 = "\x9b31m"
BIDI = "\u202eevil\u202c"
HOSTILE = (
    f"[@click=app.quit]Q[/] [link=https://evil.example]L[/link] {OSC52}{OSC8}{C1}"
    f" \x1b[2J{BIDI} zero\u200bwidth 👩‍💻 漢字 [b"
)
KEYS = (b"\x1bOR", b"d", b"\x1bOS", b"d", b"\x1b[15~", b"\x1b[17~", b"\x1bOQ")
"""F3 Backlog, its detail pane, F4 Inbox and its pane, F5 Calendar, F6 Tools, F2 Home."""
FORBIDDEN = {
    "OSC 52 (clipboard)": b"\x1b]52",
    "OSC 8 link to the hostile site": b"\x1b]8;;https://evil",
    "C1 CSI": "\x9b".encode(),
    "bidi override": "\u202e".encode(),
}


def _fill(store: Store) -> None:
    store.upsert("issue", [_issue(n) for n in range(1, 41)])
    store.upsert("feedback", [_feedback(n) for n in range(1, 41)])
    store.upsert("experiment", [_experiment(n) for n in range(1, 6)])
    store.upsert("tool", [_tool(n) for n in range(1, 6)])


def _issue(n: int) -> dict[str, Any]:
    return {
        "id": f"jira:acme:{n}", "key": f"PROD-{n}", "project": "PROD", "type": "Bug",
        "summary": f"{HOSTILE} {n}", "description_md": HOSTILE + "x" * (1 << 20 if n == 1 else 10),
        "status": "To Do", "priority": "High", "assignee": HOSTILE, "labels": [HOSTILE],
        "updated": NOW - timedelta(minutes=n),
    }  # fmt: skip


def _feedback(n: int) -> dict[str, Any]:
    return {
        "id": f"zd:{n}", "kind": "ticket", "external_id": str(n), "requester": HOSTILE,
        "subject": f"{HOSTILE} {n}", "body": HOSTILE * 3, "tags": [HOSTILE],
        "updated": NOW - timedelta(hours=n), "state": "new",
    }  # fmt: skip


def _experiment(n: int) -> dict[str, Any]:
    start = date(2026, 11, 10 + n)
    return {
        "id": f"local:{n}", "name": f"{HOSTILE} {n}", "status": "running", "surface": HOSTILE,
        "owner": HOSTILE, "hypothesis": HOSTILE, "start": start, "end": start + timedelta(9),
    }  # fmt: skip


def _tool(n: int) -> dict[str, Any]:
    return {
        "id": f"tool-{n}", "name": f"{HOSTILE} {n}", "category": HOSTILE, "owner": HOSTILE,
        "notes": HOSTILE, "seats_bought": 5, "seats_used": 3, "monthly_cost": 10.0,
        "renewal_date": date(2026, 12, 1),
    }  # fmt: skip


def _spawn(config: Path, env_root: Path) -> tuple[subprocess.Popen[bytes], int]:
    parent, child = os.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 36, 120, 0, 0))
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "PRODOPS_CONFIG": str(config),
        "PRODOPS_DATA_DIR": str(env_root / "data"),
        "PRODOPS_CACHE_DIR": str(env_root / "cache"),
        "COLUMNS": "120",
        "LINES": "36",
    }
    code = "from prodops_tui.cli import main; main()"
    process = subprocess.Popen(
        [sys.executable, "-c", code, "--workspace", "hostile", "--read-only"],
        stdin=child, stdout=child, stderr=child, env=env, start_new_session=True,
    )  # fmt: skip
    os.close(child)
    return process, parent


def _read_until_quiet(fd: int, sink: bytearray, *, quiet: float, limit: float) -> None:
    """Collect output until none came for `quiet` seconds (after some did), or `limit`."""
    started = time.monotonic()
    last = None
    while time.monotonic() - started < limit:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                sink += os.read(fd, 65536)
            except OSError:
                return
            last = time.monotonic()
        elif last is not None and time.monotonic() - last > quiet:
            return


def test_hostile_text_never_reaches_the_terminal_as_control(tmp_path: Path) -> None:
    database = tmp_path / "hostile.db"
    store = Store.open(f"sqlite:///{database}")
    _fill(store)
    store.close()
    config = tmp_path / "config.toml"
    config.write_text(f'[workspaces.hostile]\nurl = "sqlite:///{database}"\nread_only = true\n')
    process, fd = _spawn(config, tmp_path)
    output = bytearray()
    try:
        _read_until_quiet(fd, output, quiet=3.0, limit=40.0)  # first frame and Home's counts
        for key in KEYS:
            os.write(fd, key)
            _read_until_quiet(fd, output, quiet=1.5, limit=10.0)
        assert process.poll() is None, output[-2000:].decode(errors="replace")
    finally:
        os.write(fd, b"\x11")  # ctrl+q
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        os.close(fd)
    found = {name for name, sequence in FORBIDDEN.items() if sequence in output}
    assert found == set()
    assert b"@click=app.quit" in output and "漢字".encode() in output
