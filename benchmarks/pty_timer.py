"""Spawn a program on a real pseudo-terminal and time how long until a text appears on screen."""

from __future__ import annotations

import contextlib
import fcntl
import os
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

COLUMNS, LINES = 120, 36


@dataclass(frozen=True)
class PtyRun:
    """One spawn: milliseconds from spawn to the marker (None if it never came), bytes read."""

    ms: float | None
    """Until the last marker (all of them seen)."""
    marks: tuple[float | None, ...]
    """Until each marker, in the order given."""
    spawned_at: float
    """Wall-clock time (time.time()) of the spawn, to line up with what the child records."""
    bytes_read: int
    tail: bytes
    """The last output bytes, for diagnosing a run that timed out."""


def _open_pty() -> tuple[int, int]:
    parent, child = os.openpty()
    size = struct.pack("HHHH", LINES, COLUMNS, 0, 0)
    fcntl.ioctl(child, termios.TIOCSWINSZ, size)
    return parent, child


def _spawn(argv: Sequence[str], env: Mapping[str, str], child_fd: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        list(argv),
        stdin=child_fd,
        stdout=child_fd,
        stderr=child_fd,
        env=dict(env),
        start_new_session=True,
        close_fds=True,
    )


def _stop(process: subprocess.Popen[bytes], parent_fd: int) -> None:
    """Kill the spawned process group (this process started it) and drain the pty."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    try:
        while select.select([parent_fd], [], [], 0.05)[0]:
            if not os.read(parent_fd, 65536):
                break
    except OSError:
        pass
    os.close(parent_fd)


def time_to_marker(
    argv: Sequence[str], marker: bytes, env: Mapping[str, str], timeout: float = 20.0
) -> PtyRun:
    """Spawn `argv` on a 120x36 pty and return the time until `marker` is in its output."""
    return time_to_markers(argv, (marker,), env, timeout)


def time_to_markers(
    argv: Sequence[str], markers: Sequence[bytes], env: Mapping[str, str], timeout: float = 20.0
) -> PtyRun:
    """Spawn `argv` on a 120x36 pty; time until each marker is first in its output."""
    parent_fd, child_fd = _open_pty()
    spawned_at = time.time()
    started = time.perf_counter()
    process = _spawn(argv, env, child_fd)
    os.close(child_fd)
    output = bytearray()
    seen: dict[bytes, float] = {}
    deadline = started + timeout
    try:
        while time.perf_counter() < deadline and len(seen) < len(markers):
            ready, _, _ = select.select([parent_fd], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(parent_fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            now = (time.perf_counter() - started) * 1000
            output += chunk
            for marker in markers:
                if marker not in seen and marker in output[-(len(chunk) + len(marker)) :]:
                    seen[marker] = now
    finally:
        _stop(process, parent_fd)
    marks = tuple(seen.get(marker) for marker in markers)
    last = None if None in marks else max(m for m in marks if m is not None)
    return PtyRun(last, marks, spawned_at, len(output), bytes(output[-400:]))


def pty_env(extra: Mapping[str, str], pycache: str | None = None) -> dict[str, str]:
    """The parent's environment for a terminal app: xterm-256color, 120x36, no colour opt-outs.

    With `pycache`, bytecode is written to and read from that directory (as on an installed
    system, where `__pycache__` exists after the first start); without it the parent's
    PYTHONDONTWRITEBYTECODE (set in this sandbox) makes every spawn compile all its sources.
    """
    drop = ("NO_COLOR", "TEXTUAL", "COLUMNS")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    if pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = pycache
    env.update(TERM="xterm-256color", COLUMNS=str(COLUMNS), LINES=str(LINES), **extra)
    return env
